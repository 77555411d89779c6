"""The words of the application pages (the visitor's look-up, the call centre's list), in
Russian and English; ``hub/web/i18n.py`` serves them with the other pages' words.

The statuses are named as the centres' information systems name them (принято ...
отменено), so that what the page says is what the applicant hears on the phone.
"""

from __future__ import annotations

RU: dict[str, str] = {
    "application": "Моё заявление",
    "application_nav": "Заявление",
    "app_word": "Заявление",
    "app_lookup_title": "Статус заявления",
    "app_lookup_intro": (
        "Введите номер заявления с расписки и телефон, который вы оставили в МФЦ: "
        "покажем, как идёт рассмотрение."
    ),
    "app_number": "Номер заявления",
    "app_title": "Заявление {number}",
    "app_state": "Статус",
    "app_authority": "Ведомство",
    "app_planned": "Плановая дата готовности",
    "app_needed": "Что нужно",
    "app_refused_why": "Причина отказа",
    "app_early": "Это раньше плановой даты.",
    "app_collect_by": "Заберите документы до {day} включительно: потом их вернут в ведомство.",
    "app_collect_book": "Записаться на выдачу документов",
    "app_collect_bring": "Возьмите паспорт и расписку.",
    "app_accepted_text": "Заявление принято и передано в ведомство.",
    "app_in_work_text": "Ведомство рассматривает заявление.",
    "app_suspended_text": (
        "Рассмотрение приостановлено: принесите в МФЦ то, что нужно, и оно продолжится."
    ),
    "app_ready_text": "Документы готовы: их можно забрать в МФЦ.",
    "app_issued_text": "Документы выданы.",
    "app_refused_text": "В предоставлении услуги отказано.",
    "app_cancelled_text": "Заявление отменено.",
    "app_another": "Проверить другое заявление",
    "app_status_accepted": "Принято",
    "app_status_in_work": "В работе",
    "app_status_suspended": "Приостановлено",
    "app_status_ready": "Готово к выдаче",
    "app_status_issued": "Выдано",
    "app_status_refused": "Отказано",
    "app_status_cancelled": "Отменено",
    "err_unknown_application": (
        "Заявления с таким номером и телефоном нет. Проверьте номер на расписке и введите "
        "телефон, который вы оставили в МФЦ."
    ),
    "err_application_number": "Номер заявления — 9 или 10 цифр, как на расписке: 261207-017.",
    "cc_apps": "Заявления",
    "cc_apps_title": "Заявления: статус и обзвон",
    "cc_apps_find": "Найти заявление",
    "cc_apps_phone": "Телефон заявителя",
    "cc_apps_no_phone": "телефон не оставлен",
    "cc_apps_changed": "Изменено",
    "cc_apps_ready_title": "Готовы к выдаче: позвонить",
    "cc_apps_ready_intro": "Сначала те, что ждут дольше.",
    "cc_apps_ready_none": "Готовых к выдаче заявлений нет.",
    "cc_apps_ready_since": "Готово с",
    "cc_apps_collect_by": "Забрать до",
    "cc_apps_more": "Показаны первые {n}: выдайте или отмените их, чтобы увидеть следующие.",
    "cc_apps_set": "Изменить статус",
    "cc_apps_new_status": "Новый статус",
    "cc_apps_reason": "Что нужно или причина отказа (для «Приостановлено» и «Отказано»)",
    "cc_apps_planned": "Новая плановая дата (необязательно)",
    "cc_apps_save": "Сохранить",
    "cc_apps_saved": "Сохранено: «{status}».",
    "cc_apps_ended": "Заявление завершено: его статус больше не меняется.",
    "cc_apps_nothing": "ничего, заявление завершено",
    "cc_apps_view_only": "Статус меняют операторы и администраторы.",
    "err_no_such_application": "Заявления с таким номером в этом МФЦ нет. Проверьте номер.",
    "err_not_allowed": (
        "Заявление сейчас «{now}»: поставить «{asked}» нельзя. Можно: {allowed}. "
        "Ничего не изменилось."
    ),
    "err_reason_needed": "Напишите, что нужно или почему отказано: заявителю сообщат это.",
    "err_bad_planned_date": (
        "Плановая дата — сегодня или позже, не дальше чем через год. Ничего не изменилось."
    ),
    "err_application_unchanged": "Выберите другой статус или новую плановую дату.",
}

