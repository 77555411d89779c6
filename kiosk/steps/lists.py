"""The lists a visitor looks through, page by page: the groups, a group's services, search.

Every list the kiosk shows is paged (a booking's services, days and times too), as many
rows as fit the screen in the type size chosen. The search has its own keyboard, Russian
or English, which starts in the visitor's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kiosk.booking import Step as BookStep
from kiosk.catalogue import Group, Service
from kiosk.core import FlowCore, Screen

T = TypeVar("T")

MAX_QUERY = 40
# Rows of a list page, by screen and type size (see qml/: what fits a 1080x1920 screen).
PAGE_SIZE = {
    ("home", False): 5,
    ("home", True): 4,
    ("group", False): 7,
    ("group", True): 5,
    ("search", False): 3,
    ("search", True): 2,
    ("book_service", False): 7,
    ("book_service", True): 5,
    ("book_day", False): 8,
    ("book_day", True): 8,
    ("book_slot", False): 15,
    ("book_slot", True): 9,
    ("situations", False): 7,
    ("situations", True): 5,
}


class ListSteps:
    """The groups, a group's services, the search's query and keyboard, the pages."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        self.group_id = ""
        self.query = ""
        self.keyboard = core.language
        # The pages of screens whose own steps page them (one page a "row").
        self.counts: dict[Screen, Callable[[], int]] = {}

    def groups(self) -> list[Group]:
        """The home screen's groups, or the life situations on their screen."""
        catalogue, screen = self._core.catalogue, self._core.screen
        if catalogue is None:
            return []
        return catalogue.situations() if screen is Screen.SITUATIONS else catalogue.shown_groups()

    def listed(self) -> list[Service]:
        """All services the current list screen holds (every page)."""
        core = self._core
        if core.catalogue is None:
            return []
        if core.screen is Screen.GROUP:
            return core.catalogue.in_group(self.group_id)
        if core.screen is Screen.SEARCH:
            return core.catalogue.search(self.query)
        if core.screen is Screen.BOOKING and core.draft and core.draft.step is BookStep.SERVICE:
            return list(core.catalogue.services)
        return []

    def page_size(self) -> int:
        core = self._core
        key = core.screen.value
        if core.screen is Screen.BOOKING and core.draft is not None:
            key = f"book_{core.draft.step.value}"
        return PAGE_SIZE.get((key, core.large), 1)

    def pages(self) -> int:
        core = self._core
        if core.screen in self.counts:
            return max(1, self.counts[core.screen]())
        listing = core.screen in (Screen.HOME, Screen.SITUATIONS)
        count = len(self.groups()) if listing else len(self.listed())
        if core.screen is Screen.BOOKING and core.draft and core.draft.step is BookStep.SLOT:
            count = len(core.draft.free_slots())
        if core.screen is Screen.STATUS and core.lookup is not None:
            count = len(core.lookup.found)  # one application a page
        return max(1, -(-count // self.page_size()))

    def page_of(self, rows: list[T]) -> list[T]:
        size = self.page_size()
        page = self._core.page
        return rows[page * size : (page + 1) * size]

    def next_page(self) -> None:
        core = self._core
        if not core.locked and core.page + 1 < self.pages():
            core.page += 1
            core.selected = ""

    def previous_page(self) -> None:
        core = self._core
        if not core.locked and core.page > 0:
            core.page -= 1
            core.selected = ""

    def open_group(self, group_id: str) -> None:
        core = self._core
        shown = core.screen in (Screen.HOME, Screen.SITUATIONS)
        if core.locked or not shown or core.catalogue is None:
            return
        group = core.catalogue.group(group_id)
        if group is None:
            return
        self.group_id = group_id
        core.go(Screen.GROUP)

    def open_search(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.HOME:
            return
        self.query = ""
        self.keyboard = core.language
        core.go(Screen.SEARCH)

    def type_key(self, key: str) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.SEARCH or len(self.query) >= MAX_QUERY:
            return
        self.query += key
        core.page = 0
        core.selected = ""

    def switch_keyboard(self) -> None:
        core = self._core
        if core.screen is Screen.SEARCH and not core.locked:
            self.keyboard = "en" if self.keyboard == "ru" else "ru"

    def erase(self) -> None:
        self.query = self.query[:-1]
        self._core.page = 0

    def typed(self, text: str) -> None:
        """A physical keyboard's letters, digits and spaces, as if tapped on the screen's."""
        for key in text:
            if key.isalnum() or key == " ":
                self.type_key(key.lower())
