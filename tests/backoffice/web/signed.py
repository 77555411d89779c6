"""Signed-in people of the dashboard's tests: an account, and the session cookie a browser
holds once it has signed in through /signin (test_signin.py drives that page itself)."""

from __future__ import annotations

from sqlalchemy import Engine

from backoffice.accounts import BRANCH_HEAD, REGIONAL, add_user, open_session
from backoffice.web.signin import COOKIE

PASSWORD = "correct horse battery"
MANAGER = "manager"


def manager(engine: Engine) -> dict[str, str]:
    """The cookie of a regional manager, who reads every branch."""
    add_user(engine, MANAGER, REGIONAL, PASSWORD)
    return {COOKIE: open_session(engine, MANAGER)}


def branch_head(engine: Engine, branch_id: str, name: str = "head") -> dict[str, str]:
    """The cookie of the head of ``branch_id``, who reads that branch only."""
    add_user(engine, name, BRANCH_HEAD, PASSWORD, branch_id)
    return {COOKIE: open_session(engine, name)}
