"""What the back office recorded in ``refusals``, as the tests read it."""

from __future__ import annotations

from sqlalchemy import Engine, select

from backoffice import schema


def refusals(engine: Engine) -> list[tuple[int, int, int, str, str]]:
    """(first seq, last seq, events, code, reason) of each refusal recorded, oldest first."""
    table = schema.refusals
    with engine.connect() as connection:
        found = connection.execute(
            select(
                table.c.first_seq, table.c.last_seq, table.c.events, table.c.code, table.c.reason
            ).order_by(table.c.id)
        )
        return [(int(a), int(b), int(c), str(d), str(e)) for a, b, c, d, e in found]
