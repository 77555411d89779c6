"""Fixtures of the sync's tests: the back office's real PostgreSQL, and SQLite."""

from __future__ import annotations

from tests.backoffice.postgres import pg_cluster, pg_url, store_url

__all__ = ["pg_cluster", "pg_url", "store_url"]
