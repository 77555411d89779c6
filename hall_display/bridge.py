"""From the feed's asyncio thread to the GUI thread: queued Qt signals, nothing shared.

The feed client, the hub session and the voice run on an asyncio loop in their own
thread; the board's view-model lives in the GUI thread. This bridge is the feed's
listener: each call only emits a signal, and Qt delivers it in the GUI thread (queued
connection), where the view-model applies it. So no lock is needed and the GUI thread
never waits on the network.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal

from hall_display.board import Link
from hall_display.settings import DisplaySettings
from hall_display.view import BoardView
from okno.qt import emit
from protos.okno.v1 import admin_pb2, feed_pb2

_QUEUED = Qt.ConnectionType.QueuedConnection


class FeedBridge(QObject):
    """A :class:`~hall_display.feed_client.FeedListener` safe to call from any thread."""

    message = Signal(object)
    link = Signal(object)
    info = Signal(object, object)
    settings = Signal(object)
    pairing = Signal(str)
    authority = Signal(str)
    # The asyncio side ended with this reason: the program stops and reports it.
    failed = Signal(str)

    def __init__(self, view: BoardView) -> None:
        super().__init__()
        self.branch_zone = ""
        self.message.connect(view.apply, _QUEUED)
        self.link.connect(view.set_link, _QUEUED)
        self.info.connect(view.set_hall_info, _QUEUED)
        self.settings.connect(view.set_settings, _QUEUED)
        self.pairing.connect(view.show_pairing_code, _QUEUED)
        self.authority.connect(view.show_authority, _QUEUED)

    def feed_message(self, message: feed_pb2.FeedMessage) -> None:
        emit(self.message, message)

    def link_changed(self, state: Link) -> None:
        emit(self.link, state)

    def hall_info(
        self, branch: admin_pb2.Branch, services: Sequence[admin_pb2.ServiceInfo]
    ) -> None:
        # Read by the voice's thread for quiet hours: the branch's zone, "" until known.
        self.branch_zone = branch.timezone
        emit(self.info, branch, list(services))

    def settings_changed(self, settings: DisplaySettings) -> None:
        emit(self.settings, settings)

    def show_code(self, code: str) -> None:
        emit(self.pairing, code)

    def show_authority(self, fingerprint: str) -> None:
        emit(self.authority, fingerprint)
