"""The keys and the voice together: a key press starts guidance, then moves and chooses.

Guidance starts by itself at the first key of the keypad, or when headphones are
plugged in, and ends with the visitor's session (the flow's idle reset turns the voice
back to the kiosk's setting). While it runs, every change of screen is announced by the
:class:`~kiosk.navigation.Navigator`, and the flow's own words (a ticket's number, an
error) are said in the same utterance, first: the voice replaces a prompt not yet begun
(voice.py), so two utterances for one change would lose the first. Pure: the Qt view
calls :meth:`KeysGuide.gathered` around each action and :meth:`KeysGuide.settle` with
what the screen shows after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kiosk import speech
from kiosk.core import Speaker
from kiosk.flow import KioskFlow
from kiosk.keys_menu import menu
from kiosk.navigation import Key, Navigator, hint
from kiosk.shown import Shown

log = logging.getLogger(__name__)

# What a keypad's jack-sense input reports when headphones are plugged in.
HEADPHONES = "headphones"
# What QML shows while the voice is off: no focus frame, no voice line.
NO_KEYS: dict[str, object] = {"focusText": "", "voiceLine": ""}


class Gathering:
    """The flow's speaker: passes each phrase to the voice, or gathers the phrases said
    during one action to be said as one utterance with the screen's announcement."""

    def __init__(self, voice: Speaker) -> None:
        self._voice = voice
        self._held: list[str] | None = None

    def say(self, text: str, language: str) -> None:
        if self._held is not None:
            self._held.append(text)
        else:
            self._voice.say(text, language)

    def drop(self, text: str) -> None:
        """Not say ``text`` after all, if it is held (said in other words instead)."""
        if self._held is not None and text in self._held:
            self._held.remove(text)

    @contextmanager
    def gathered(self, language: Callable[[], str]) -> Iterator[list[str]]:
        """Hold what is said until the block ends, then say it as one (in the language
        the visitor has then)."""
        if self._held is not None:
            yield self._held
            return
        held: list[str] = []
        self._held = held
        try:
            yield held
        finally:
            self._held = None
            if held:
                self._voice.say(" ".join(held), language())


class KeysGuide:
    """The navigator over the flow's screens, driven by the keypad's keys."""

    def __init__(self, flow: KioskFlow, speaker: Gathering) -> None:
        self.flow = flow
        self.speaker = speaker
        self.navigator = Navigator(flow.language)
        self.presses = 0
        self._started = False

    @property
    def active(self) -> bool:
        """Guidance by keys is on: started by a key or headphones, and the voice still on
        (the session's end turns it off)."""
        return self._started and self.flow.voice

    @contextmanager
    def gathered(self) -> Iterator[None]:
        with self.speaker.gathered(lambda: self.flow.language):
            yield

    def press(self, key: Key) -> None:
        """A key of the keypad (or its USB twin): guidance first, then its move."""
        self.presses += 1
        log.debug("key=%s", key.value)
        if self._start():
            return
        navigator = self.navigator
        if key in (Key.UP, Key.DOWN):
            self._say(navigator.move(key))
        elif key is Key.HELP:
            self._say(navigator.help())
        elif key is Key.BACK:
            self.flow.touch()
            self.flow.back()
        elif key is Key.SELECT:
            self._select()

    def typed(self, key: str) -> bool:
        """A digit or letter from a USB keypad: the focused screen's key that types it
        (False: none here, the key goes on as typed text)."""
        if not self.active:
            return False
        item = self.navigator.typed(key)
        if item is None:
            return False
        self.presses += 1
        self._choose(item.act, item.spoken)
        return True

    def headphones(self) -> None:
        """Headphones plugged in (the jack's detect switch): guidance starts."""
        self._start()

    def settle(self, now: Shown) -> dict[str, object]:
        """The screen after a change: announce it if it is new; the values QML shows
        for the voice (the focus frame's text; the voice line: what the screen says
        of itself and, with the keys, what they do)."""
        flow = self.flow
        said = self.navigator.show(menu(flow, now), flow.language)
        if not flow.voice:
            self._started = False
            return NO_KEYS
        # What the voice says of the screen is written too, for visitors who do not hear:
        # by touch, the screen's prompt; with the keys, its menu's lead and the keys.
        if not self.active:
            line = flow.selected_sentence() or flow.screen_prompt()
            return {"focusText": "", "voiceLine": line}
        menu_now = self.navigator.menu
        line = menu_now.lead if menu_now is not None else ""
        if said:
            # The screen's prompt for touch ("нажмите кнопку внизу экрана") is not said:
            # a screen's menu says what it holds (its lead) in words for the keys.
            self.speaker.drop(flow.screen_prompt())
            self._say(said)
        focused = self.navigator.focused
        return {
            "focusText": focused.shown if focused is not None else "",
            "voiceLine": f"{line}\n{hint('keys', flow.language)}".strip(),
        }

    def _start(self) -> bool:
        """Turn guidance on; True when it was off (the key only started it)."""
        if self.active:
            return False
        self._started = True
        flow = self.flow
        flow.touch()
        flow.voice = True
        flow.selected = ""
        log.info("voice guidance started by the keypad")
        self._say(f"{speech.prompt('voice_on', flow.language)} {self.navigator.entering('keys')}")
        return True

    def _select(self) -> None:
        item = self.navigator.focused
        if item is None:
            return
        self._choose(item.act, item.spoken if item.types else "")

    def _choose(self, act: Callable[[], object], echo: str) -> None:
        """Do what a tap does; a keypad key is said back unless the flow said it."""
        flow = self.flow
        flow.touch()
        with self.speaker.gathered(lambda: flow.language) as held:
            before = len(held)
            act()
            if echo and len(held) == before:
                flow.say(echo)

    def _say(self, text: str) -> None:
        if text:
            self.flow.say(text)
