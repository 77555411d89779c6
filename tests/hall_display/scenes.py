"""Boards in known states, built from feed messages, for view tests and screenshots.

The hall is the example branch (thirteen services, twenty desks); the clock stands still
at Monday 2026-11-23 10:00 in Moscow, so every screenshot is the same picture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hall_display.board import Board, Link
from hall_display.settings import DisplaySettings
from hall_display.view import BoardView
from hub.config import load_branch
from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "branch.toml"
NOON = 1_795_417_200_000  # 2026-11-23 10:00 in Moscow, a Monday
DAY = "2026-11-23"
TICKER = "Приём документов на загранпаспорт — до 19:00. Оплата госпошлины — в терминалах у входа."
NOTICE = "Пожалуйста, следите за номером своего талона на табло"


class Clock:
    """The display's clock in tests: stands still until moved."""

    def __init__(self, now_ms: int = NOON) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> None:
        self.now_ms += int(seconds * 1000)


def services() -> list[admin_pb2.ServiceInfo]:
    branch = load_branch(EXAMPLE).branch
    return [
        admin_pb2.ServiceInfo(id=s.id, prefix=s.prefix, name_ru=s.name_ru, name_en=s.name_en)
        for s in branch.services
    ]


def desk(
    number: int,
    state: common_pb2.DeskState.ValueType = common_pb2.DESK_STATE_OPEN,
    ticket_id: str = "",
) -> common_pb2.Desk:
    return common_pb2.Desk(
        id=f"desk-{number:02d}", number=number, state=state, current_ticket_id=ticket_id
    )


def ticket(
    number: str,
    service: str,
    state: common_pb2.TicketState.ValueType = common_pb2.TICKET_STATE_WAITING,
    *,
    desk_number: int = 0,
    called_at_ms: int = 0,
    recalls: int = 0,
) -> common_pb2.Ticket:
    return common_pb2.Ticket(
        id=f"{DAY}/{number}",
        number=number,
        service_id=service,
        state=state,
        desk_id=f"desk-{desk_number:02d}" if desk_number else "",
        called_at_unix_ms=called_at_ms,
        waiting_since_unix_ms=NOON - 600_000,
        recalls=recalls,
        day=DAY,
    )


def call_event(
    seq: int, number: str, service: str, desk_number: int, at_ms: int, *, recall: bool = False
) -> feed_pb2.FeedMessage:
    kind = feed_pb2.EVENT_KIND_TICKET_RECALLED if recall else feed_pb2.EVENT_KIND_TICKET_CALLED
    called = ticket(
        number,
        service,
        common_pb2.TICKET_STATE_CALLED,
        desk_number=desk_number,
        called_at_ms=at_ms,
        recalls=int(recall),
    )
    return feed_pb2.FeedMessage(
        event=feed_pb2.Event(
            sequence=seq,
            at_unix_ms=at_ms,
            kind=kind,
            ticket=called,
            desk=desk(desk_number, ticket_id=called.id),
        )
    )


def event(
    seq: int,
    kind: feed_pb2.EventKind.ValueType,
    *,
    ticket_: common_pb2.Ticket | None = None,
    desk_: common_pb2.Desk | None = None,
) -> feed_pb2.FeedMessage:
    message = feed_pb2.Event(sequence=seq, at_unix_ms=NOON, kind=kind)
    if ticket_ is not None:
        message.ticket.CopyFrom(ticket_)
    if desk_ is not None:
        message.desk.CopyFrom(desk_)
    return feed_pb2.FeedMessage(event=message)


# The morning's calls, oldest first: (ticket, service, desk).
CALLED = [
    ("А014", "passport", 1),
    ("Б007", "foreign-passport", 2),
    ("Г031", "snils", 7),
    ("В012", "residence", 3),
    ("Д005", "child-benefits", 9),
    ("Ж003", "property", 12),
    ("А015", "passport", 4),
    ("Е002", "maternity-capital", 10),
    ("Г032", "snils", 8),
    ("А016", "passport", 5),
    ("Б008", "foreign-passport", 6),
]
WAITING = {
    "passport": 9,
    "foreign-passport": 4,
    "residence": 3,
    "snils": 12,
    "child-benefits": 2,
    "maternity-capital": 1,
    "property": 5,
    "state-duty": 3,
}
PREFIXES = {
    "passport": "А",
    "foreign-passport": "Б",
    "residence": "В",
    "snils": "Г",
    "child-benefits": "Д",
    "maternity-capital": "Е",
    "property": "Ж",
    "state-duty": "П",
}


