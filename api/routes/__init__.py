"""Routers of the API, in the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routes import (
    auth,
    catalogue,
    contracts,
    customer_pages,
    customers,
    depots,
    health,
    jobs,
    plan_control,
    plan_jobs,
    plans,
    reports,
    sites,
    technician_pages,
    technicians,
    tickets,
    tracking,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    customers.router,
    sites.router,
    contracts.router,
    tickets.router,
    jobs.router,
    technicians.router,
    depots.router,
    catalogue.router,
    plans.router,
    plan_jobs.router,
    plan_control.router,
    technician_pages.router,
    customer_pages.router,
    reports.router,
    tracking.router,
)
