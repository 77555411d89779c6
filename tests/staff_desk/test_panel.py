"""The operator panel and the hall view, offscreen, against a real hub in its own thread.

Each screen is saved to var/screens/staff_desk/ (ignored by git) and compared with its
reviewed reference in tests/staff_desk/reference/; after a deliberate change, look at the
new PNGs, then run with OKNO_UPDATE_SCREENS=1 to make them the references.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hall_display.screen import difference, save_reference
from protos.okno.v1 import common_pb2, queue_pb2, staff_pb2, staff_pb2_grpc
from staff_desk.panel.errors import PanelError
from staff_desk.panel.program import OperatorOptions, run_operator
from staff_desk.panel.screen import PanelWindow
from staff_desk.panel.view import PanelView
from staff_desk.panel.worker import PanelIO
from tests.hub.conftest import ADMINISTRATOR, PIN, SteppedClock
from tests.staff_desk.hub_thread import HubThread

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
SCREENS = ROOT / "var" / "screens" / "staff_desk"
# As for the hall board (tests/hall_display/test_screens.py): the worst 16 px square's mean
# difference per channel at 320 px wide; one changed digit is far above it.
TOLERANCE = 15.0
# A bound, not a pace: each wait ends when its check holds. The first sign-in shares two
# cores with the other worker's programs in a full run, and once took over 5 s there.
WAIT_MS = 20_000
# examples/branch.toml: ivanova-a works at desk-01 (or the unassigned desk-20), petrov-s
# at desk-02; makarova-l is an administrator only, andreev-m administrator and operator.
STAFF = ("ivanova-a", "petrov-s", "smirnova-m", "makarova-l", "andreev-m")


# A passport's state fee, paid at the kiosk's card terminal (the example branch has none).
PASSPORT_FEE = 'id = "passport"\nfee_kopecks = 30000\nfee_purpose = "Госпошлина за паспорт"\n'


@pytest.fixture
def hall(config_file: Path, tmp_path: Path) -> Iterator[HubThread]:
    config_file.write_text(config_file.read_text().replace('id = "passport"\n', PASSPORT_FEE))
    with HubThread(config_file, tmp_path / "hub.db", SteppedClock()) as hub:
        # Through the admin socket, as okno hub staff set-pin does; the administrator the
        # fixture signed in already has this PIN (a new one would end their session).
        stub = staff_pb2_grpc.StaffStub(hub.served.local)
        for operator_id in STAFF:
            if operator_id != ADMINISTRATOR:
                hub.call(stub.SetPin, staff_pb2.SetPinRequest(operator_id=operator_id, pin=PIN))
        yield hub


class Panel:
    """The panel as ``okno desk panel`` runs it: the io thread, the view-model, the window."""

    def __init__(
        self,
        qtbot: QtBot,
        address: str,
        ca_pem: bytes,
        clock: Callable[[], int],
        **options: object,
    ) -> None:
        self.qtbot = qtbot
        self.io = PanelIO(address, ca_pem, timeout_s=2.0)
        self.io.start()
        self.view = PanelView(self.io, clock=clock, refresh_ms=100, **options)  # type: ignore[arg-type]
        self.window = PanelWindow(self.view)
        self.window.show()
        self.view.start()

    def close(self) -> None:
        self.view.stop()
        self.window.dispose()
        self.io.stop()

    def __getitem__(self, key: str) -> object:
        return self.view.value(key)

    def until(self, check: Callable[[], object]) -> None:
        """Wait (spinning Qt's loop) until ``check()`` holds and no action is on its way."""
        self.qtbot.waitUntil(lambda: bool(check()) and not self["busy"], timeout=WAIT_MS)

    def current(self, key: str) -> object:
        current = self["current"]
        assert isinstance(current, dict)
        return current.get(key)

    def shot(self, name: str) -> None:
        """Save the screen; it must match its reviewed reference."""
        assert not self.window.warnings, self.window.warnings
        png = self.window.grab(SCREENS / f"{name}.png")
        reference = REFERENCE / f"{name}.png"
        if os.environ.get("OKNO_UPDATE_SCREENS") == "1":
            save_reference(png, reference)
        assert reference.exists(), f"no reference for {name}: review {png}, then update"
        assert difference(png, reference) <= TOLERANCE, f"{png} differs from {reference}"

    def item(self, name: str) -> QQuickItem | None:
        """The visible QML item called ``name`` (delegates of lists included), or None."""
        found = [i for i in _items(self.window.rootObject()) if i.objectName() == name]
        return next((i for i in found if i.isVisible()), None)

    def click(self, name: str) -> None:
        """Click the QML item called ``name`` where a person would: its centre."""
        item = self.item(name)
        assert item is not None, f"no item {name!r} on the screen"
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        QTest.mouseClick(
            self.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre
        )


@pytest.fixture
def open_panel(qtbot: QtBot) -> Iterator[Callable[..., Panel]]:
    opened: list[Panel] = []

    def make(address: str, ca_pem: bytes, clock: Callable[[], int], **options: object) -> Panel:
        panel = Panel(qtbot, address, ca_pem, clock, **options)
        opened.append(panel)
        return panel

    yield make
    for panel in opened:
        panel.close()


def signed_in(panel: Panel, operator_id: str, desk: str = "") -> None:
    panel.until(lambda: panel["link"] == "ok")
    panel.view.signIn(operator_id, PIN)
    panel.until(lambda: panel["screen"] != "signin")
    if desk:
        panel.view.chooseDesk(desk)
        panel.until(lambda: panel["screen"] == "work")


def test_an_operator_works_through_visits_at_the_panel(  # noqa: PLR0915 (a morning, screen by screen)
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    panel.until(lambda: panel["link"] == "ok")
    panel.shot("signin")
    panel.view.signIn("ivanova-a", "111222")
    panel.until(lambda: panel["message"])
    assert panel["screen"] == "signin" and "Неверный сотрудник или PIN" in str(panel["message"])
    panel.shot("signin-wrong-pin")

    panel.view.signIn("ivanova-a", PIN)
    panel.until(lambda: panel["screen"] == "desks" and panel["desks"])
    assert [d["id"] for d in panel["desks"]] == ["desk-01", "desk-20"]  # type: ignore[attr-defined]
    panel.shot("desks")
    panel.view.chooseDesk("desk-01")
    panel.until(lambda: panel["screen"] == "work" and panel["deskState"] == "open")

    first = hall.issue()
    hall.clock.advance(17)
    hall.issue()
    hall.issue("residence")
    hall.issue("snils")  # not served at desk 1: not in its queue
    hall.clock.advance(3)
    panel.until(lambda: len(panel["queue"]) == 3)  # type: ignore[arg-type]
    rows = panel["queue"]
    assert [(r["number"], r["over"]) for r in rows] == [  # type: ignore[attr-defined]
        ("А001", True),
        ("А002", False),
        ("В001", False),
    ]
    panel.shot("work-idle")

    panel.view.callNext()
    panel.until(lambda: panel.current("number") == first)
    assert panel["canStart"] and not panel["canCall"]
    panel.shot("work-called")
    panel.view.recall()
    panel.until(lambda: panel.current("recalls"))
    panel.view.startService()
    panel.until(lambda: panel.current("state") == "serving")
    hall.clock.advance(6)
    panel.until(lambda: "6" in str(panel.current("text")))
    panel.shot("work-serving")
    panel.view.finishService()
    panel.until(lambda: panel["figures"]["served"] == "1")  # type: ignore[index]
    assert panel["figures"]["average"] == "6 мин"  # type: ignore[index]

    # A given ticket, then a transfer to another service with a comment for staff.
    residence = next(r for r in panel["queue"] if r["number"] == "В001")  # type: ignore[attr-defined]
    panel.view.callTicket(residence["id"])
    panel.until(lambda: panel.current("number") == "В001")
    panel.view.showTransfer()
    panel.until(lambda: panel["transferOpen"])
    panel.shot("transfer")
    panel.view.transfer("snils", "", "нужна справка из ПФР")
    panel.until(lambda: not panel["transferOpen"] and not panel.current("has"))
    moved = hall.run(lambda: hall.served.hub.ticket(residence["id"]))
    assert (moved.service_id, moved.state.value) == ("snils", "waiting")
    panel.until(lambda: panel["figures"]["transferred"] == "1")  # type: ignore[index]

    panel.view.callNext()
    panel.until(lambda: panel.current("has"))
    panel.view.markNoShow()
    panel.until(lambda: panel["figures"]["noShows"] == "1")  # type: ignore[index]

    panel.view.takeBreak()
    panel.until(lambda: panel["deskState"] == "paused")
    assert not panel["canCall"]
    panel.shot("break")
    panel.view.resume()
    panel.until(lambda: panel["deskState"] == "open")
    panel.view.signOut()
    panel.until(lambda: panel["screen"] == "signin")
    # Signing out leaves the desk to its operator: open, in her name, for her return.
    state = hall.call(hall.served.queue.GetQueueState, queue_pb2.GetQueueStateRequest())
    desk = next(d for d in state.desks if d.id == "desk-01")
    assert (desk.state, desk.operator_id) == (common_pb2.DESK_STATE_OPEN, "ivanova-a")


def test_the_buttons_on_the_screen_reach_the_hub(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "ivanova-a", "desk-01")
    number = hall.issue()
    panel.until(lambda: panel["canCall"] and panel["queue"])
    panel.click("callNextButton")
    panel.until(lambda: panel.current("number") == number)
    panel.click("startButton")
    panel.until(lambda: panel.current("state") == "serving")
    panel.click("finishButton")
    panel.until(lambda: not panel.current("has"))
    assert panel["figures"]["served"] == "1"  # type: ignore[index]


def test_the_operator_sees_the_fee_was_paid_at_the_kiosk(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "ivanova-a", "desk-01")
    number = hall.issue(payment_id=hall.pay("kiosk-1:fee"))
    panel.until(lambda: panel["canCall"] and panel["queue"])
    panel.click("callNextButton")
    panel.until(lambda: panel.current("number") == number)
    assert panel.current("paid") == "пошлина оплачена, платёж № 1"
    panel.shot("work-paid")


def test_the_hall_view_shows_waits_against_the_target_and_opens_and_closes_desks(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    queue = hall.served.queue
    for desk, operator in (("desk-02", "petrov-s"), ("desk-07", "sokolova-o")):
        hall.call(queue.OpenDesk, queue_pb2.OpenDeskRequest(desk_id=desk, operator_id=operator))
    hall.issue()
    hall.issue("snils")
    hall.clock.advance(18)
    hall.issue()
    hall.call(queue.CallNext, queue_pb2.DeskRequest(desk_id="desk-02"))
    hall.call(queue.PauseDesk, queue_pb2.DeskRequest(desk_id="desk-07"))
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "makarova-l")
    assert panel["screen"] == "admin", "an administrator without the operator role sees the hall"
    panel.until(lambda: panel["deskRows"])
    headline = panel["headline"]
    assert headline["over"] and headline["text"] == "18 мин"  # type: ignore[index]
    services = {r["id"]: r for r in panel["serviceRows"]}  # type: ignore[attr-defined]
    assert (services["snils"]["waiting"], services["snils"]["over"]) == (1, True)
    desks = {r["id"]: r for r in panel["deskRows"]}  # type: ignore[attr-defined]
    assert (desks["desk-02"]["who"], desks["desk-02"]["ticket"]) == ("Сергей Петров", "А001")
    assert desks["desk-07"]["state"] == "paused"
    # The choice of whom to open a desk for is filled in (the list comes with the staff).
    panel.until(lambda: (box := panel.item("openFor-desk-01")) and box.property("currentText"))
    panel.shot("hall")

    # Each desk offers first the operators it lists: desk 3 is Мария Смирнова's.
    box = panel.item("openFor-desk-03")
    assert box is not None and box.property("currentValue") == "smirnova-m"
    panel.click("open-desk-03")
    panel.until(lambda: _desk(panel, "desk-03")["state"] == "open")
    assert _desk(panel, "desk-03")["who"] == "Мария Смирнова"
    panel.view.closeFor("desk-03")
    panel.until(lambda: _desk(panel, "desk-03")["state"] == "closed")


def test_an_administrator_who_is_also_an_operator_moves_between_desk_and_hall(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "andreev-m", "desk-05")
    panel.view.showHall()
    panel.until(lambda: panel["screen"] == "admin" and panel["deskRows"])
    assert _desk(panel, "desk-05")["who"] == "Михаил Андреев"
    panel.view.showDesk()
    panel.until(lambda: panel["screen"] == "work")


def test_the_panel_says_the_hub_is_down_and_comes_back_by_itself(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    nowhere = open_panel(f"127.0.0.1:{_free_port()}", hall.ca_pem, hall.clock)
    nowhere.until(lambda: nowhere["link"] == "lost")
    assert nowhere["message"] == "Нет ответа от сервера: действие не выполнено"
    nowhere.shot("signin-hub-down")

    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "ivanova-a", "desk-01")
    hall.issue()
    panel.until(lambda: panel["canCall"] and panel["queue"])
    hall.stop_serving()
    panel.until(lambda: panel["link"] == "lost")
    assert not panel["canCall"], "nothing can be pressed while the hub is away"
    panel.shot("work-hub-lost")
    hall.serve_again()
    panel.until(lambda: panel["link"] == "ok" and panel["canCall"])
    assert panel["screen"] == "work" and not panel["message"]


def test_a_session_ended_on_the_hub_sends_the_panel_back_to_sign_in(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "ivanova-a", "desk-01")
    stub = staff_pb2_grpc.StaffStub(hall.served.channel)
    hall.call(stub.SetPin, staff_pb2.SetPinRequest(operator_id="ivanova-a", pin="735190"))
    panel.until(lambda: panel["screen"] == "signin")
    assert panel["message"] == "Сеанс завершён: войдите снова"


@pytest.mark.parametrize(
    ("name", "options"),
    [("work-large", {"large": True}), ("work-en", {"language": "en"})],
)
def test_large_type_and_english(
    hall: HubThread, open_panel: Callable[..., Panel], name: str, options: dict[str, object]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock, **options)
    signed_in(panel, "petrov-s", "desk-02")
    hall.issue()
    hall.clock.advance(16)
    hall.issue("foreign-passport")
    panel.until(lambda: len(panel["queue"]) == 2)  # type: ignore[arg-type]
    panel.view.callNext()
    panel.until(lambda: panel.current("has"))
    panel.shot(name)


def test_a_transfer_no_open_desk_would_call_is_warned_before_and_after(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "ivanova-a", "desk-01")
    hall.issue()
    panel.until(lambda: panel["canCall"] and panel["queue"])
    panel.view.callNext()
    panel.until(lambda: panel.current("has"))
    panel.view.showTransfer()
    panel.until(lambda: panel["transferOpen"])
    services = {r["id"]: r["warning"] for r in panel["transferServices"]}  # type: ignore[attr-defined]
    assert services["passport"] == "", "desk 1 is open and serves it"
    assert services["state-duty"] == "нет открытых окон"
    assert panel.item("transferWarning") is None, "nothing chosen yet"
    panel.click("to-desk-03")
    panel.until(lambda: panel.item("transferWarning"))
    warning = panel.item("transferWarning")
    assert warning is not None and "ни одно открытое окно" in str(warning.property("text"))
    panel.shot("transfer-unserved")
    panel.click("transferConfirm")
    panel.until(lambda: not panel["transferOpen"] and panel["message"])
    assert panel["message"] == (
        "Талон А001 переведён, но открытого окна для него нет: предупредите администратора зала"
    )
    state = hall.call(hall.served.queue.GetQueueState, queue_pb2.GetQueueStateRequest())
    moved = next(t for t in state.tickets if t.number == "А001")
    assert (moved.state, moved.target_desk_id) == (common_pb2.TICKET_STATE_WAITING, "desk-03")


def test_the_hall_view_flags_a_queue_no_open_desk_serves_and_keeps_its_scroll(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    queue = hall.served.queue
    hall.call(queue.OpenDesk, queue_pb2.OpenDeskRequest(desk_id="desk-02", operator_id="petrov-s"))
    hall.issue()
    hall.issue("residence")  # desk 2, open, serves it too
    hall.issue("egrn")  # only desks 12-18 serve it: all closed
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    signed_in(panel, "makarova-l")
    panel.until(lambda: panel["deskRows"] and panel["serviceRows"])
    flags = {r["id"]: r["unserved"] for r in panel["serviceRows"]}  # type: ignore[attr-defined]
    assert flags["passport"] == flags["residence"] == ""
    assert flags["egrn"] == "ждут, а открытых окон нет"
    panel.until(lambda: panel.item("unserved-egrn"))

    desks = panel.item("deskList")
    assert desks is not None
    panel.until(lambda: desks.property("contentHeight") > desks.property("height"))
    assert panel.item("desksMore") is not None, "a list that goes on below says so"
    desks.setProperty("contentY", 300.0)
    panel.until(lambda: (box := panel.item("openFor-desk-06")) and box.property("currentText"))
    panel.shot("hall-scrolled")
    panel.click("open-desk-06")
    panel.until(lambda: _desk(panel, "desk-06")["state"] == "open")
    assert desks.property("contentY") == 300.0, "an action keeps the list where it was"
    desks.setProperty("contentY", desks.property("contentHeight") - desks.property("height"))
    panel.until(lambda: panel.item("desksMore") is None)


def test_the_sign_in_screen_names_nobody_and_takes_a_typed_login(
    hall: HubThread, open_panel: Callable[..., Panel]
) -> None:
    """The hub lists its staff to no one signed out: the operator types their login."""
    panel = open_panel(hall.address, hall.ca_pem, hall.clock)
    panel.until(lambda: panel["link"] == "ok")
    assert panel.item("operatorBox") is None
    texts = [str(i.property("text")) for i in _items(panel.window.rootObject())]
    assert not any("Иванова" in text for text in texts)
    for field, typed in (("operatorField", "ivanova-a"), ("pinField", PIN)):
        item = panel.item(field)
        assert item is not None, f"no {field} on the sign-in screen"
        item.setProperty("text", typed)
    panel.click("signInButton")
    panel.until(lambda: panel["screen"] == "desks")
    assert panel["operatorName"] == "Анна Иванова"


def _desk(panel: Panel, desk_id: str) -> dict[str, object]:
    return next(r for r in panel["deskRows"] if r["id"] == desk_id)  # type: ignore[attr-defined]


def _items(root: QQuickItem) -> Iterator[QQuickItem]:
    for child in root.childItems():
        yield child
        yield from _items(child)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_okno_operator_runs_for_its_duration_and_keeps_its_last_screen(
    hall: HubThread, qtbot: QtBot, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_bytes(hall.ca_pem)
    run_operator(
        OperatorOptions(
            hub=hall.address, hub_ca=ca, size=(640, 400), screenshots=tmp_path, duration_s=0.8
        )
    )
    assert QImage(str(tmp_path / "operator.png")).size() == QSize(640, 400)
    with pytest.raises(PanelError, match="the panel speaks ru or en"):
        run_operator(OperatorOptions(hub=hall.address, hub_ca=ca, language="de"))
    with pytest.raises(PanelError, match="give it with --hub-ca"):
        run_operator(OperatorOptions(hub=hall.address, hub_ca=tmp_path / "none.pem"))
