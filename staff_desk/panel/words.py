"""Every word the operator panel shows, in Russian (first) and English. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("ru", "en")

_WORDS: Mapping[str, Mapping[str, str]] = {
    "ru": {
        "title": "Рабочее место оператора",
        "sign_in": "Вход",
        "operator": "Логин сотрудника",
        "pin": "PIN-код",
        "pin_hint": "6–12 цифр",
        "enter": "Войти",
        "sign_out": "Выйти",
        "choose_desk": "Выберите окно",
        "no_desks": "Вам не назначено ни одно окно: обратитесь к администратору",
        "desk": "Окно",
        "free": "свободно",
        "held_by": "занято: {name}",
        "yours": "ваше",
        "open": "Открыто",
        "paused": "Перерыв",
        "closed": "Закрыто",
        "call_next": "Вызвать следующего",
        "recall": "Повторить вызов",
        "start": "Начать приём",
        "finish": "Завершить приём",
        "no_show": "Не явился",
        "transfer": "Перевести…",
        "take_break": "Перерыв",
        "resume": "Продолжить работу",
        "close_desk": "Закрыть окно",
        "hall": "Зал",
        "back_to_desk": "К окну",
        "choose_another": "Выбрать окно",
        "current": "Текущий посетитель",
        "nobody": "Нет посетителя — вызовите следующего",
        "called": "Вызван",
        "serving": "Приём",
        "recalls": "повторных вызовов: {n}",
        "fee_paid": "пошлина оплачена, платёж № {id}",
        "queue": "Очередь окна",
        "queue_empty": "Очередь пуста",
        "call_this": "Вызвать",
        "to_desk": "в окно",
        "today": "Сегодня",
        "served": "обслужено",
        "average": "среднее время",
        "no_shows": "не явились",
        "transferred": "переведено",
        "transfer_title": "Перевести талон {ticket}",
        "to_service": "На услугу",
        "to_desk_title": "В окно",
        "comment": "Комментарий для сотрудников (необязательно, без персональных данных)",
        "do_transfer": "Перевести",
        "no_open_desk": "нет открытых окон",
        "desk_not_open": "окно не открыто",
        "transfer_unserved": (
            "Сейчас ни одно открытое окно не вызовет этого посетителя: он будет ждать, "
            "пока такое окно не откроют. Предупредите администратора зала"
        ),
        "transferred_unserved": (
            "Талон {ticket} переведён, но открытого окна для него нет: "
            "предупредите администратора зала"
        ),
        "unserved": "ждут, а открытых окон нет",
        "more_below": "ещё ниже ▼",
        "cancel": "Отмена",
        "break_title": "Перерыв",
        "break_hint": "Окно не вызывает посетителей, пока вы не продолжите работу",
        "lost": "Нет связи с сервером — действия недоступны",
        "lost_hint": "Повторяем подключение…",
        "connecting": "Подключение к серверу…",
        "hall_title": "Зал",
        "longest": "Дольше всех ждут",
        "target": "норма {m}",
        "over": "сверх нормы",
        "services": "Очередь по услугам",
        "service": "Услуга",
        "waiting": "Ждут",
        "longest_short": "Дольше всех",
        "desks": "Окна",
        "state": "Состояние",
        "who": "Сотрудник",
        "ticket": "Талон",
        "open_for": "Открыть для",
        "do_open": "Открыть",
        "do_close": "Закрыть",
        "signed_in": "в системе",
        "min": "{m} мин",
        "hour_min": "{h} ч {m:02d} мин",
        "session_ended": "Сеанс завершён: войдите снова",
        "called_nobody": "В очереди никого нет",
        "signed_out": "Вы вышли из системы",
        "maybe_done": "Сервер не ответил вовремя: проверьте очередь, прежде чем повторять",
        "apply": "Оформить заявление",
        "visit_done": "Приём {ticket} завершён · {service}",
        "applications_recorded": "Заявления: {numbers}",
        "application_title": "Заявление посетителя {ticket}",
        "application_service": "Услуга",
        "processing": "{days} раб. дн.",
        "consent": "Заявитель согласен на хранение контактов",
        "phone_label": "Телефон",
        "email_label": "E-mail",
        "snils_label": "СНИЛС (по желанию: поиск заявления по карте)",
        "notices": "Уведомления о статусе",
        "sms": "SMS",
        "mail": "E-mail",
        "do_accept": "Оформить",
        "accepted_title": "Заявление принято",
        "planned": "Плановая дата готовности",
        "authority": "Ведомство",
        "accepted_at": "Принято",
        "notice_sms": "SMS на {phone}",
        "notice_mail": "e-mail",
        "notice_none": "нет: контакты не оставлены",
        "receipt_queued": "Расписка печатается на принтере {printer}",
        "receipt_failed": (
            "Расписка не напечатана: проверьте принтер и нажмите «Напечатать ещё раз»"
        ),
        "no_printer": "У окна нет принтера для расписок: продиктуйте заявителю номер заявления",
        "print_again": "Напечатать ещё раз",
        "another": "Ещё заявление",
        "done": "Готово",
        "unreachable": "Нет ответа от сервера: действие не выполнено",
        # The hub's refusals by their stable code; others are shown as the hub says them.
        "error_wrong_pin": "Неверный сотрудник или PIN-код: попробуйте ещё раз",
        "error_too_many_attempts": (
            "Слишком много неверных PIN-кодов: вход закрыт на 15 минут, обратитесь к администратору"
        ),
        "error_no_pin": "Вам ещё не задан PIN-код: обратитесь к администратору",
        "error_pin_too_short": (
            "PIN-код короче 6 цифр больше не подходит: попросите администратора задать новый"
        ),
        "error_not_your_desk": (
            "Это окно не ваше: работайте в своём окне или обратитесь к администратору"
        ),
        "error_role_required": "Недостаточно прав для этого действия: обратитесь к администратору",
        "error_desk_busy": (
            "У окна уже есть посетитель: завершите приём, переведите его или отметьте неявку"
        ),
        "error_desk_not_open": "Окно закрыто: откройте его, чтобы вызывать посетителей",
        "error_no_current_ticket": "У окна нет посетителя: сначала вызовите его",
        "error_recall_limit_reached": (
            "Повторных вызовов больше не будет: начните приём или отметьте неявку"
        ),
        "error_illegal_transition": "Сейчас это действие для талона невозможно",
        "error_not_served_here": (
            "Окно не обслуживает услугу этого талона: сначала переведите талон в это окно"
        ),
        "error_no_consent": (
            "Заявитель не дал согласия: отметьте согласие или уберите телефон, e-mail и СНИЛС"
        ),
        "error_notice_needs_contact": (
            "Для уведомлений по SMS нужен телефон, по e-mail нужен адрес: введите его или "
            "снимите отметку"
        ),
        "error_bad_phone": "Телефон не подходит для SMS: введите его как +7 916 123-45-67",
        "error_bad_email": "E-mail введён с ошибкой: введите его как name@example.ru",
        "error_bad_snils": "СНИЛС с ошибкой: проверьте 11 цифр, как на карточке СНИЛС",
        "error_not_document_service": "По этой услуге заявление не оформляется",
    },
    "en": {
        "title": "Operator desk",
        "sign_in": "Sign in",
        "operator": "Staff login",
        "pin": "PIN",
        "pin_hint": "6–12 digits",
        "enter": "Sign in",
        "sign_out": "Sign out",
        "choose_desk": "Choose your desk",
        "no_desks": "No desk is assigned to you: ask an administrator",
        "desk": "Desk",
        "free": "free",
        "held_by": "held by {name}",
        "yours": "yours",
        "open": "Open",
        "paused": "Break",
        "closed": "Closed",
        "call_next": "Call next",
        "recall": "Call again",
        "start": "Start service",
        "finish": "Finish service",
        "no_show": "No-show",
        "transfer": "Transfer…",
        "take_break": "Break",
        "resume": "Back to work",
        "close_desk": "Close desk",
        "hall": "Hall",
        "back_to_desk": "My desk",
        "choose_another": "Choose a desk",
        "current": "Current visitor",
        "nobody": "Nobody at the desk — call the next visitor",
        "called": "Called",
        "serving": "Serving",
        "recalls": "called again: {n}",
        "fee_paid": "fee paid, payment no. {id}",
        "queue": "Queue of this desk",
        "queue_empty": "Nobody waiting",
        "call_this": "Call",
        "to_desk": "for desk",
        "today": "Today",
        "served": "served",
        "average": "average time",
        "no_shows": "no-shows",
        "transferred": "transferred",
        "transfer_title": "Transfer ticket {ticket}",
        "to_service": "To a service",
        "to_desk_title": "To a desk",
        "comment": "Comment for staff (optional, no personal data)",
        "do_transfer": "Transfer",
        "no_open_desk": "no open desk",
        "desk_not_open": "desk not open",
        "transfer_unserved": (
            "No open desk will call this visitor now: they wait until such a desk opens. "
            "Tell the hall administrator"
        ),
        "transferred_unserved": (
            "Ticket {ticket} was transferred, but no open desk can call it: "
            "tell the hall administrator"
        ),
        "unserved": "waiting, no open desk",
        "more_below": "more below ▼",
        "cancel": "Cancel",
        "break_title": "Break",
        "break_hint": "The desk calls nobody until you are back",
        "lost": "No connection to the server — actions unavailable",
        "lost_hint": "Reconnecting…",
        "connecting": "Connecting to the server…",
        "hall_title": "Hall",
        "longest": "Longest wait",
        "target": "target {m}",
        "over": "over target",
        "services": "Queue by service",
        "service": "Service",
        "waiting": "Waiting",
        "longest_short": "Longest",
        "desks": "Desks",
        "state": "State",
        "who": "Staff",
        "ticket": "Ticket",
        "open_for": "Open for",
        "do_open": "Open",
        "do_close": "Close",
        "signed_in": "signed in",
        "min": "{m} min",
        "hour_min": "{h} h {m:02d} min",
        "session_ended": "Your session has ended: sign in again",
        "called_nobody": "Nobody is waiting",
        "signed_out": "You have signed out",
        "maybe_done": "The hub did not answer in time: look at the queue before repeating",
        "apply": "Record an application",
        "visit_done": "Visit {ticket} finished · {service}",
        "applications_recorded": "Applications: {numbers}",
        "application_title": "Application of visitor {ticket}",
        "application_service": "Service",
        "processing": "{days} working days",
        "consent": "The applicant agrees to keep their contacts",
        "phone_label": "Phone",
        "email_label": "E-mail",
        "snils_label": "SNILS (optional: look-up by card)",
        "notices": "Status notices",
        "sms": "SMS",
        "mail": "E-mail",
        "do_accept": "Record",
        "accepted_title": "Application recorded",
        "planned": "Planned ready date",
        "authority": "Authority",
        "accepted_at": "Accepted",
        "notice_sms": "SMS to {phone}",
        "notice_mail": "e-mail",
        "notice_none": "none: no contact left",
        "receipt_queued": "The receipt is printing on {printer}",
        "receipt_failed": "The receipt was not printed: check the printer and press Print again",
        "no_printer": "No receipt printer at this desk: tell the applicant the number",
        "print_again": "Print again",
        "another": "Another application",
        "done": "Done",
        "unreachable": "No answer from the hub: nothing was done",
    },
}


def words(language: str) -> dict[str, str]:
    """The panel's words in ``language`` ("ru" or "en"); ValueError for another."""
    if language not in _WORDS:
        raise ValueError(f"the panel speaks {' or '.join(LANGUAGES)}, not {language!r}")
    return dict(_WORDS[language])


def duration(ms: int, language: str) -> str:
    """A wait or a service time as the panel shows it: "7 мин", "1 ч 05 мин"."""
    minutes = max(0, ms) // 60_000
    table = _WORDS[language]
    if minutes < 60:
        return table["min"].format(m=minutes)
    return table["hour_min"].format(h=minutes // 60, m=minutes % 60)
