"""Pydantic schemas of the API: separate from domain dataclasses and ORM rows; requests forbid extras."""
