"""Reading applications and erasing their contacts; run on the hub's database thread.

Written only with their events (hub/store/repository.py); these are the reads the desk,
the information system, the kiosk, the web page and the call centre need, and the erasure
that ends the applicant's contact when its time is up.
"""

from __future__ import annotations

from sqlalchemy import Engine, and_, func, or_, select, update

from hub.domain.applications import Application, ApplicationStatus
from hub.store import codec, schema

_TABLE = schema.applications
_CHANGES = schema.application_changes


def get(engine: Engine, number: str) -> Application | None:
    with engine.connect() as connection:
        row = connection.execute(select(_TABLE).where(_TABLE.c.number == number)).mappings()
        found = row.first()
    return codec.application_from_row(found) if found is not None else None


def by_request(engine: Engine, request_id: str) -> Application | None:
    """The application an Accept with this request id made, if any."""
    with engine.connect() as connection:
        found = (
            connection.execute(select(_TABLE).where(_TABLE.c.request_id == request_id))
            .mappings()
            .first()
        )
    return codec.application_from_row(found) if found is not None else None


def change_applied(engine: Engine, change_id: str) -> str | None:
    """The number of the application a change id was applied to, or None if it was not."""
    with engine.connect() as connection:
        return connection.execute(
            select(_CHANGES.c.number).where(_CHANGES.c.change_id == change_id)
        ).scalar()


def last_place(engine: Engine, day_prefix: str) -> int:
    """The highest place given on a day ("261207-"): the next number follows it."""
    with engine.connect() as connection:
        numbers = connection.execute(
            select(_TABLE.c.number).where(_TABLE.c.number.startswith(day_prefix, autoescape=True))
        ).scalars()
        return max((int(n.partition("-")[2]) for n in numbers), default=0)


def by_card(engine: Engine, snils_hash: str, limit: int) -> list[Application]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(_TABLE)
            .where(_TABLE.c.snils_hash == snils_hash)
            .order_by(_TABLE.c.accepted_at_ms.desc())
            .limit(limit)
        ).mappings()
        return [codec.application_from_row(r) for r in rows]


def in_status(engine: Engine, status: ApplicationStatus, limit: int) -> list[Application]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(_TABLE)
            .where(_TABLE.c.status == status.value)
            .order_by(_TABLE.c.changed_at_ms, _TABLE.c.number)
            .limit(limit)
        ).mappings()
        return [codec.application_from_row(r) for r in rows]


def count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(_TABLE)).scalar_one())


def erase_contacts(engine: Engine, *, ended_before_ms: int, accepted_before_ms: int) -> int:
    """Erase the contact and reason of applications ended before ``ended_before_ms`` or
    accepted before ``accepted_before_ms``; the number of rows erased."""
    held = or_(_TABLE.c.phone != "", _TABLE.c.email != "", _TABLE.c.snils_hash != "")
    held = or_(held, _TABLE.c.reason != "")
    due = or_(
        and_(_TABLE.c.ended_at_ms > 0, _TABLE.c.ended_at_ms < ended_before_ms),
        _TABLE.c.accepted_at_ms < accepted_before_ms,
    )
    with engine.begin() as connection:
        result = connection.execute(
            update(_TABLE)
            .where(held, due)
            .values(
                phone="",
                email="",
                snils_hash="",
                reason="",
                notify_sms=False,
                notify_email=False,
            )
        )
        return int(result.rowcount)
