"""Customers as the API shows and accepts them."""

from __future__ import annotations

from pydantic import BaseModel

from api.schemas.common import Name, RecordId, RequestModel
from dispatch.domain.customers import Customer


class CustomerChange(RequestModel):
    name: Name


class CustomerIn(CustomerChange):
    id: RecordId

    def to_domain(self) -> Customer:
        return Customer(id=self.id, name=self.name)


class CustomerOut(BaseModel):
    id: str
    name: str

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        return cls(id=customer.id, name=customer.name)
