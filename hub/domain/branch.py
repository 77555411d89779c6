"""The branch configuration model: what the branch offers, who works, how to choose.

Validated with pydantic so that every rule is stated once; ``hub/config.py`` reads the
TOML file and turns a validation error into the file's line.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.domain.payments import MAX_AMOUNT

# The ids of a branch, its services, desks...: also a folder's name (backoffice/backups.py).
IDENTIFIER = r"^[a-z0-9][a-z0-9_-]{0,39}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# call_centre: who answers the branch's phone and books by it (hub.api.permissions).
Role = Literal["operator", "administrator", "technician", "call_centre", "information_system"]
# The branch's calendar periods a booking limit counts in: a day, a week (Monday to
# Sunday), a month.
Period = Literal["day", "week", "month"]
_HOURS = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")


class _Model(BaseModel):
    # nan and inf would pass "gt=0" checks of weights and minutes and then break ordering.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class OpeningHours(_Model):
    """One day's hours; ``closes`` may be 24:00, written as time.max."""

    opens: time
    closes: time

    @property
    def opens_minute(self) -> int:
        return self.opens.hour * 60 + self.opens.minute

    @property
    def closes_minute(self) -> int:
        """Minutes since midnight; time.max stands for 24:00, the end of the day."""
        return 24 * 60 if self.closes == time.max else self.closes.hour * 60 + self.closes.minute

    @classmethod
    def parse(cls, text: str) -> OpeningHours | None:
        """Read "08:00-20:00" (or "closed", giving None)."""
        if text.strip().lower() == "closed":
            return None
        match = _HOURS.match(text.strip())
        if not match:
            raise ValueError(f'hours must look like "08:00-20:00" or "closed", not "{text}"')
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        opens = time(h1, m1)
        closes = time.max if (h2, m2) == (24, 0) else time(h2, m2)
        if closes <= opens:
            raise ValueError(f'hours "{text}" close before they open')
        return cls(opens=opens, closes=closes)


def _valid_hours(text: str) -> str:
    OpeningHours.parse(text)
    return text


# Checked per day so that an error's loc names the day, and the loader its line.
HoursText = Annotated[str, AfterValidator(_valid_hours)]


class Group(_Model):
    id: Identifier
    name_ru: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class Service(_Model):
    id: Identifier
    prefix: str = Field(pattern=r"^[A-ZА-ЯЁ]{1,2}$")
    name_ru: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    group: Identifier | None = None
    target_wait_min: float | None = Field(default=None, gt=0, le=24 * 60)
    average_service_min: float = Field(default=10.0, gt=0, le=8 * 60)
    # Tickets stop this many minutes before the branch closes.
    last_ticket_before_close_min: int = Field(default=0, ge=0, le=12 * 60)
    # A state fee paid at the kiosk's terminal (0: free) and the purpose of the payment as
    # the state payments system shows it.
    fee_kopecks: int = 0
    fee_purpose: str = ""
    # A service that produces documents: they are ready this many working days after the
    # application (docs/applications.md); None: a consultation, no application is taken.
    processing_days: int | None = Field(default=None, ge=0, le=366)
    # Who prepares the documents ("Росреестр"), as reports and notices name it.
    authority: str = Field(default="", max_length=120)

    @field_validator("fee_kopecks")
    @classmethod
    def _fee_payable(cls, value: int) -> int:
        """A fee the terminal can take: 0 (free) or 1..MAX_AMOUNT, the hub's bound."""
        if value < 0:
            raise ValueError(f"fee must be 0 (free) or a positive number of kopecks, not {value}")
        if value > MAX_AMOUNT:
            raise ValueError(
                f"fee must be at most {MAX_AMOUNT} kopecks (10,000,000 ₽), not {value}: no "
                "payment above that is taken"
            )
        return value

    @model_validator(mode="after")
    def _paid_needs_purpose(self) -> Service:
        if self.fee_kopecks > 0 and not self.fee_purpose.strip():
            raise ValueError(
                f"fee_kopecks is {self.fee_kopecks}: a paid service needs fee_purpose, "
                "the purpose of the payment the state payments system shows"
            )
        return self


