"""Which notices an application's events call for, their keys and texts, and what an SMS
reply asks: pure, from tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hub.domain import applications as rules
from hub.domain.applications import Application, ApplicationStatus
from hub.domain.branch import Branch
from hub.domain.model import Event, EventKind
from hub.notify.inbound import Inbound, read_reply
from hub.notify.messages import Kind
from hub.notify.notices import Links, render_notice
from hub.notify.planner import NOTICE_FOR_MS, Planner
from hub.notify.signing import Signer
from tests.hub.conftest import MONDAY_10_00, make_branch

S = ApplicationStatus
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def branch() -> Branch:
    return make_branch(
        applications={"collect_within_days": 30, "remind_after_days": 7},
        services=[
            {
                "id": "passport",
                "prefix": "А",
                "name_ru": "Паспорт",
                "name_en": "Passport",
                "processing_days": 10,
            }
        ],
        desks=[{"id": "d1", "number": 1, "services": {"passport": 1.0}}],
    )


def application(**changes: object) -> Application:
    base = Application(
        number="261123-001",
        service_id="passport",
        authority="МВД",
        status=S.ACCEPTED,
        planned_ready="2026-12-07",
        accepted_at_ms=MONDAY_10_00,
        changed_at_ms=MONDAY_10_00,
        changed_by="operator:andreev-m",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def changed(before: Application, after: Application, seq: int = 9) -> Event:
    return Event(
        seq=seq,
        at_ms=MONDAY_10_00,
        day="2026-11-23",
        kind=EventKind.APPLICATION_CHANGED,
        detail=rules.before(before),
        application=after,
    )


def test_an_accepted_application_is_told_its_number_and_planned_date(branch: Branch) -> None:
    event = Event(
        seq=4,
        at_ms=MONDAY_10_00,
        day="2026-11-23",
        kind=EventKind.APPLICATION_ACCEPTED,
        application=application(),
    )
    [notice] = Planner(branch).on_event(event).messages
    assert (notice.key, notice.kind, notice.application) == (
        "app:261123-001:4",
        Kind.APP_ACCEPTED,
        "261123-001",
    )
    assert (notice.due_ms, notice.expires_ms) == (MONDAY_10_00, MONDAY_10_00 + NOTICE_FOR_MS)
    assert notice.params["planned"] == "2026-12-07"
    # Nothing personal is planned: the reason and the contact are read when it is sent.
    assert not (notice.appointment_id or notice.ticket_id)
    assert set(notice.params) == {
        "number",
        "service",
        "status",
        "planned",
        "collect_by",
        "early",
    }


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (application(), application(status=S.IN_WORK), Kind.APP_IN_WORK),
        (application(status=S.IN_WORK), application(status=S.SUSPENDED), Kind.APP_SUSPENDED),
        (application(status=S.SUSPENDED), application(status=S.IN_WORK), Kind.APP_IN_WORK),
        (application(status=S.IN_WORK), application(status=S.REFUSED), Kind.APP_REFUSED),
        (application(status=S.IN_WORK), application(status=S.CANCELLED), Kind.APP_CANCELLED),
        (application(status=S.READY), application(status=S.ISSUED), Kind.APP_ISSUED),
        # Only the planned date moved.
        (
            application(status=S.IN_WORK),
            application(status=S.IN_WORK, planned_ready="2026-12-10"),
            Kind.APP_MOVED,
        ),
        # A new status and a new date: the status's notice, which gives the date.
        (
            application(),
            application(status=S.IN_WORK, planned_ready="2026-12-10"),
            Kind.APP_IN_WORK,
        ),
        # A suspended application told something else is needed.
        (application(status=S.SUSPENDED), application(status=S.SUSPENDED), Kind.APP_SUSPENDED),
        # Nothing the applicant need hear of (the same date given again).
        (application(status=S.IN_WORK), application(status=S.IN_WORK), None),
    ],
)
def test_each_change_is_told_once_under_its_event(
    branch: Branch, before: Application, after: Application, kind: Kind | None
) -> None:
    planner = Planner(branch)
    plan = planner.on_event(changed(before, after))
    assert [m.kind for m in plan.messages] == ([kind] if kind else [])
    # The notifier reading the log again plans the same keys: the outbox adds nothing.
    again = Planner(branch).on_event(changed(before, after))
    assert [m.key for m in again.messages] == [m.key for m in plan.messages]
    assert all(m.key == "app:261123-001:9" for m in plan.messages)


def test_ready_documents_are_told_with_the_last_day_and_reminded_a_week_later(
    branch: Branch,
) -> None:
    ready = application(status=S.READY, ready_day="2026-12-07")
    plan = Planner(branch).on_event(changed(application(status=S.IN_WORK), ready))
    notice, reminder = plan.messages
    assert notice.kind is Kind.APP_READY and not notice.params["early"]
    assert notice.params["collect_by"] == "2027-01-06"
    assert (reminder.key, reminder.kind) == ("app:261123-001:remind", Kind.APP_REMINDER)
    # In the morning, seven days after they became ready; useless after the last day.
    assert reminder.due_ms == _moscow(2026, 12, 14, 10)
    assert reminder.expires_ms == _moscow(2027, 1, 6, 10)


def test_documents_ready_before_the_planned_date_are_told_so(branch: Branch) -> None:
    early = application(status=S.READY, ready_day="2026-11-30")
    [notice, _] = Planner(branch).on_event(changed(application(), early)).messages
    assert notice.params["early"] is True
    text = render_notice(notice.kind, notice.params, branch=branch)
    assert text.body.startswith("Документы по заявлению 261123-001 готовы раньше срока: Паспорт.")


def test_no_reminder_when_documents_would_no_longer_wait(branch: Branch) -> None:
    short = branch.model_copy(
        update={"applications": branch.applications.model_copy(update={"collect_within_days": 7})}
    )
    ready = application(status=S.READY, ready_day="2026-12-03")
    plan = Planner(short).on_event(changed(application(), ready))
    assert [m.kind for m in plan.messages] == [Kind.APP_READY]


def test_a_reply_is_the_notice_of_the_status_now_once_a_minute(branch: Branch) -> None:
    planner = Planner(branch)
    first = planner.reply(application(status=S.IN_WORK), MONDAY_10_00)
    again = planner.reply(application(status=S.IN_WORK), MONDAY_10_00 + 59_000)
    later = planner.reply(application(status=S.IN_WORK), MONDAY_10_00 + 60_000)
    assert first.key == again.key != later.key
    text = render_notice(first.kind, first.params, branch=branch)
    assert text.body == (
        "Заявление 261123-001 в работе: Паспорт. Планируемая дата готовности 07.12.2026."
    )


LINKS = Links(look_up="https://h/application", book="https://h/book/ready-documents")


@pytest.mark.parametrize(
    ("kind", "status", "reason", "body"),
    [
        (
            Kind.APP_ACCEPTED,
            S.ACCEPTED,
            "",
            "Заявление 261123-001 принято: Паспорт. Планируемая дата готовности 07.12.2026. "
            "Статус: https://h/application",
        ),
        (
            Kind.APP_SUSPENDED,
            S.SUSPENDED,
            "нужна справка о составе семьи",
            "Рассмотрение заявления 261123-001 приостановлено. "
            "Что нужно: нужна справка о составе семьи",
        ),
        # The reason erased (or replaced by a later change) before it was sent.
        (
            Kind.APP_SUSPENDED,
            S.SUSPENDED,
            "",
            "Рассмотрение заявления 261123-001 приостановлено. Подробности в Тестовый МФЦ.",
        ),
        (
            Kind.APP_READY,
            S.READY,
            "",
            "Документы по заявлению 261123-001 готовы: Паспорт. Получите их до 02.01.2027. "
            "Запись на выдачу: https://h/book/ready-documents",
        ),
        (
            Kind.APP_REFUSED,
            S.REFUSED,
            "{не тот} документ",
            "По заявлению 261123-001 отказано. Причина: {не тот} документ",
        ),
        (Kind.APP_CANCELLED, S.CANCELLED, "", "Заявление 261123-001 отменено."),
        (
            Kind.APP_MOVED,
            S.IN_WORK,
            "",
            "Планируемая дата готовности по заявлению 261123-001 перенесена на 07.12.2026.",
        ),
        (
            Kind.APP_REMINDER,
            S.READY,
            "",
            "Документы по заявлению 261123-001 ждут вас до 02.01.2027. "
            "Запись на выдачу: https://h/book/ready-documents",
        ),
    ],
)
def test_texts(branch: Branch, kind: Kind, status: S, reason: str, body: str) -> None:
    params = {
        "number": "261123-001",
        "service": "passport",
        "status": status.value,
        "planned": "2026-12-07",
        "collect_by": "2027-01-02" if status is S.READY else "",
        "early": False,
    }
    text = render_notice(
        kind, params, branch=branch, reason=reason, links=replace(LINKS, stop="https://h/stop/n1")
    )
    assert text.body == body + " Не присылать: ответьте СТОП или https://h/stop/n1"
    english = render_notice(kind, params, branch=branch, lang="en", reason=reason, links=LINKS)
    assert "261123-001" in english.body and english.subject


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("СТОП", Inbound(stop=True)),
        (" stop! ", Inbound(stop=True)),
        ("261123-017", Inbound(number="261123-017")),
        ("261123017", Inbound(number="261123-017")),
        ("статус 261123 017", Inbound(number="261123-017")),
        ("STATUS: 2611230170", Inbound(number="261123-0170")),
        ("Статус", Inbound()),
        ("спасибо", Inbound()),
        ("261123-01x", Inbound()),
    ],
)
def test_what_an_sms_reply_asks(text: str, asked: Inbound) -> None:
    assert read_reply(text) == asked


def test_an_opt_out_link_names_an_application_and_cannot_be_forged() -> None:
    signer = Signer(b"k" * 32)
    token = signer.stop_token(application="261123-017")
    assert signer.stopped_by(token) == ("n", "261123017")
    assert Signer(b"x" * 32).stopped_by(token) is None
    assert signer.stopped_by("n261123018-" + token.partition("-")[2]) is None


def _moscow(year: int, month: int, day: int, hour: int) -> int:
    return int(datetime(year, month, day, hour, tzinfo=MOSCOW).timestamp() * 1000)
