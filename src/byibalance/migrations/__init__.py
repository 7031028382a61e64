"""Alembic migrations of the web database (users, scenarios, shares)."""
