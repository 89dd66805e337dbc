"""Routers of the API, in the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routes import (
    auth,
    board_pages,
    catalogue,
    contracts,
    customers,
    depots,
    health,
    jobs,
    plan_control,
    plan_jobs,
    plan_view,
    plans,
    procedures,
    reports,
    sites,
    sla,
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
    sla.router,
    tickets.router,
    jobs.router,
    technicians.router,
    depots.router,
    catalogue.router,
    procedures.router,
    plans.router,
    plan_view.router,
    plan_jobs.router,
    plan_control.router,
    technician_pages.router,
    reports.router,
    tracking.router,
    board_pages.router,
)
