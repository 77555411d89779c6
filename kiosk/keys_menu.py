"""What each screen offers the five keys: its title and items, from what it shows. Pure.

Every item is a text the screen shows (its rows and buttons, from :class:`Shown`) and
the same move a tap on it makes, so the keys never reach a state a tap could not. A
screen declares its items in :data:`DECLARED`; a screen that declares none (a new one)
still gets the rows of its lists and its back and home buttons (:func:`listed`), so
it can be used with the keys the day it appears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kiosk import speech
from kiosk.booking import Step
from kiosk.core import Screen
from kiosk.flow import KioskFlow
from kiosk.navigation import Item, Menu
from kiosk.shown import Shown
from kiosk.texts import CODE_KEYS

Declare = Callable[[KioskFlow, Shown], Menu]


def _text(now: Shown, key: str) -> str:
    return str(now.values.get(key, ""))


def _label(now: Shown, key: str) -> str:
    labels = now.values["labels"]
    assert isinstance(labels, dict)
    return str(labels[key])


def _pages(flow: KioskFlow, now: Shown) -> list[Item]:
    """The list's page buttons, where the list has more than one page."""
    items = []
    if now.values["hasNext"]:
        items.append(Item(_label(now, "later"), flow.lists.next_page))
    if now.values["hasPrevious"]:
        items.append(Item(_label(now, "earlier"), flow.lists.previous_page))
    return items


def _leave(flow: KioskFlow, now: Shown) -> list[Item]:
    return [Item(_label(now, "back"), flow.back), Item(_label(now, "home"), flow.home)]


def _rows(flow: KioskFlow, now: Shown) -> list[Item]:
    """Every row of the lists shown, each acting as its tap does."""
    items = [Item(str(row[1]), _open_group(flow, str(row[0]))) for row in now.groups]
    items += [_service(flow, row) for row in now.services]
    items += [_choice(flow, key, title, sub) for key, title, sub, _ in now.choices]
    return items


def _open_group(flow: KioskFlow, group_id: str) -> Callable[[], None]:
    return lambda: flow.lists.open_group(group_id)


def _service(flow: KioskFlow, row: tuple[object, ...]) -> Item:
    """A service row: its name, wait and people ahead said as the row shows them ("≈ 18
    мин", "перед вами 7"); selecting it takes the ticket at once (the focus already
    told what a first tap tells)."""
    service_id, title = str(row[0]), str(row[1])

    def take() -> None:
        flow.selected = service_id
        flow.tap_service(service_id)

    wait = flow.wait(service_id)
    language = flow.language
    parts = [title, str(row[2])]
    if wait is not None and wait.known and wait.minutes > 0:
        parts[1] = (
            f"about {speech.minutes_words(wait.minutes, language)}"
            if language == "en"
            else speech.about_minutes_ru(wait.minutes)
        )
    if row[3]:
        parts.append(str(row[3]))
    return Item(title, take, said=", ".join(parts))


def _choice(flow: KioskFlow, key: str, title: str, subtitle: str) -> Item:
    """A row of the booking screen: a service, a day (with its free places) or a time."""
    said = speech.times_said(title, flow.language)
    if subtitle:
        said = f"{said}, {subtitle}"
    return Item(title, lambda: _choose(flow, key), said=said)


def _choose(flow: KioskFlow, key: str) -> None:
    draft = flow.draft
    step = draft.step if draft is not None else None
    if step is Step.SERVICE:
        flow.booking.choose_service(key)
    elif step is Step.DAY:
        flow.booking.choose_day(key)
    elif step is Step.SLOT and key.isdigit():
        flow.booking.choose_slot(int(key))


def _keypad(keys: str, press: Callable[[str], None], language: str) -> list[Item]:
    """Keys of an on-screen keypad, each said as a digit's word or a letter's name."""
    return [
        Item(key, _pressing(press, key), said=speech.key_word(key, language), types=key)
        for key in keys
    ]


def _pressing(press: Callable[[str], None], key: str) -> Callable[[], None]:
    return lambda: press(key)


def home(flow: KioskFlow, now: Shown) -> Menu:
    items = _rows(flow, now) + _pages(flow, now)
    if now.values["cardCheckIn"] and now.values["greeting"]:
        items.append(Item(_label(now, "card_checkin"), flow.card.check_in))
    elif now.values["canIdentify"] and not now.values["greeting"]:
        items.append(Item(_label(now, "card"), flow.identify_with_card))
    items += [
        Item(_label(now, "search"), flow.lists.open_search),
        Item(_label(now, "book"), flow.booking.open),
        Item(_label(now, "checkin"), flow.checkin.open),
        Item(_label(now, "status"), flow.applications.open),
        Item(_label(now, "other_language"), flow.toggle_language),
    ]
    return Menu(f"home:{flow.page}", _text(now, "heading"), tuple(items))