class Desk(_Model):
    id: Identifier
    number: int = Field(ge=1, le=999)
    name: str = ""
    # Service id -> weight: a higher weight is served sooner at this desk.
    services: dict[Identifier, float] = Field(min_length=1)
    # Operators who may open this desk (docs/staff.md); empty: any operator may.
    operators: tuple[Identifier, ...] = ()
    # The ticket printer beside the desk, for slips handed over there (an application's
    # receipt): its device id; empty: the branch's [applications] printer.
    printer: str = Field(default="", max_length=120)

    @field_validator("services")
    @classmethod
    def _positive_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for service, weight in value.items():
            if weight <= 0:
                raise ValueError(f'weight of service "{service}" must be above 0, not {weight}')
        return value


class Priority(_Model):
    id: Identifier
    name_ru: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    # Calls of this category for each call of a regular ticket while both wait.
    ratio: int = Field(ge=1, le=20)
    # A visitor may claim it at the kiosk; the ticket counts as claimed until the operator
    # confirms or removes it on seeing the document (docs/hub.md, "Priority visitors").
    claimable: bool = False
    # What the kiosk tells a claiming visitor to show at the desk, in each language.
    document_ru: str = Field(default="", max_length=200)
    document_en: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _claim_names_document(self) -> Priority:
        if self.claimable and not (self.document_ru.strip() and self.document_en.strip()):
            raise ValueError(
                f'priority "{self.id}" is claimable: give document_ru and document_en, the '
                "document the visitor shows at the desk, which the kiosk names"
            )
        return self


class Operator(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    roles: tuple[Role, ...] = ("operator",)


class Notifications(_Model):
    """Messages to visitors (docs/notifications.md); addresses and secrets stay out of here."""

    # A reminder this many minutes before the slot (0: none).
    reminder_before_min: int = Field(default=120, ge=0, le=7 * 24 * 60)
    # "Your turn is near" once this many people or fewer are ahead (0: none).
    turn_near_ahead: int = Field(default=3, ge=0, le=50)
    # After a watched ticket's service, an SMS/e-mail with a link to rate it (1..5).
    rating_invite: bool = True
    # The start of links in messages; empty: the origin of ticket_page_url.
    public_url: str = Field(default="", pattern=r"^$|^https?://[^\s/]+(/\S*)?$")
    # The SMS gateway's messages endpoint (docs/notifications.md); empty: no SMS.
    sms_url: str = Field(default="", pattern=r"^$|^https?://\S+$")
    sms_sender: str = Field(default="MFC", min_length=1, max_length=11)
    # smtp://host:port, smtp+starttls://host:port or smtps://host:port; empty: no e-mail.
    smtp_url: str = Field(default="", pattern=r"^$|^(smtp|smtp\+starttls|smtps)://\S+$")
    mail_from: str = "noreply@okno-hub.local"


_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)


def _host_name(value: str) -> str:
    """A DNS name (RFC 1123 labels) or an IP address, lowercased as Host is compared."""
    name = value.strip().lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    if not _HOST.match(name):
        raise ValueError(f'host names are written like okno.mfc.local or 10.0.5.2, not "{value}"')
    return name


HostName = Annotated[str, AfterValidator(_host_name)]


class WebPages(_Model):
    """The hub's web pages on the LAN (docs/web.md): the names they answer to, their TLS."""

    # Names visitors and staff type or follow besides those the hub knows already (the
    # host of --web-listen and of ticket_page_url and public_url, this machine's name,
    # localhost): any other Host header is refused, against DNS rebinding.
    hosts: tuple[HostName, ...] = ()
    # PEM files of a certificate the visitors' phones trust, and its key (0600); relative
    # to this file. Empty: the branch CA issues one for the names above.
    certificate: str = ""
    key: str = ""

    @model_validator(mode="after")
    def _both_files(self) -> WebPages:
        if bool(self.certificate) != bool(self.key):
            raise ConfigProblem(
                ("web", "certificate" if not self.certificate else "key"),
                "give both certificate and key (PEM files), or neither for a certificate "
                "from the branch CA",
            )
        return self


class PersonLimit(_Model):
    """At most ``most`` bookings still to come per person in each ``per`` of the calendar."""

    per: Period
    most: int = Field(ge=1, le=100)


class BookingLimit(PersonLimit):
    """A limit over the services named (directly or by their group), counted together: a
    person holding a booking for one of them uses up the limit for all of them."""

    services: tuple[Identifier, ...] = ()
    groups: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _names_some(self) -> BookingLimit:
        if not self.services and not self.groups:
            raise ValueError(
                'a limit names the services it is about: services = ["passport"] or '
                'groups = ["documents"]'
            )
        return self


