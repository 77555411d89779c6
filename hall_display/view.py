"""The board's view-model: everything QML shows, computed here from the board and a clock.

QML only lays out and colours what this object says, so tests drive it with plain calls
and an injected clock. Blinking is computed here too (from the clock, not a QML
animation), so a screenshot taken at a given moment is always the same picture.
All methods run in the GUI thread; the feed's thread reaches them through ``bridge.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from hall_display.board import Board, Call, Link
from hall_display.labels import call_lines, date_text, lines
from hall_display.labels import labels as board_words
from hall_display.settings import DisplaySettings
from okno.qt import emit
from protos.okno.v1 import admin_pb2, feed_pb2

T = TypeVar("T")
BLINK_PHASE_MS = 500
# Rows of big calls, then of history, by the board's shape (see qml/HallBoard.qml).
LATEST_ROWS = {False: 5, True: 6}
HISTORY_ROWS = {False: 6, True: 6}
# Services the waiting list holds at once: 13 rows, or 7 rows of two columns when tall.
QUEUE_ROWS = {False: 13, True: 14}
CALL_ROLES = ("ticket", "desk", "highlighted", "blink", "recall")
QUEUE_ROLES = ("prefix", "name", "count")
_Index = QModelIndex | QPersistentModelIndex
_GROUPS = {
    "texts": (
        "mode",
        "portrait",
        "labels",
        "title",
        "ticker",
        "notice",
        "animate",
        "noCalls",
        "noCalls2",
        "watch",
        "watch2",
    ),
    "clock": ("clock", "date", "queuePage", "queuePages"),
    "calls": (
        "announcing",
        "announcement",
        "announcement2",
        "deskNumber",
        "deskState",
        "deskTicket",
        "deskText",
        "deskHighlighted",
        "deskBlink",
    ),
    "link": ("link", "lost", "lostSince", "pairingCode", "pairingAuthority"),
}


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def page_of(items: Sequence[T], room: int, now_ms: int, page_ms: int) -> tuple[list[T], int, int]:
    """The page of ``items`` shown at ``now_ms``, its number from 1, and how many there are.

    Pages turn every ``page_ms`` on the board's clock, so every board with the same clock
    shows the same page, and a screenshot at a given moment is always the same picture.
    Pages are filled evenly (13 services on pages of 12 are 7 and 6, not 12 and 1), so no
    page is nearly empty.
    """
    pages = max(1, math.ceil(len(items) / room))
    size = math.ceil(len(items) / pages) if items else room
    page = (now_ms // page_ms) % pages
    return list(items[page * size : (page + 1) * size]), page + 1, pages


class RowsModel(QAbstractListModel):
    """A list for QML of same-shaped rows; replaced whole, signalled row by row.

    Rows are changed, added and removed in place, never reset: a list view keeps where it
    was scrolled to when its rows are refreshed.
    """

    countChanged = Signal()  # noqa: N815 (QML's name)

    def __init__(self, roles: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._roles = tuple(roles)
        self._rows: list[tuple[object, ...]] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        column = role - Qt.ItemDataRole.UserRole - 1
        if not index.isValid() or not 0 <= column < len(self._roles):
            return None
        return self._rows[index.row()][column]

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 (Qt's)
        first = Qt.ItemDataRole.UserRole + 1
        return {first + i: QByteArray(name.encode()) for i, name in enumerate(self._roles)}

    @property
    def rows(self) -> list[tuple[object, ...]]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[tuple[object, ...]]) -> None:
        """Replace the rows: those that differ are signalled, the rest added or removed."""
        rows = list(rows)
        kept, before = min(len(rows), len(self._rows)), len(self._rows)
        for i in range(kept):
            if self._rows[i] != rows[i]:
                self._rows[i] = rows[i]
                emit(self.dataChanged, self.index(i), self.index(i))
        if len(rows) > before:
            self.beginInsertRows(QModelIndex(), before, len(rows) - 1)
            self._rows.extend(rows[before:])
            self.endInsertRows()
        elif len(rows) < before:
            self.beginRemoveRows(QModelIndex(), len(rows), before - 1)
            del self._rows[len(rows) :]
            self.endRemoveRows()
        if len(rows) != before:
            emit(self.countChanged)

    count = Property(int, lambda self: len(self._rows), notify=countChanged)


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    """A read-only QML property of the view's values; ``kind`` may name a Qt type."""
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


