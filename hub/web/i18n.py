"""The pages' words in Russian (first) and English, and what each refusal tells a visitor.

The hub's own messages are English, for staff and logs; visitors read these, chosen by
the error's stable code (docs/appointments.md), each saying what to do next.
"""

from __future__ import annotations

from collections.abc import Mapping

from hub.web import application_words, catalogue_words, hall_words
from okno.dates import MONTHS_RU

LANGS = ("ru", "en")
MONTHS = {
    "ru": MONTHS_RU,
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

_RU: dict[str, str] = {
    "lang_other": "English",
    "home": "Главная",
    "book": "Записаться",
    "my_booking": "Моя запись",
    "status": "Очередь",
    "operator": "Колл-центр",
    "home_intro": (
        "Запишитесь на удобное время, найдите свою запись, узнайте, готовы ли документы, "
        "или проверьте очередь."
    ),
    "book_title": "Запись на приём",
    "book_pick_service": "Выберите услугу",
    "book_pick_day": "День",
    "book_pick_slot": "Время",
    "book_no_slots": "На этот день свободного времени нет.",
    "book_next_free": "Ближайшее свободное время",
    "book_contact": "Куда прислать код и напоминание (необязательно)",
    "phone": "Телефон",
    "email": "Эл. почта",
    "phone_placeholder": "+7 916 123-45-67",
    "book_submit": "Записаться",
    "free_seats": "мест: {n}",
    "booked_title": "Вы записаны",
    "moved_title": "Запись перенесена",
    "your_code": "Код записи",
    "code_keep": "Сохраните код: он нужен, чтобы отметиться, перенести или отменить запись.",
    "check_in_rule": (
        "Приходите {day} и отметьтесь по коду в терминале МФЦ с {opens} до {closes}: "
        "вы получите талон. Позже {closes} запись сгорает."
    ),
    "messages_to": "Сообщения придут на: {where}",
    "manage": "Перенести или отменить",
    "lookup_title": "Моя запись",
    "lookup_intro": "Введите код из сообщения или с квитанции: 6 знаков, например K7M4QX.",
    "code": "Код",
    "show": "Показать",
    "state_booked": "Запись действует",
    "state_checked_in": "Вы отметились, талон {ticket}",
    "state_cancelled": "Запись отменена",
    "state_no_show": "Время записи прошло",
    "when": "Когда",
    "service": "Услуга",
    "cancel": "Отменить запись",
    "cancel_confirm": "Отменить запись? Код перестанет действовать.",
    "cancelled_title": "Запись отменена",
    "cancelled_text": "Запись отменена, время освободилось. Код больше не действует.",
    "move_title": "Перенести на другое время",
    "move_pick_day": "Показать время на день",
    "move_submit": "Перенести",
    "book_again": "Записаться снова",
    "status_title": "Очередь в МФЦ сейчас",
    "status_updated": "Обновлено в {time}",
    "waiting": "Ждут",
    "expected_wait": "Ожидание",
    "no_open_desk": "уточняется",
    "about_min": "≈ {n} мин",
    "under_min": "меньше минуты",
    "now_calling": "Сейчас вызывают",
    "desk_n": "окно\u00a0{n}",
    "nobody_called": "Сейчас никого не вызывают.",
    "serving": "обслуживается",
    "called": "вызван",
    "nobody_waiting": "—",
    "ticket_title": "Талон {number}",
    "ticket_waiting": "Ожидайте вызова",
    "ticket_ahead": "Перед вами: {n}",
    "ticket_ahead_none": "Вы следующий",
    "ticket_wait": "Ожидание: около {n} мин",
    "ticket_wait_now": "Вас вызовут с минуты на минуту",
    "ticket_wait_unknown": "Ожидание: уточняется. Сейчас нет открытых окон для этой услуги.",
    "ticket_called": "Пройдите к окну\u00a0{desk}",
    "ticket_serving": "Вас обслуживают в окне\u00a0{desk}",
    "ticket_done": "Обслуживание завершено. Спасибо!",
    "ticket_no_show": "Вы не подошли по вызову. Возьмите новый талон в терминале.",
    "ticket_cancelled": "Талон отменён. Возьмите новый талон в терминале.",
    "ticket_refresh": "Страница обновляется сама.",
    "notify_title": "Сообщить, когда подойдёт очередь",
    "notify_submit": "Сообщить мне",
    "notify_on": "Сообщения включены: {where}",
    "notify_on_short": "Сообщения об этом талоне включены.",
    "notify_done": "Готово: пришлём сообщение, когда перед вами останется {n} чел., и при вызове.",
    "signin_title": "Вход для сотрудников",
    "operator_id": "Табельный номер (id)",
    "pin": "PIN-код",
    "signin": "Войти",
    "signout": "Выйти",
    "signed_in_as": "Вы вошли как {name}",
    "cc_title": "Запись по телефону",
    "cc_find": "Найти свободное время",
    "cc_after": "Не раньше",
    "cc_caller_phone": "Телефон звонящего",
    "cc_caller_name": "Имя (необязательно)",
    "cc_book": "Записать",
    "cc_booked": "Запись создана. Продиктуйте код:",
    "cc_find_bookings": "Записи по номеру телефона",
    "cc_found_none": "Предстоящих записей с этим номером нет.",
    "stop_title": "Отписаться от сообщений",
    "stop_text": "Больше не присылать сообщения на этот телефон и адрес?",
    "stop_submit": "Не присылать",
    "stop_done": "Готово: сообщений больше не будет.",
    "stop_bad": "Ссылка не подошла. Ответьте СТОП на SMS, чтобы сообщения прекратились.",
    "back": "Назад",
    "error_title": "Не получилось",
    "err_unknown_code": "Записи с таким кодом нет. Проверьте код в сообщении или на квитанции.",
    "err_bad_code": "Код — это 6 знаков: латинские буквы и цифры 2–9 (без 0, 1, I и O).",
    "err_code_used": "По этой записи уже отметились и получили талон: ожидайте вызова.",
    "err_code_cancelled": "Эта запись отменена, код больше не действует. Запишитесь снова.",
    "err_check_in_too_early": "Отмечаться ещё рано: приходите ко времени записи.",
    "err_check_in_too_late": (
        "Время записи прошло. Возьмите талон в терминале или запишитесь снова."
    ),
    "err_slot_full": "Это время уже заняли. Выберите другое.",
    "err_slot_unavailable": (
        "Это время недоступно: оно прошло или не входит в часы приёма. Выберите другое."
    ),
    "err_not_bookable": "На эту услугу записи нет: возьмите талон в терминале МФЦ.",
    "err_too_many_attempts": "Слишком много попыток. Подождите {wait} и попробуйте снова.",
    "err_unknown_ticket": (
        "Такого талона нет. Проверьте номер на талоне или отсканируйте QR-код ещё раз."
    ),
    "err_unknown_service": "Такой услуги нет. Выберите услугу из списка.",
    "err_time_out_of_range": "Такой даты в записи нет: выберите дату от сегодня до 2099 года.",
    "err_invalid_request": "Проверьте введённые данные.",
    "err_bad_phone": "Телефон не подходит для SMS: введите его как +7 916 123-45-67.",
    "err_bad_email": "Адрес почты не подходит: введите его как name@example.ru.",
    "err_no_contact": "Введите телефон или адрес почты: туда придёт сообщение.",
    "err_store_unavailable": (
        "Сервис временно недоступен, ничего не изменилось. Попробуйте через минуту."
    ),
    "err_branch_closed": "МФЦ сейчас закрыт.",
    "err_tickets_stopped": "Талоны на эту услугу сейчас не выдаются.",
    "err_refused": "Это сейчас сделать нельзя.",
    "err_csrf": "Форма устарела. Обновите страницу и отправьте её снова.",
    "err_not_found": "Такой страницы нет.",
    "err_sign_in": "Неверный id или PIN-код.",
    "err_no_pin": "PIN-код ещё не задан: попросите администратора задать его.",
    "err_pin_too_short": (
        "PIN-код короче 6 цифр больше не подходит: попросите администратора задать новый."
    ),
    "err_staff_only": (
        "Эта страница только для сотрудников колл-центра. Войдите со своей учётной записью."
    ),
    "err_internal": (
        "Что-то пошло не так. Попробуйте ещё раз; если не получится — обратитесь в МФЦ."
    ),
    "err_notifications_off": "Сообщения в этом МФЦ не настроены.",
    "rate_title": "Оцените обслуживание",
    "rate_lead": "Талон {number}, {service}, окно {desk}. Как вас обслужили?",
    "rate_1": "Очень плохо",
    "rate_2": "Плохо",
    "rate_3": "Удовлетворительно",
    "rate_4": "Хорошо",
    "rate_5": "Отлично",
    "rate_thanks": "Спасибо! Ваша оценка: {score} из 5.",
    "err_already_rated": "Спасибо, оценка этого посещения уже получена.",
    "err_rating_closed": "Оценить это посещение уже нельзя: прошло больше суток.",
    "err_not_ratable": "Оценить можно только завершённое обслуживание.",
    "err_bad_score": "Оценка — число от 1 до 5: нажмите одну из кнопок.",
}

_EN: dict[str, str] = {
    "lang_other": "Русский",
    "home": "Home",
    "book": "Book a visit",
    "my_booking": "My booking",
    "status": "Queue",
    "operator": "Call centre",
    "home_intro": (
        "Book a time that suits you, find your booking, see whether your documents are "
        "ready, or check the queue."
    ),
    "book_title": "Book a visit",
    "book_pick_service": "Choose a service",
    "book_pick_day": "Day",
    "book_pick_slot": "Time",
    "book_no_slots": "No free time on this day.",
    "book_next_free": "The next free time",
    "book_contact": "Where to send the code and a reminder (optional)",
    "phone": "Phone",
    "email": "E-mail",
    "phone_placeholder": "+7 916 123-45-67",
    "book_submit": "Book",
    "free_seats": "{n} free",
    "booked_title": "You are booked",
    "moved_title": "Booking moved",
    "your_code": "Booking code",
    "code_keep": "Keep the code: you need it to check in, move or cancel the booking.",
    "check_in_rule": (
        "Come on {day} and check in with the code at a kiosk of the centre from {opens} "
        "to {closes}: you get a ticket. After {closes} the booking lapses."
    ),
    "messages_to": "Messages go to: {where}",
    "manage": "Move or cancel",
    "lookup_title": "My booking",
    "lookup_intro": "Type the code from the message or the slip: 6 characters, like K7M4QX.",
    "code": "Code",
    "show": "Show",
    "state_booked": "The booking is valid",
    "state_checked_in": "Checked in, ticket {ticket}",
    "state_cancelled": "The booking is cancelled",
    "state_no_show": "The booking's time has passed",
    "when": "When",
    "service": "Service",
    "cancel": "Cancel the booking",
    "cancel_confirm": "Cancel the booking? The code stops working.",
    "cancelled_title": "Booking cancelled",
    "cancelled_text": (
        "The booking is cancelled and the time is free again. The code no longer works."
    ),
    "move_title": "Move to another time",
    "move_pick_day": "Show times on",
    "move_submit": "Move",
    "book_again": "Book again",
    "status_title": "The queue at the centre now",
    "status_updated": "Updated at {time}",
    "waiting": "Waiting",
    "expected_wait": "Wait",
    "no_open_desk": "not known yet",
    "about_min": "≈ {n} min",
    "under_min": "under a minute",
    "now_calling": "Now calling",
    "desk_n": "desk\u00a0{n}",
    "nobody_called": "Nobody is being called now.",
    "serving": "being served",
    "called": "called",
    "nobody_waiting": "—",
    "ticket_title": "Ticket {number}",
    "ticket_waiting": "Please wait to be called",
    "ticket_ahead": "People ahead of you: {n}",
    "ticket_ahead_none": "You are next",
    "ticket_wait": "Wait: about {n} min",
    "ticket_wait_now": "You will be called any minute",
    "ticket_wait_unknown": "Wait: not known yet. No desk for this service is open now.",
    "ticket_called": "Please go to desk\u00a0{desk}",
    "ticket_serving": "You are being served at desk\u00a0{desk}",
    "ticket_done": "Service finished. Thank you!",
    "ticket_no_show": "You did not come when called. Take a new ticket at a kiosk.",
    "ticket_cancelled": "The ticket was cancelled. Take a new ticket at a kiosk.",
    "ticket_refresh": "This page refreshes by itself.",
    "notify_title": "Tell me when my turn is near",
    "notify_submit": "Notify me",
    "notify_on": "Notifications are on: {where}",
    "notify_on_short": "Messages about this ticket are on.",
    "notify_done": "Done: we will message you when {n} people are ahead, and when you are called.",
    "signin_title": "Staff sign-in",
    "operator_id": "Staff id",
    "pin": "PIN",
    "signin": "Sign in",
    "signout": "Sign out",
    "signed_in_as": "Signed in as {name}",
    "cc_title": "Booking for a caller",
    "cc_find": "Find free times",
    "cc_after": "Not before",
    "cc_caller_phone": "Caller's phone",
    "cc_caller_name": "Name (optional)",
    "cc_book": "Book",
    "cc_booked": "Booked. Read out the code:",
    "cc_find_bookings": "Bookings by phone number",
    "cc_found_none": "No bookings to come with this number.",
    "stop_title": "Stop messages",
    "stop_text": "Stop sending messages to this phone and address?",
    "stop_submit": "Stop messages",
    "stop_done": "Done: no more messages.",
    "stop_bad": "This link did not work. Reply STOP to an SMS to stop the messages.",
    "back": "Back",
    "error_title": "That did not work",
    "err_unknown_code": "No booking has this code. Check the code in the message or on the slip.",
    "err_bad_code": "A code has 6 characters: Latin letters and digits 2-9 (no 0, 1, I or O).",
    "err_code_used": "This booking was checked in already and has its ticket: wait to be called.",
    "err_code_cancelled": "This booking was cancelled and its code no longer works. Book again.",
    "err_check_in_too_early": "Too early to check in: come at the booking's time.",
    "err_check_in_too_late": (
        "The booking's time has passed. Take a ticket at a kiosk or book again."
    ),
    "err_slot_full": "Someone has just taken this time. Choose another one.",
    "err_slot_unavailable": (
        "This time cannot be booked: it has passed or is outside the hours. Choose another."
    ),
    "err_not_bookable": "This service takes no bookings: take a ticket at a kiosk of the centre.",
    "err_too_many_attempts": "Too many tries. Wait {wait} and try again.",
    "err_unknown_ticket": (
        "There is no such ticket. Check the number on the ticket or scan its QR code again."
    ),
    "err_unknown_service": "There is no such service. Choose one from the list.",
    "err_time_out_of_range": "No booking has such a date: choose one from today to 2099.",
    "err_invalid_request": "Please check what you typed.",
    "err_bad_phone": "This phone number cannot get an SMS: type it like +7 916 123-45-67.",
    "err_bad_email": "This e-mail address will not work: type it like name@example.ru.",
    "err_no_contact": "Type a phone number or an e-mail address for the message.",
    "err_store_unavailable": (
        "The service is unavailable for a moment; nothing was changed. Try again in a minute."
    ),
    "err_branch_closed": "The centre is closed now.",
    "err_tickets_stopped": "Tickets for this service are not issued at this hour.",
    "err_refused": "This cannot be done now.",
    "err_csrf": "The form has expired. Reload the page and send it again.",
    "err_not_found": "There is no such page.",
    "err_sign_in": "Wrong id or PIN.",
    "err_no_pin": "No PIN is set for you yet: ask an administrator to set one.",
    "err_pin_too_short": (
        "A PIN shorter than 6 digits no longer signs in: ask an administrator to set a new one."
    ),
    "err_staff_only": "This page is for call-centre staff only. Sign in with your own account.",
    "err_internal": "Something went wrong. Try again; if it does not work, ask at the centre.",
    "err_notifications_off": "Messages are not set up at this centre.",
    "rate_title": "Rate your service",
    "rate_lead": "Ticket {number}, {service}, desk {desk}. How were you served?",
    "rate_1": "Very bad",
    "rate_2": "Bad",
    "rate_3": "Fair",
    "rate_4": "Good",
    "rate_5": "Excellent",
    "rate_thanks": "Thank you! Your rating: {score} of 5.",
    "err_already_rated": "Thank you, this visit has been rated already.",
    "err_rating_closed": "This visit can no longer be rated: more than a day has passed.",
    "err_not_ratable": "Only a finished service can be rated.",
    "err_bad_score": "A rating is a number from 1 to 5: press one of the buttons.",
}

TEXTS: Mapping[str, Mapping[str, str]] = {
    "ru": _RU | application_words.RU | catalogue_words.RU | hall_words.RU,
    "en": _EN | application_words.EN | catalogue_words.EN | hall_words.EN,
}


def text(lang: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (Russian if missing), with ``values`` filled in."""
    found = TEXTS.get(lang, TEXTS["ru"]).get(key) or TEXTS["ru"].get(key) or key
    return found.format(**values) if values else found