class Appointments(_Model):
    """Booked visits: 20-minute slots for today and the next 7 days, checked in on arrival."""

    slot_min: int = Field(default=20, ge=5, le=240)
    # Today and this many days after it can be booked.
    days_ahead: int = Field(default=7, ge=0, le=60)
    # Check-in opens this many minutes before the slot and closes this many after its
    # start; a booking not checked in by then is a no-show.
    early_min: int = Field(default=15, ge=0, le=120)
    late_min: int = Field(default=10, ge=0, le=120)
    # The [[priorities]] category of the ticket a checked-in visitor gets.
    priority: Identifier = "appointment"
    # Phone, e-mail and name are erased this many days after the slot.
    keep_contacts_days: int = Field(default=1, ge=0, le=90)
    # Service id -> visitors per slot; a service not listed takes no appointments.
    capacity: dict[Identifier, Annotated[int, Field(ge=1, le=100)]] = Field(default_factory=dict)
    # Bookings one person (phone number, or card's SNILS hash) may hold: each limit over its
    # services, and ``default_limit`` for each bookable service no limit names (docs/
    # appointments.md, "Limits per person"); none: no limit.
    limits: tuple[BookingLimit, ...] = ()
    default_limit: PersonLimit | None = None

    @model_validator(mode="after")
    def _late_within_slot(self) -> Appointments:
        if self.late_min >= self.slot_min:
            raise ConfigProblem(
                ("appointments", "late_min"),
                f"late_min ({self.late_min}) is not shorter than a slot ({self.slot_min} min): "
                "a late visitor would check in during the next slot; make it shorter",
            )
        return self


class Applications(_Model):
    """What happens after the visit: applications, their notices and how long contacts stay."""

    # The applicant's phone and e-mail are erased this many days after the application
    # ends (issued, refused, cancelled); the consent text at the desk says so.
    keep_contacts_days: int = Field(default=30, ge=0, le=365)
    # And in any case this many days after it was accepted, ended or not.
    longest_keep_days: int = Field(default=400, ge=30, le=1100)
    # Ready documents wait this many days to be collected; the notice says until when.
    collect_within_days: int = Field(default=30, ge=1, le=180)
    # One reminder when ready documents have waited this many days.
    remind_after_days: int = Field(default=7, ge=1, le=180)
    # The service booked to collect documents (the "ready" notice links to its booking).
    collect_service: Identifier | None = None
    # Weekend days the year's calendar makes working (a working Saturday).
    working_dates: tuple[date, ...] = ()
    # The ticket printer (device id) for receipts of desks that have no printer of their own.
    printer: str = Field(default="", max_length=120)


class CatalogueFile(_Model):
    """Where the service catalogue is (docs/catalogue.md): a TOML file relative to the
    branch's file; "" for none."""

    file: str = Field(default="", max_length=200)


