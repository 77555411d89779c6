"""The operator panel's view-model: every screen's state and every button's action.

QML only lays out what this object says and calls its slots. The hub is reached through
a :class:`~staff_desk.panel.worker.Backend` (the asyncio thread in the program, the same
in tests against a real hub); answers arrive in the GUI thread. One action runs at a
time: buttons are disabled while it is on its way, so a double click never makes two
requests. The hub's state is read again every ``refresh_ms`` and after every action.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from hall_display.view import RowsModel
from okno.qt import emit
from protos.okno.v1 import common_pb2, queue_pb2, staff_pb2
from staff_desk.panel import model
from staff_desk.panel.application_view import ApplicationDesk
from staff_desk.panel.card_view import CardVisitor
from staff_desk.panel.claim_desk import PriorityDesk
from staff_desk.panel.client import HallInfo, Picture, StaffClient
from staff_desk.panel.errors import ActionRefused, HubUnreachable, PanelError, SessionEnded
from staff_desk.panel.model import Hall
from staff_desk.panel.values import PanelNow, screen_values
from staff_desk.panel.words import words as words_of
from staff_desk.panel.worker import Backend, Result

T = TypeVar("T")
REFRESH_MS = 2000
SCREENS = ("signin", "desks", "work", "admin")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def _value(kind: type | str, key: str, notify: Signal) -> Property:
    """A read-only QML property of the view's values; ``kind`` may name a Qt type."""
    return Property(cast(type, kind), lambda self: self._values[key], notify=notify)


