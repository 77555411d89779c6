"""Who a call's token stands for: staff tools send ``authorization: Bearer <token>``.

:func:`caller` turns the token into the staff member's session, which the servicers
hold to its roles; a call without a token is judged by where it comes from (see
docs/staff.md, trust model).
"""

from __future__ import annotations

from hub.api.status import Context
from hub.errors import SignedOut, Unauthenticated
from hub.staff import SignedIn, Staff

AUTHORIZATION = "authorization"


def bearer(context: Context) -> str | None:
    """The token of ``authorization: Bearer <token>``, or None when the call has none."""
    for key, value in context.invocation_metadata() or ():
        if key != AUTHORIZATION:
            continue
        text = value.decode() if isinstance(value, bytes) else value
        scheme, _, token = text.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise SignedOut('send the token as "authorization: Bearer <token>"')
        return token.strip()
    return None


def caller(context: Context, staff: Staff) -> SignedIn | None:
    """The session of a call's token; None for a call without one; SignedOut for a dead one."""
    token = bearer(context)
    return None if token is None else staff.session(token)


def signed_in(context: Context, staff: Staff) -> SignedIn:
    """The caller's session; Unauthenticated for a call without a token."""
    session = caller(context, staff)
    if session is None:
        raise Unauthenticated("sign in first: this call needs a staff token")
    return session