def services(flow: KioskFlow, now: Shown) -> Menu:
    items = _rows(flow, now) + _pages(flow, now) + _leave(flow, now)
    name = f"{flow.screen.value}:{flow.lists.group_id}:{flow.lists.query}:{flow.page}"
    return Menu(name, _text(now, "heading"), tuple(items))


def booking(flow: KioskFlow, now: Shown) -> Menu:
    step = str(now.values["bookStep"])
    language = flow.language
    lead = flow.booking.prompt() if step == Step.SERVICE else _text(now, "bookNote")
    items = _rows(flow, now) + _pages(flow, now)
    if step == Step.PHONE:
        items = _keypad("1234567890", flow.booking.phone_key, language)
        items.append(Item("⌫", flow.erase, said=_label(now, "erase")))
        if now.values["phoneReady"]:
            items.append(Item(_label(now, "remind"), lambda: flow.booking.phone_done(False)))
        items.append(Item(_label(now, "no_reminder"), lambda: flow.booking.phone_done(True)))
    elif step == Step.CONFIRM:
        summary = now.values["summary"]
        assert isinstance(summary, list)
        lead = " ".join(f"{name}: {value}." for name, value in summary)
        lead = speech.times_said(lead, language)
        items = [Item(_label(now, "confirm"), flow.booking.confirm)]
    elif step == Step.DONE:
        code = _text(now, "bookedCode")
        spelt = " ".join(speech.key_word(key, language) for key in code)
        when = speech.times_said(_text(now, "bookedWhen"), language)
        lead = f"{_label(now, 'booked_code')}: {spelt}. {when}."
        items = [Item(_label(now, "done"), flow.home)]
    items += _leave(flow, now) if step != Step.DONE else []
    return Menu(f"booking:{step}:{flow.page}", _text(now, "bookTitle"), tuple(items), lead)


def checkin(flow: KioskFlow, now: Shown) -> Menu:
    items = _keypad("".join(CODE_KEYS), flow.checkin.key, flow.language)
    erase = _label(now, "erase")
    items += [
        Item(f"⌫ {erase}", flow.erase, said=erase),
        Item(_label(now, "continue"), flow.checkin.submit),
        *_leave(flow, now),
    ]
    return Menu("checkin", _label(now, "code_title"), tuple(items), _text(now, "codeError"))


def ticket(flow: KioskFlow, now: Shown) -> Menu:
    """The ticket: "Ваш талон А ноль двенадцать", the wait, the print (the flow's words
    of the title and the number shown), then done."""
    items = (Item(_label(now, "done"), flow.home),)
    name = f"ticket:{_text(now, 'ticketNumber')}"
    return Menu(name, "", items, flow.screen_prompt())


def notice(flow: KioskFlow, now: Shown) -> Menu:
    """A refusal: what happened and what to do (the flow's words), then back or home."""
    items = tuple(_leave(flow, now))
    name = f"notice:{_text(now, 'noticeTitle')}"
    return Menu(name, "", items, flow.screen_prompt())


def claim(flow: KioskFlow, now: Shown) -> Menu:
    """The priority step: a regular ticket first, the categories when asked for (each
    with its document said), then back and home; after what the step says of itself."""
    words = now.values["claim"]
    assert isinstance(words, dict)
    steps = flow.claims
    if steps.listing:
        items = [Item(c.name(flow.language), _claiming(flow, c.id)) for c in steps.categories()]
    else:
        items = [Item(str(words["take"]), steps.take), Item(str(words["claim"]), steps.open_list)]
    items += _leave(flow, now)
    name = f"claim:{'list' if steps.listing else 'offer'}"
    return Menu(name, "", tuple(items), flow.screen_prompt())


def _claiming(flow: KioskFlow, category_id: str) -> Callable[[], None]:
    return lambda: flow.claims.take(category_id)


def listed(flow: KioskFlow, now: Shown) -> Menu:
    """A screen that declares nothing: the rows of its lists, its pages, back and home,
    after what the screen says of itself (its prompt)."""
    items = _rows(flow, now) + _pages(flow, now) + _leave(flow, now)
    title = _text(now, "heading") or flow.screen.value
    return Menu(f"{flow.screen.value}:{flow.page}", title, tuple(items), flow.screen_prompt())


DECLARED: dict[Screen, Declare] = {
    Screen.HOME: home,
    Screen.GROUP: services,
    Screen.SEARCH: services,
    Screen.BOOKING: booking,
    Screen.CHECKIN: checkin,
    Screen.TICKET: ticket,
    Screen.NOTICE: notice,
    Screen.CLAIM: claim,
}


def menu(flow: KioskFlow, now: Shown) -> Menu:
    """The screen shown as the keys see it (in another language, another screen: it is
    announced again in the visitor's new language)."""
    declared = DECLARED.get(flow.screen, listed)(flow, now)
    return replace(declared, name=f"{flow.language}:{declared.name}")