EN: dict[str, str] = {
    "application": "My application",
    "application_nav": "Application",
    "app_word": "Application",
    "app_lookup_title": "Application status",
    "app_lookup_intro": (
        "Type the application number from your receipt and the phone you gave at the centre: "
        "we will show how it is going."
    ),
    "app_number": "Application number",
    "app_title": "Application {number}",
    "app_state": "Status",
    "app_authority": "Authority",
    "app_planned": "Planned ready date",
    "app_needed": "What is needed",
    "app_refused_why": "Why it was refused",
    "app_early": "That is earlier than planned.",
    "app_collect_by": (
        "Collect the documents by {day}, that day included: then they go back to the authority."
    ),
    "app_collect_book": "Book a time to collect the documents",
    "app_collect_bring": "Bring your passport and the receipt.",
    "app_accepted_text": "The application is accepted and sent to the authority.",
    "app_in_work_text": "The authority is working on the application.",
    "app_suspended_text": (
        "The work is suspended: bring what is needed to the centre and it will go on."
    ),
    "app_ready_text": "The documents are ready to collect at the centre.",
    "app_issued_text": "The documents have been issued.",
    "app_refused_text": "The service was refused.",
    "app_cancelled_text": "The application was cancelled.",
    "app_another": "Check another application",
    "app_status_accepted": "Accepted",
    "app_status_in_work": "In progress",
    "app_status_suspended": "Suspended",
    "app_status_ready": "Ready to collect",
    "app_status_issued": "Issued",
    "app_status_refused": "Refused",
    "app_status_cancelled": "Cancelled",
    "err_unknown_application": (
        "No application has this number and phone. Check the number on your receipt and type "
        "the phone you gave at the centre."
    ),
    "err_application_number": (
        "An application number has 9 or 10 digits, as on the receipt: 261207-017."
    ),
    "cc_apps": "Applications",
    "cc_apps_title": "Applications: status and calls",
    "cc_apps_find": "Find an application",
    "cc_apps_phone": "Applicant's phone",
    "cc_apps_no_phone": "no phone given",
    "cc_apps_changed": "Changed",
    "cc_apps_ready_title": "Ready: to phone",
    "cc_apps_ready_intro": "Those waiting longest first.",
    "cc_apps_ready_none": "No application is ready to collect.",
    "cc_apps_ready_since": "Ready since",
    "cc_apps_collect_by": "Collect by",
    "cc_apps_more": "The first {n} are shown: issue or cancel them to see the next.",
    "cc_apps_set": "Change the status",
    "cc_apps_new_status": "New status",
    "cc_apps_reason": "What is needed, or why it is refused (for Suspended and Refused)",
    "cc_apps_planned": "New planned date (optional)",
    "cc_apps_save": "Save",
    "cc_apps_saved": "Saved: {status}.",
    "cc_apps_ended": "The application has ended: its status no longer changes.",
    "cc_apps_nothing": "nothing, it has ended",
    "cc_apps_view_only": "Operators and administrators change the status.",
    "err_no_such_application": "There is no application with this number here. Check it.",
    "err_not_allowed": (
        "The application is {now}: it cannot become {asked}. It may become: {allowed}. "
        "Nothing was changed."
    ),
    "err_reason_needed": "Write what is needed or why it is refused: the applicant is told.",
    "err_bad_planned_date": (
        "The planned date is today or later, within a year. Nothing was changed."
    ),
    "err_application_unchanged": "Choose another status or a new planned date.",
}
