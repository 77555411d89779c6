"""A small branch for the engine's tests: three services, three desks, two categories."""

from __future__ import annotations

from typing import Any

import pytest

from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine

# 2026-11-23 was a Monday; 10:00 in Moscow.
MONDAY_10_00 = 1_795_417_200_000
MINUTE = 60_000


def make_branch(**overrides: Any) -> Branch:
    data: dict[str, Any] = {
        "id": "test",
        "name": "Тестовый МФЦ",
        "timezone": "Europe/Moscow",
        "max_recalls": 2,
        "hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-20:00")
        | {"sat": "10:00-17:00", "sun": "closed"},
        "services": [
            {"id": "passport", "prefix": "А", "name_ru": "Паспорт", "name_en": "Passport"},
            {
                "id": "snils",
                "prefix": "Б",
                "name_ru": "СНИЛС",
                "name_en": "SNILS",
                "average_service_min": 5,
            },
            {
                "id": "property",
                "prefix": "В",
                "name_ru": "Недвижимость",
                "name_en": "Property",
                "last_ticket_before_close_min": 60,
            },
        ],
        "desks": [
            {"id": "d1", "number": 1, "services": {"passport": 1.0, "snils": 1.0}},
            {"id": "d2", "number": 2, "services": {"passport": 3.0, "property": 1.0}},
            {"id": "d3", "number": 3, "services": {"property": 1.0}},
        ],
        "priorities": [
            {"id": "disabled", "name_ru": "Инвалиды", "name_en": "Disabled", "ratio": 2},
            {"id": "appointment", "name_ru": "Запись", "name_en": "Appointment", "ratio": 3},
        ],
        "operators": [{"id": "ivanova", "name": "Анна Иванова"}],
    }
    data.update(overrides)
    return Branch.model_validate(data)


@pytest.fixture
def branch() -> Branch:
    return make_branch()


@pytest.fixture
def engine(branch: Branch) -> QueueEngine:
    return QueueEngine(branch, MONDAY_10_00)
