"""Routers of the API, in the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routes import auth, customers, health, reports, technician_pages, tracking

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    customers.router,
    technician_pages.router,
    reports.router,
    tracking.router,
)