class BoardView(QObject):
    """The hall board or desk display as QML sees it; ``refresh`` recomputes it all.

    Properties change in groups, each with its own signal, so that a clock tick or a
    blink re-evaluates only the bindings that show it (fewer JavaScript values made and
    dropped, which keeps the QML engine's heap from growing over days).
    """

    textsChanged = Signal()  # noqa: N815 (QML's names)
    clockChanged = Signal()  # noqa: N815
    callsChanged = Signal()  # noqa: N815
    linkChanged = Signal()  # noqa: N815

    def __init__(
        self,
        settings: DisplaySettings,
        *,
        clock: Callable[[], int] = wall_ms,
        board: Board | None = None,
        animate: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.board = board or Board(blink_s=settings.blink_s)
        self.latest = RowsModel(CALL_ROLES, self)
        self.history = RowsModel(CALL_ROLES, self)
        self.queues = RowsModel(QUEUE_ROLES, self)
        self._clock = clock
        self._animate = animate
        self._tall = False
        self._branch_name = ""
        self._branch_zone = ""
        self._pairing_code = ""
        self._authority = ""
        self._values: dict[str, object] = {}
        self.refresh()

    # What the feed brings, in the GUI thread.

    def apply(self, message: feed_pb2.FeedMessage) -> None:
        self.board.apply(message, self._clock())
        self.refresh()

    def set_link(self, state: Link) -> None:
        self.board.set_connection(state, self._clock())
        self.refresh()

    def set_hall_info(
        self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]
    ) -> None:
        self._branch_name = branch.name
        self._branch_zone = branch.timezone
        self.board.set_services(services)
        self.refresh()

    def set_settings(self, settings: DisplaySettings) -> None:
        self.settings = settings
        self.board.blink_ms = int(settings.blink_s * 1000)
        self.refresh()

    def show_pairing_code(self, code: str) -> None:
        """Show the code a technician approves this display with; "" hides it."""
        self._pairing_code = code
        self.refresh()

    def show_authority(self, fingerprint: str) -> None:
        """Show the hub CA's fingerprint beside the code, for the technician to compare
        with the hub's own: a stranger on the network would show another."""
        self._authority = fingerprint
        self.refresh()

    def set_shape(self, width: int, height: int) -> None:
        """The screen's size in pixels, for layout=auto (portrait when taller than wide)."""
        self._tall = height > width
        self.refresh()

    def tick(self) -> None:
        """Advance the clock, the blinking and the end of highlights (every 250 ms)."""
        self.refresh()

    @property
    def portrait_layout(self) -> bool:
        layout = self.settings.layout
        return layout == "portrait" or (layout == "auto" and self._tall)

    def refresh(self) -> None:
        """Recompute everything shown from the board and the clock; signal what changed."""
        now = self._clock()
        language = self.settings.language
        words = board_words(language)
        rows = [self._call_row(call, now) for call in self.board.calls]
        tall = self.portrait_layout
        self.latest.set_rows(rows[: LATEST_ROWS[tall]])
        self.history.set_rows(rows[LATEST_ROWS[tall] :][: HISTORY_ROWS[tall]])
        main = language.split("+")[0]
        shown, page, pages = page_of(
            self.board.queues(now), QUEUE_ROWS[tall], now, int(self.settings.page_s * 1000)
        )
        self.queues.set_rows(
            [(w.prefix, w.name_en if main == "en" else w.name_ru, w.count) for w in shown]
        )
        no_calls = lines("no_calls", language)
        watch = lines("watch", language)
        moment = self._local(now)
        newest = self.board.newest_highlighted(now)
        line1, line2 = ("", "")
        if newest is not None:
            line1, line2 = call_lines(
                newest.number, newest.desk, recall=newest.recall, language=language
            )
        link = self.board.connection
        values: dict[str, object] = {
            "mode": self.settings.role,
            "portrait": tall,
            "labels": words,
            "title": self.settings.title or self._branch_name,
            "clock": f"{moment:%H:%M}",
            "date": date_text(moment, language),
            "ticker": self.settings.ticker,
            "notice": self.settings.notice,
            "announcing": newest is not None,
            "announcement": line1,
            "announcement2": line2,
            "link": link.state.value,
            "lost": link.state is Link.LOST,
            "lostSince": f"{words['since']} {self._local(link.since_ms):%H:%M}",
            "pairingCode": self._pairing_code,
            "pairingAuthority": self._authority,
            "animate": self._animate,
            "noCalls": no_calls[0],
            "noCalls2": no_calls[1],
            "watch": watch[0],
            "watch2": watch[1],
            "queuePage": page,
            "queuePages": pages,
            **self._desk_values(now, words),
        }
        previous, self._values = self._values, values
        for group, keys in _GROUPS.items():
            if any(values[k] != previous.get(k) for k in keys):
                emit(getattr(self, f"{group}Changed"))

    def value(self, key: str) -> object:
        """What QML reads as ``view.<key>``: for tests and screenshots."""
        return self._values[key]

    def _call_row(self, call: Call, now: int) -> tuple[object, ...]:
        age = self.board.highlight_age_ms(call, now)
        blink = age is not None and (age // BLINK_PHASE_MS) % 2 == 0
        return (call.number, call.desk, age is not None, blink, call.recall)

    def _desk_values(self, now: int, words: dict[str, str]) -> dict[str, object]:
        wanted = self.settings.desk
        desk = self.board.desk(wanted) if wanted else None
        if desk is None:
            number = wanted.rsplit("-", 1)[-1].lstrip("0") or wanted
            return {
                "deskNumber": number,
                "deskState": "unknown",
                "deskTicket": "",
                "deskText": words["no_desk"].format(desk=wanted) if self.board.seq else "",
                "deskHighlighted": False,
                "deskBlink": False,
            }
        state = "closed" if desk.closed else "paused" if desk.paused else "open"
        call = next((c for c in self.board.calls if c.desk_id == desk.desk_id), None)
        age = self.board.highlight_age_ms(call, now) if call is not None else None
        return {
            "deskNumber": str(desk.number),
            "deskState": state,
            "deskTicket": desk.ticket,
            "deskText": words[state] if state != "open" else words["idle"],
            "deskHighlighted": age is not None,
            "deskBlink": age is not None and (age // BLINK_PHASE_MS) % 2 == 0,
        }

    def _local(self, ms: int) -> datetime:
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        # The hall's time, not the box's: a board set up in UTC still shows Moscow time.
        zone = self.settings.timezone or self._branch_zone
        return moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()

    mode = _value(str, "mode", textsChanged)
    portrait = _value(bool, "portrait", textsChanged)
    labels = _value("QVariantMap", "labels", textsChanged)
    title = _value(str, "title", textsChanged)
    ticker = _value(str, "ticker", textsChanged)
    notice = _value(str, "notice", textsChanged)
    animate = _value(bool, "animate", textsChanged)
    noCalls = _value(str, "noCalls", textsChanged)  # noqa: N815 (QML property name)
    noCalls2 = _value(str, "noCalls2", textsChanged)  # noqa: N815
    watch = _value(str, "watch", textsChanged)
    watch2 = _value(str, "watch2", textsChanged)
    clock = _value(str, "clock", clockChanged)
    queuePage = _value(int, "queuePage", clockChanged)  # noqa: N815
    queuePages = _value(int, "queuePages", clockChanged)  # noqa: N815
    date = _value(str, "date", clockChanged)
    announcing = _value(bool, "announcing", callsChanged)
    announcement = _value(str, "announcement", callsChanged)
    announcement2 = _value(str, "announcement2", callsChanged)
    deskNumber = _value(str, "deskNumber", callsChanged)  # noqa: N815 (QML property name)
    deskState = _value(str, "deskState", callsChanged)  # noqa: N815
    deskTicket = _value(str, "deskTicket", callsChanged)  # noqa: N815
    deskText = _value(str, "deskText", callsChanged)  # noqa: N815
    deskHighlighted = _value(bool, "deskHighlighted", callsChanged)  # noqa: N815
    deskBlink = _value(bool, "deskBlink", callsChanged)  # noqa: N815
    link = _value(str, "link", linkChanged)
    lost = _value(bool, "lost", linkChanged)
    lostSince = _value(str, "lostSince", linkChanged)  # noqa: N815
    pairingCode = _value(str, "pairingCode", linkChanged)  # noqa: N815
    pairingAuthority = _value(str, "pairingAuthority", linkChanged)  # noqa: N815
    latestModel = Property(QObject, lambda self: self.latest, constant=True)  # noqa: N815
    historyModel = Property(QObject, lambda self: self.history, constant=True)  # noqa: N815
    queuesModel = Property(QObject, lambda self: self.queues, constant=True)  # noqa: N815
