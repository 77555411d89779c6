"""Fixtures of the back office's tests: a real PostgreSQL (postgres.py), and SQLite."""

from __future__ import annotations

from tests.backoffice.postgres import engine, pg_cluster, pg_url, store_url

__all__ = ["engine", "pg_cluster", "pg_url", "store_url"]