class Branch(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    timezone: str = "Europe/Moscow"
    max_wait_min: float = Field(default=15.0, gt=0, le=24 * 60)
    # A ticket this close to its wait target is called before better-weighted ones.
    deadline_guard_min: float = Field(default=2.0, ge=0, le=24 * 60)
    max_recalls: int = Field(default=2, ge=0, le=10)
    # Where a visitor follows a ticket (the QR code on it): "{ticket}" becomes its id.
    ticket_page_url: str = Field(default="", pattern=r"^$|^https?://\S*\{ticket\}\S*$")
    hours: dict[Weekday, HoursText] = Field(
        default_factory=lambda: dict.fromkeys(WEEKDAYS, "00:00-24:00")
    )
    # Holidays and other days the branch does not open, whatever [hours] says.
    closed_dates: tuple[date, ...] = ()
    groups: tuple[Group, ...] = ()
    services: tuple[Service, ...] = Field(min_length=1)
    desks: tuple[Desk, ...] = Field(min_length=1)
    priorities: tuple[Priority, ...] = ()
    operators: tuple[Operator, ...] = ()
    appointments: Appointments = Field(default_factory=Appointments)
    notifications: Notifications = Field(default_factory=Notifications)
    web: WebPages = Field(default_factory=WebPages)
    applications: Applications = Field(default_factory=Applications)
    catalogue: CatalogueFile = Field(default_factory=CatalogueFile)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f'unknown time zone "{value}" (use e.g. "Europe/Moscow")') from err
        return value

    @field_validator("closed_dates", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if not isinstance(value, list | tuple):
            return value
        for item in value:
            if isinstance(item, datetime) or not isinstance(item, date | str):
                raise ValueError(f"closed dates are written like 2027-01-01, not {item!r}")
            if isinstance(item, str):
                try:
                    date.fromisoformat(item)
                except ValueError:
                    raise ValueError(
                        f'closed dates are written like 2027-01-01, not "{item}"'
                    ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Branch:
        _unique("groups", "id", [g.id for g in self.groups])
        _unique("services", "id", [s.id for s in self.services])
        _unique("services", "prefix", [s.prefix for s in self.services])
        _cyrillic_on_the_board(self.services)
        _unique("desks", "id", [d.id for d in self.desks])
        _unique("desks", "number", [d.number for d in self.desks])
        _unique("priorities", "id", [p.id for p in self.priorities])
        _unique("operators", "id", [o.id for o in self.operators])
        groups = {g.id for g in self.groups}
        for index, service in enumerate(self.services):
            if service.group is not None and service.group not in groups:
                raise ConfigProblem(
                    ("services", index, "group"),
                    f'service "{service.id}" names group "{service.group}", which is not '
                    "among [[groups]]: add the group or fix the name",
                )
        services = {s.id for s in self.services}
        for index, desk in enumerate(self.desks):
            for service_id in desk.services:
                if service_id not in services:
                    raise ConfigProblem(
                        ("desks", index, "services", service_id),
                        f'desk "{desk.id}" serves "{service_id}", which is not among '
                        "[[services]]: add the service or fix the name",
                    )
        staff = {o.id for o in self.operators}
        for index, desk in enumerate(self.desks):
            for operator_id in desk.operators:
                if operator_id not in staff:
                    raise ConfigProblem(
                        ("desks", index, "operators"),
                        f'desk "{desk.id}" lists operator "{operator_id}", who is not among '
                        "[[operators]]: add the operator or fix the name",
                    )
        self._appointments_consistent(services)
        collect = self.applications.collect_service
        if collect is not None and collect not in services:
            raise ConfigProblem(
                ("applications", "collect_service"),
                f'documents are collected under service "{collect}", which is not among '
                "[[services]]: add the service or fix the name",
            )
        return self

    def _appointments_consistent(self, services: set[str]) -> None:
        rules = self.appointments
        for service_id in rules.capacity:
            if service_id not in services:
                raise ConfigProblem(
                    ("appointments", "capacity", service_id),
                    f'appointments are offered for "{service_id}", which is not among '
                    "[[services]]: add the service or fix the name",
                )
        for index, limit in enumerate(rules.limits):
            self._limit_consistent(index, limit)
        for index, category in enumerate(self.priorities):
            if category.claimable and category.id == rules.priority:
                raise ConfigProblem(
                    ("priorities", index, "claimable"),
                    f'priority "{category.id}" is the one checked-in bookings get: it comes with '
                    "a booking's code, never by a visitor's word; set claimable = false",
                )
        if rules.capacity and rules.priority not in {p.id for p in self.priorities}:
            raise ConfigProblem(
                ("appointments", "priority"),
                f'checked-in visitors get priority "{rules.priority}", which is not among '
                '[[priorities]]: add it (id = "appointment", ratio = 3 is usual) or name another',
            )

    def _limit_consistent(self, index: int, limit: BookingLimit) -> None:
        """A limit names services that take appointments, and groups that have some."""
        groups = {g.id for g in self.groups}
        capacity = self.appointments.capacity
        for name in limit.groups:
            if name not in groups:
                raise ConfigProblem(
                    ("appointments", "limits", index, "groups"),
                    f'a booking limit names group "{name}", which is not among [[groups]]: '
                    "add the group or fix the name",
                )
            if not any(s.group == name and s.id in capacity for s in self.services):
                raise ConfigProblem(
                    ("appointments", "limits", index, "groups"),
                    f'a booking limit names group "{name}", none of whose services takes '
                    "appointments: give one of them a capacity, or drop the group",
                )
        for name in limit.services:
            if self.service(name) is None:
                raise ConfigProblem(
                    ("appointments", "limits", index, "services"),
                    f'a booking limit names service "{name}", which is not among [[services]]: '
                    "add the service or fix the name",
                )
            if name not in capacity:
                raise ConfigProblem(
                    ("appointments", "limits", index, "services"),
                    f'a booking limit names service "{name}", which takes no appointments: '
                    "give it a capacity, or drop it from the limit",
                )

    def limited_services(self, limit: BookingLimit) -> frozenset[str]:
        """The services a limit counts together: those it names and those of its groups."""
        return frozenset(limit.services) | {
            s.id for s in self.services if s.group is not None and s.group in limit.groups
        }

    def public_base(self) -> str:
        """Where links for visitors start: [notifications] public_url, or the ticket page's
        origin; "" when the branch has neither."""
        if self.notifications.public_url:
            return self.notifications.public_url.rstrip("/")
        if self.ticket_page_url:
            parts = urlsplit(self.ticket_page_url)
            return f"{parts.scheme}://{parts.netloc}"
        return ""

    def slip_printer(self, desk: Desk) -> str:
        """The printer for slips handed over at ``desk``: its own, else the branch's."""
        return desk.printer or self.applications.printer

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def desk(self, desk_id: str) -> Desk | None:
        return next((d for d in self.desks if d.id == desk_id), None)

    def priority(self, priority_id: str) -> Priority | None:
        return next((p for p in self.priorities if p.id == priority_id), None)

    def target_wait_ms(self, service: Service) -> int:
        minutes = (
            service.target_wait_min if service.target_wait_min is not None else self.max_wait_min
        )
        return int(minutes * 60_000)

    def opening_hours(self, weekday: int) -> OpeningHours | None:
        """Hours for a weekday (0 is Monday); a weekday not listed is closed."""
        text = self.hours.get(WEEKDAYS[weekday])
        return OpeningHours.parse(text) if text is not None else None

    def hours_on(self, day: date) -> OpeningHours | None:
        """Hours on a date: its weekday's, or None on a closed date."""
        return None if day in self.closed_dates else self.opening_hours(day.weekday())


class ConfigProblem(Exception):
    """A rule across several entries is broken, at a known place in the file.

    Not a ValueError on purpose: pydantic would wrap it and lose ``loc``, which the
    loader turns into the file's line.
    """

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _unique(table: str, key: str, values: Sequence[str | int]) -> None:
    seen: set[str | int] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ConfigProblem(
                (table, index, key), f'{key} "{value}" is used twice in [[{table}]]: make it unique'
            )
        seen.add(value)


# Latin capitals that a hall board shows exactly like Cyrillic ones.
_LOOKALIKES = dict(zip("ABCEHKMOPTXY", "АВСЕНКМОРТХУ", strict=True))


def _cyrillic_on_the_board(services: Sequence[Service]) -> None:
    """A Latin prefix that looks Cyrillic is shown as one letter and spoken as another.

    The board shows Latin "P" as the hall reads "Р" ("эр"), while the voice says "пэ"; and
    "A" beside "А" would be two queues that look the same.
    """
    for index, service in enumerate(services):
        for letter in service.prefix:
            cyrillic = _LOOKALIKES.get(letter)
            if cyrillic is not None:
                raise ConfigProblem(
                    ("services", index, "prefix"),
                    f'service "{service.id}": prefix "{service.prefix}" has the Latin letter '
                    f'"{letter}", which the board shows like the Cyrillic "{cyrillic}" and the '
                    f'voice reads differently: type the Cyrillic "{cyrillic}" instead',
                )


@dataclass(frozen=True, slots=True)
class BranchIndex:
    """The configuration looked up by id, built once: commands run thousands of times a second."""

    services: dict[str, Service]
    desks: dict[str, Desk]
    hours: list[OpeningHours | None]
    closed_dates: frozenset[date]
    categories: tuple[str, ...]
    ratios: dict[str, int]
    targets_ms: dict[str, int]

    @classmethod
    def of(cls, config: Branch) -> BranchIndex:
        return cls(
            services={s.id: s for s in config.services},
            desks={d.id: d for d in config.desks},
            hours=[config.opening_hours(day) for day in range(7)],
            closed_dates=frozenset(config.closed_dates),
            categories=tuple(p.id for p in config.priorities),
            ratios={p.id: p.ratio for p in config.priorities},
            targets_ms={s.id: config.target_wait_ms(s) for s in config.services},
        )