def snapshot(sequence: int = 500) -> feed_pb2.FeedMessage:
    """The hall at 10:00: ten tickets at desks, desk 6 free, 11 on a break, 13-20 closed."""
    tickets = []
    desks = []
    for i, (number, service, desk_number) in enumerate(CALLED[:-1]):
        called_at = NOON - (len(CALLED) - i) * 40_000
        tickets.append(
            ticket(
                number,
                service,
                common_pb2.TICKET_STATE_SERVING,
                desk_number=desk_number,
                called_at_ms=called_at,
            )
        )
        desks.append(desk(desk_number, ticket_id=tickets[-1].id))
    for service, count in WAITING.items():
        for n in range(count):
            tickets.append(ticket(f"{PREFIXES[service]}{40 + n:03d}", service))
    desks.append(desk(6))
    desks.append(desk(11, common_pb2.DESK_STATE_PAUSED))
    desks += [desk(n, common_pb2.DESK_STATE_CLOSED) for n in range(13, 21)]
    state = common_pb2.QueueState(
        sequence=sequence, day=DAY, tickets=tickets, desks=desks, at_unix_ms=NOON
    )
    return feed_pb2.FeedMessage(snapshot=state)


def busy_board(clock: Callable[[], int], *, blink_s: float = 8.0) -> Board:
    """The morning's board: a snapshot, then the newest call (Б008 to desk 6) just made."""
    board = Board(services(), blink_s=blink_s)
    board.apply(snapshot(), clock())
    number, service, desk_number = CALLED[-1]
    board.apply(call_event(501, number, service, desk_number, clock()), clock())
    board.set_connection(Link.LIVE, clock())
    return board


def hall_settings(**changes: object) -> DisplaySettings:
    base = DisplaySettings(
        title="МФЦ района Хамовники",
        ticker=TICKER,
        notice=NOTICE,
        timezone="Europe/Moscow",
    )
    return base.updated({k: str(v) for k, v in changes.items()})


def view_of(board: Board, clock: Callable[[], int], **settings: object) -> BoardView:
    return BoardView(hall_settings(**settings), clock=clock, board=board, animate=False)


# A large centre's services, more than one page of the waiting list holds in any layout.
LARGE_PREFIXES = "АБВГДЕЖИКЛМНПРСТУФХЦЧ"


def large_branch_board(clock: Callable[[], int]) -> Board:
    """Twenty-one services, people waiting for every third one, nobody called yet."""
    infos = [
        admin_pb2.ServiceInfo(
            id=f"service-{i:02d}",
            prefix=prefix,
            name_ru=f"Услуга номер {i}",
            name_en=f"Service number {i}",
        )
        for i, prefix in enumerate(LARGE_PREFIXES, start=1)
    ]
    waiting = [
        ticket(f"{s.prefix}{n:03d}", s.id)
        for i, s in enumerate(infos)
        if i % 3 == 2
        for n in range(1, 3)
    ]
    board = Board(infos)
    state = common_pb2.QueueState(sequence=1, day=DAY, tickets=waiting, at_unix_ms=NOON)
    board.apply(feed_pb2.FeedMessage(snapshot=state), clock())
    board.set_connection(Link.LIVE, clock())
    return board


def empty_board(clock: Callable[[], int]) -> Board:
    """The example branch at opening: one visitor waits for the state duty, nobody called."""
    board = Board(services())
    state = common_pb2.QueueState(
        sequence=1, day=DAY, tickets=[ticket("П001", "state-duty")], at_unix_ms=NOON
    )
    board.apply(feed_pb2.FeedMessage(snapshot=state), clock())
    board.set_connection(Link.LIVE, clock())
    return board