class PanelView(QObject):
    """The panel as QML sees it: read-only properties, slots for the buttons."""

    changed = Signal()

    def __init__(
        self,
        backend: Backend,
        *,
        language: str = "ru",
        large: bool = False,
        clock: Callable[[], int] = wall_ms,
        refresh_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self.language = language
        self._words = words_of(language)
        self._large = large
        self._clock = clock
        self.hall: Hall | None = None
        self.session: staff_pb2.StaffSession | None = None
        self.picture: Picture | None = None
        self._link = "connecting"
        self._busy = False
        self._message = ""
        self._message_kind = ""
        self._transfer_open = False
        self._hall_view = False
        self._refreshing = False
        self._values: dict[str, object] = {}
        # The hall view's lists, changed row by row so they keep their scroll position.
        self.service_model = RowsModel(("entry",), self)
        self.desk_model = RowsModel(("entry",), self)
        # The visitor just served: their application(s), the form and the receipt.
        self.application = ApplicationDesk(self._act, self._words, language, self)
        # The visitor whose card the desk's reader read: name, bookings, applications.
        self.card_visitor = CardVisitor(backend, self._act, language, clock, self)
        # The priority the called visitor claimed at the kiosk: confirmed or removed here.
        self.claim = PriorityDesk(self._act, language, self)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)
        self._render()

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        """Reach the hub now and every ``refresh_ms`` after."""
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def refresh(self) -> None:
        """Read the hub's state again (the branch first, until it is known).

        Signed out, only whether the hub answers: it tells a stranger nothing else.
        """
        if self._refreshing:
            return
        self._refreshing = True
        session = self.session
        if session is None:
            self._backend.submit(lambda c: c.reachable(), self._reached)
            return
        roles = set(session.roles)
        if self.hall is None:
            self._backend.submit(lambda c: c.hall(staff="administrator" in roles), self._hall_read)
            return
        self._backend.submit(
            lambda c: c.picture(figures="operator" in roles, staff="administrator" in roles),
            self._pictured,
        )

    def _reached(self, result: Result[None]) -> None:
        self._refreshing = False
        if result.error is None:
            self._linked()
        else:
            self._failed(result.error)
        self._render()

    def _hall_read(self, result: Result[HallInfo]) -> None:
        self._refreshing = False
        if result.value is not None:
            self.hall = Hall.of(result.value)
            self._linked()
            self.refresh()
        else:
            self._failed(result.error)
        self._render()

    def _pictured(self, result: Result[Picture]) -> None:
        self._refreshing = False
        if result.value is not None:
            self.picture = result.value
            self._linked()
            self.card_visitor.watch(self.desk_id, self.hall)
        else:
            self._failed(result.error)
        self._render()

    def _linked(self) -> None:
        if self._link != "ok" and self._message_kind == "lost":
            self._say("", "")
        self._link = "ok"

    # -- signing in and out ------------------------------------------------------------

    @Slot(str, str)
    def signIn(self, operator_id: str, pin: str) -> None:  # noqa: N802 (QML's name)
        if not operator_id or not pin:
            self._say(self._words["pin_hint"], "error")
            return

        def signed(result: Result[staff_pb2.StaffSession]) -> None:
            if result.value is not None:
                self.session = result.value
                self._hall_view = "operator" not in result.value.roles
                self._say("", "")

        self._act(lambda c: c.sign_in(operator_id, pin), signed, signed_in=False)

    @Slot()
    def signOut(self) -> None:  # noqa: N802
        def out(result: Result[None]) -> None:
            self._signed_out(self._words["signed_out"], "info")

        self._act(lambda c: c.sign_out(), out, keep_errors=False)

    def _signed_out(self, message: str, kind: str) -> None:
        self.session = None
        # The next person may read less of the branch (the staff list is administrators').
        self.hall = None
        self.picture = None
        self._transfer_open = False
        self._hall_view = False
        self.application.withdraw()
        self.card_visitor.watch("", None)
        self._say(message, kind)

    # -- the desk ------------------------------------------------------------------------

    @Slot(str)
    def chooseDesk(self, desk_id: str) -> None:  # noqa: N802
        """Open the desk for oneself (or go back to it, when it is already one's own)."""
        self._act(lambda c: c.open_desk(desk_id))

    @Slot()
    def callNext(self) -> None:  # noqa: N802
        def called(result: Result[common_pb2.Ticket | None]) -> None:
            if result.error is None and result.value is None:
                self._say(self._words["called_nobody"], "info")
            elif result.error is None:
                self.application.withdraw()

        self._at_desk(lambda c, desk: c.call_next(desk), called)

    @Slot(str)
    def callTicket(self, ticket_id: str) -> None:  # noqa: N802
        self._at_desk(lambda c, desk: c.call_ticket(desk, ticket_id), self._next_visitor)

    def _next_visitor(self, result: Result[Any]) -> None:
        """Another visitor at the desk (or none, the desk closed): the last one's offer ends."""
        if result.error is None:
            self.application.withdraw()

    @Slot()
    def recall(self) -> None:
        self._at_desk(lambda c, desk: c.recall(desk))

    @Slot()
    def startService(self) -> None:  # noqa: N802
        self._at_desk(lambda c, desk: c.start(desk))

    @Slot()
    def finishService(self) -> None:  # noqa: N802
        desk = self.desk_id

        def finished(result: Result[common_pb2.Ticket]) -> None:
            if result.value is not None and self.hall is not None:
                self.application.offer(self.hall, desk, result.value)

        self._at_desk(lambda c, desk: c.finish(desk), finished)

    @Slot()
    def markNoShow(self) -> None:  # noqa: N802
        self._at_desk(lambda c, desk: c.no_show(desk))

    @Slot()
    def showTransfer(self) -> None:  # noqa: N802
        self._transfer_open = True
        self._render()

    @Slot()
    def hideTransfer(self) -> None:  # noqa: N802
        self._transfer_open = False
        self._render()

    @Slot(str, str, str)
    def transfer(self, service_id: str, desk_id: str, comment: str) -> None:
        def moved(result: Result[queue_pb2.TicketResponse]) -> None:
            if result.value is not None:
                self._transfer_open = False
                if result.value.no_open_desk:
                    number = result.value.ticket.number
                    self._say(self._words["transferred_unserved"].format(ticket=number), "error")

        self._at_desk(
            lambda c, desk: c.transfer(
                desk, to_service_id=service_id, to_desk_id=desk_id, comment=comment
            ),
            moved,
        )

    @Slot()
    def takeBreak(self) -> None:  # noqa: N802
        self._at_desk(lambda c, desk: c.pause_desk(desk))

    @Slot()
    def resume(self) -> None:
        self._at_desk(lambda c, desk: c.open_desk(desk))

    @Slot()
    def closeDesk(self) -> None:  # noqa: N802
        self._at_desk(lambda c, desk: c.close_desk(desk), self._next_visitor)

    # -- the hall (administrators) -------------------------------------------------------

    @Slot()
    def showHall(self) -> None:  # noqa: N802
        self._hall_view = True
        self.refresh()
        self._render()

    @Slot()
    def showDesk(self) -> None:  # noqa: N802
        self._hall_view = False
        self._render()

    @Slot(str, str)
    def openFor(self, desk_id: str, operator_id: str) -> None:  # noqa: N802
        self._act(lambda c: c.open_desk(desk_id, operator_id))

    @Slot(str)
    def closeFor(self, desk_id: str) -> None:  # noqa: N802
        self._act(lambda c: c.close_desk(desk_id))

    @Slot()
    def dismiss(self) -> None:
        self._say("", "")

    # -- how actions run ---------------------------------------------------------------

    def _at_desk(
        self,
        work: Callable[[StaffClient, str], Any],
        then: Callable[[Result[Any]], None] | None = None,
    ) -> None:
        desk = self.desk_id
        if not desk:
            return
        self._act(lambda c: work(c, desk), then)

    def _act(
        self,
        work: Callable[[StaffClient], Any],
        then: Callable[[Result[Any]], None] | None = None,
        *,
        signed_in: bool = True,
        keep_errors: bool = True,
    ) -> None:
        """Run one action on the hub; nothing else starts until it is answered."""
        if self._busy or (signed_in and self.session is None):
            return
        self._busy = True
        if self._message_kind != "lost":
            self._say("", "")
        self._render()

        def done(result: Result[Any]) -> None:
            self._busy = False
            if result.error is not None and keep_errors:
                self._failed(result.error)
            elif result.error is None and self._link != "ok":
                self._linked()
            if then is not None:
                then(result)
            self._render()
            if self.session is not None:
                self.refresh()

        self._backend.submit(work, done)

    def _failed(self, error: PanelError | None) -> None:
        w = self._words
        if isinstance(error, HubUnreachable):
            self._link = "lost"
            self._say(w["maybe_done"] if error.maybe_done else w["unreachable"], "lost")
        elif isinstance(error, SessionEnded):
            self._signed_out(w["session_ended"], "error")
        elif isinstance(error, ActionRefused):
            # In the panel's language when the refusal is a known one; else the hub's words.
            self._say(w.get(f"error_{error.hub_code}", str(error)), "error")
        elif error is not None:
            self._say(str(error), "error")

    def _say(self, message: str, kind: str) -> None:
        self._message, self._message_kind = message, kind

    # -- what is shown -----------------------------------------------------------------

    @property
    def desk_id(self) -> str:
        """The desk the signed-in operator holds, or ""."""
        if self.session is None or self.picture is None:
            return ""
        held = model.held_desk(self.picture.state, self.session.operator_id)
        return held.id if held is not None else ""

    @property
    def current_screen(self) -> str:
        session = self.session
        if session is None:
            return "signin"
        administrator = "administrator" in session.roles
        if administrator and (self._hall_view or "operator" not in session.roles):
            return "admin"
        return "work" if self.desk_id else "desks"

    def _current_ticket(self) -> common_pb2.Ticket | None:
        """The ticket at the operator's desk now, if any."""
        if self.picture is None or not self.desk_id:
            return None
        state = self.picture.state
        desk = model.live_desk(state, self.desk_id)
        if desk is None or not desk.current_ticket_id:
            return None
        return next((t for t in state.tickets if t.id == desk.current_ticket_id), None)

    def value(self, key: str) -> object:
        """What QML reads as ``view.<key>``: for tests."""
        return self._values[key]

    def _render(self) -> None:
        self.claim.show(self.hall, self._current_ticket())
        values = self._compute()
        if values != self._values:
            self._values = values
            for key, rows in (("serviceRows", self.service_model), ("deskRows", self.desk_model)):
                rows.set_rows([(row,) for row in cast(list[model.Row], values[key])])
            emit(self.changed)

    def _compute(self) -> dict[str, object]:
        now = PanelNow(
            language=self.language,
            large=self._large,
            hall=self.hall,
            session=self.session,
            picture=self.picture,
            screen=self.current_screen,
            desk_id=self.desk_id,
            clock_ms=self._clock(),
            link=self._link,
            busy=self._busy,
            message=self._message,
            message_kind=self._message_kind,
            transfer_open=self._transfer_open,
        )
        return screen_values(now, self._words)

    @Slot()
    def tick(self) -> None:
        """Move the clock on (the rest changes with the hub's answers)."""
        self._render()

    screen = _value(str, "screen", changed)
    labels = _value("QVariantMap", "labels", changed)
    large = _value(bool, "large", changed)
    branch = _value(str, "branch", changed)
    clock = _value(str, "clock", changed)
    link = _value(str, "link", changed)
    busy = _value(bool, "busy", changed)
    message = _value(str, "message", changed)
    messageKind = _value(str, "messageKind", changed)  # noqa: N815 (QML's names)
    operatorName = _value(str, "operatorName", changed)  # noqa: N815
    isAdmin = _value(bool, "isAdmin", changed)  # noqa: N815
    isOperator = _value(bool, "isOperator", changed)  # noqa: N815
    desks = _value("QVariantList", "desks", changed)
    deskId = _value(str, "deskId", changed)  # noqa: N815
    deskLabel = _value(str, "deskLabel", changed)  # noqa: N815
    deskState = _value(str, "deskState", changed)  # noqa: N815
    deskStateText = _value(str, "deskStateText", changed)  # noqa: N815
    current = _value("QVariantMap", "current", changed)
    queue = _value("QVariantList", "queue", changed)
    figures = _value("QVariantMap", "figures", changed)
    transferOpen = _value(bool, "transferOpen", changed)  # noqa: N815
    transferTitle = _value(str, "transferTitle", changed)  # noqa: N815
    transferServices = _value("QVariantList", "transferServices", changed)  # noqa: N815
    transferDesks = _value("QVariantList", "transferDesks", changed)  # noqa: N815
    canAct = _value(bool, "canAct", changed)  # noqa: N815
    canCall = _value(bool, "canCall", changed)  # noqa: N815
    canRecall = _value(bool, "canRecall", changed)  # noqa: N815
    canStart = _value(bool, "canStart", changed)  # noqa: N815
    canFinish = _value(bool, "canFinish", changed)  # noqa: N815
    canNoShow = _value(bool, "canNoShow", changed)  # noqa: N815
    canTransfer = _value(bool, "canTransfer", changed)  # noqa: N815
    canBreak = _value(bool, "canBreak", changed)  # noqa: N815
    canResume = _value(bool, "canResume", changed)  # noqa: N815
    canClose = _value(bool, "canClose", changed)  # noqa: N815
    headline = _value("QVariantMap", "headline", changed)
    serviceRows = _value("QVariantList", "serviceRows", changed)  # noqa: N815
    deskRows = _value("QVariantList", "deskRows", changed)  # noqa: N815
    serviceModel = Property(QObject, lambda self: self.service_model, constant=True)  # noqa: N815
    deskModel = Property(QObject, lambda self: self.desk_model, constant=True)  # noqa: N815
    applications = Property(QObject, lambda self: self.application, constant=True)
    cardVisitor = Property(QObject, lambda self: self.card_visitor, constant=True)  # noqa: N815
    claims = Property(QObject, lambda self: self.claim, constant=True)
