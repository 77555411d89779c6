"""The words of the hall administrator's page (a priority ticket for a visitor who cannot
use the kiosk), in Russian and English; ``hub/web/i18n.py`` serves them with the rest."""

from __future__ import annotations

RU: dict[str, str] = {
    "hall_title": "Зал: льготный талон",
    "hall_intro": (
        "Для посетителя, который не может взять талон в терминале: проверьте документ, "
        "выберите услугу и льготную категорию. Талон будет вызван впереди обычных, "
        "льгота подтверждена вами."
    ),
    "hall_category": "Льготная категория",
    "hall_document": "Документ",
    "hall_issue": "Выдать талон",
    "hall_issued": "Талон выдан. Назовите посетителю номер:",
    "hall_waiting": "Ждут льготные талоны",
    "hall_claimed": "льгота не подтверждена",
    "hall_confirmed": "льгота подтверждена",
    "hall_none": "Льготных талонов в очереди нет.",
    "err_hall_administrators": (
        "Эта страница — для администратора зала. Войдите под своей учётной записью."
    ),
    "err_hall_category": "Выберите льготную категорию из списка.",
}

EN: dict[str, str] = {
    "hall_title": "Hall: priority ticket",
    "hall_intro": (
        "For a visitor who cannot take a ticket at the kiosk: check the document, choose the "
        "service and the priority category. The ticket is called ahead of regular ones, its "
        "priority confirmed by you."
    ),
    "hall_category": "Priority category",
    "hall_document": "Document",
    "hall_issue": "Issue the ticket",
    "hall_issued": "Ticket issued. Tell the visitor the number:",
    "hall_waiting": "Priority tickets waiting",
    "hall_claimed": "priority not confirmed",
    "hall_confirmed": "priority confirmed",
    "hall_none": "No priority tickets wait.",
    "err_hall_administrators": (
        "This page is for the hall administrator. Sign in with your own account."
    ),
    "err_hall_category": "Choose a priority category from the list.",
}
