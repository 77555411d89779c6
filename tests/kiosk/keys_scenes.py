"""A kiosk driven by its keypad's keys alone, without a hub: the scenes of scenes.py with
the keys' guide between the flow and the voice, and a visitor who listens for an item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.flow import KioskFlow
from kiosk.keys_guide import Gathering, KeysGuide
from kiosk.settings import KioskSettings
from kiosk.view import KioskView
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import (
    PRINTER,
    WAITS,
    CardSlot,
    Clock,
    Requests,
    Scene,
    Speaker,
    catalogue,
)

# More presses than any list the kiosk shows has items: a visitor who never hears the
# item they listen for gives up.
MAX_PRESSES = 60


@dataclass
class KeyScene(Scene):
    keys: KeysGuide | None = None

    @property
    def guide(self) -> KeysGuide:
        assert self.keys is not None
        return self.keys

    def pick(
        self, shown: str, direction: str = "down", after: Callable[[], None] = lambda: None
    ) -> None:
        """Move until the item showing ``shown`` has the focus, then select it: what a
        blind visitor does, listening to each item said (``after`` each press)."""
        for _ in range(MAX_PRESSES):
            if self.view.value("focusText") == shown:
                self.view.press("select")
                after()
                return
            self.view.press(direction)
            after()
        raise AssertionError(f"{shown!r} never had the focus")


def key_scene(card: CardSlot | None = None, **settings: object) -> KeyScene:
    """A kiosk at Monday 10:00 on its home screen, the branch's waits known, with keys;
    with ``card``, a card reader."""
    config = {"printer": PRINTER, "dpi": "96", **{k: str(v) for k, v in settings.items()}}
    clock = Clock()
    requests, speaker = Requests(), Speaker()
    gathering = Gathering(speaker)
    flow = KioskFlow(
        KioskSettings().updated(config),
        requests,
        gathering,
        clock=clock,
        new_id=iter(f"request-{n}" for n in range(1, 10_000)).__next__,
        identity=(lambda: card.current) if card is not None else None,
    )
    keys = KeysGuide(flow, gathering)
    view = KioskView(flow, keys=keys)
    view.set_catalogue(catalogue())
    view.set_waits(WAITS, MONDAY_10_00)
    return KeyScene(flow, view, clock, requests, speaker, card, keys=keys)
