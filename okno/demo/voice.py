"""The hall's voice in the demo: the first calls of the run spoken into WAV files.

The demo's clock runs fast, so the hall calls more visitors in a minute than a voice can
say; the first ``KEEP`` calls and recalls are spoken (each as a real announcement, chime
and all) and kept for a person to listen to, the rest are only on the board.
"""

from __future__ import annotations

import logging
from pathlib import Path

from hall_display.announcer import Announcement, Announcer
from hall_display.errors import BadPhrase
from hall_display.sinks import WavFileSink
from hall_display.voice import Voice
from protos.okno.v1 import feed_pb2

log = logging.getLogger(__name__)
VOICE = "voice"
KEEP = 20
_CALLS = {feed_pb2.EVENT_KIND_TICKET_CALLED, feed_pb2.EVENT_KIND_TICKET_RECALLED}


class DemoVoice:
    def __init__(self, out: Path, keep: int = KEEP) -> None:
        self.folder = out / VOICE
        sink = WavFileSink(self.folder, speed=0)
        self.announcer = Announcer(Voice(out / "voice-cache"), sink, prewarm=False)
        self._left = keep

    def notice(self, message: feed_pb2.FeedMessage) -> None:
        """A feed listener: speak the event if it is one of the first calls."""
        if self._left <= 0 or message.WhichOneof("body") != "event":
            return
        event = message.event
        if event.kind not in _CALLS:
            return
        recall = event.kind == feed_pb2.EVENT_KIND_TICKET_RECALLED
        call = Announcement(event.sequence, event.ticket.number, event.desk.number, recall)
        try:
            if self.announcer.submit(call):
                self._left -= 1
        except BadPhrase as error:
            log.warning("call not spoken seq=%d reason=%s", event.sequence, error)
