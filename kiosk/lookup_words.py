"""The words of the application status screen, Russian and English; texts.py and speech.py
take them into the kiosk's words and prompts. Pure data.

Statuses are worded as the centres' systems name them (принято, в работе...), so the
visitor reads at the kiosk what the SMS and the operator say.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "status": "Статус заявления",
        "status_sub": "готовы ли документы",
        "lookup_number_title": "Номер заявления",
        "lookup_number_hint": "Цифры с расписки, которую вам дали в окне, например 261207-017",
        "lookup_phone_title": "Телефон, оставленный в МФЦ",
        "lookup_phone_hint": "Тот номер, на который приходят СМС о заявлении",
        "lookup_find": "Найти",
        "lookup_by_card": "По карте",
        "lookup_by_card_sub": "вставьте карту в считыватель",
        "lookup_insert_card": "Вставьте карту в считыватель и нажмите ещё раз",
        "lookup_no_card_apps": "По этой карте заявлений не найдено. Введите номер заявления",
        "lookup_wrong": "Заявление с таким номером и телефоном не найдено. Проверьте номер "
        "на расписке и телефон, который вы оставили в МФЦ",
        "lookup_wait": "Слишком много неверных попыток. Подождите {minutes} мин. "
        "и попробуйте снова или обратитесь к консультанту",
        "lookup_wait_later": "Слишком много неверных попыток. Попробуйте позже "
        "или обратитесь к консультанту",
        "lookup_found_title": "Заявление № {number}",
        "lookup_authority": "Готовит",
        "lookup_planned": "Плановая дата готовности",
        "lookup_collect_by": "Получить до",
        "lookup_why_suspended": "Что нужно",
        "lookup_why": "Причина",
        "lookup_collect": "Записаться на получение",
        "lookup_collect_sub": "выбрать день и время",
        "lookup_done": "Готово",
        "app_accepted": "Принято",
        "app_in_work": "В работе",
        "app_suspended": "Приостановлено",
        "app_ready": "Готово к выдаче",
        "app_issued": "Выдано",
        "app_refused": "Отказано",
        "app_cancelled": "Отменено",
    },
    "en": {
        "status": "Application status",
        "status_sub": "are my documents ready",
        "lookup_number_title": "Application number",
        "lookup_number_hint": "The digits on the receipt you got at the desk, like 261207-017",
        "lookup_phone_title": "The phone you left at the centre",
        "lookup_phone_hint": "The number the SMS about the application come to",
        "lookup_find": "Find",
        "lookup_by_card": "By card",
        "lookup_by_card_sub": "insert your card into the reader",
        "lookup_insert_card": "Insert your card into the reader and tap again",
        "lookup_no_card_apps": "No applications were made with this card. Enter the number",
        "lookup_wrong": "No application has this number and phone. Check the number on "
        "the receipt and the phone you left at the centre",
        "lookup_wait": "Too many wrong tries. Wait {minutes} min and try again, "
        "or ask the consultant",
        "lookup_wait_later": "Too many wrong tries. Try again later, or ask the consultant",
        "lookup_found_title": "Application No. {number}",
        "lookup_authority": "Prepared by",
        "lookup_planned": "Planned ready date",
        "lookup_collect_by": "Collect by",
        "lookup_why_suspended": "What is needed",
        "lookup_why": "Reason",
        "lookup_collect": "Book a time to collect",
        "lookup_collect_sub": "choose a day and time",
        "lookup_done": "Done",
        "app_accepted": "Accepted",
        "app_in_work": "In progress",
        "app_suspended": "Suspended",
        "app_ready": "Ready to collect",
        "app_issued": "Issued",
        "app_refused": "Refused",
        "app_cancelled": "Cancelled",
    },
}

PROMPTS: dict[str, dict[str, str]] = {
    "ru": {
        "lookup_number": "Введите номер заявления с расписки.",
        "lookup_number_card": (
            "Введите номер заявления с расписки. Или вставьте карту, если вы оставили СНИЛС."
        ),
        "lookup_phone": "Введите телефон, который вы оставили в МФЦ.",
        "lookup_found": "Статус заявления: {status}.",
    },
    "en": {
        "lookup_number": "Enter the application number from your receipt.",
        "lookup_number_card": (
            "Enter the application number from your receipt. Or insert your card, if you "
            "gave your SNILS."
        ),
        "lookup_phone": "Enter the phone you left at the centre.",
        "lookup_found": "Application status: {status}.",
    },
}
