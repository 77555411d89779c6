"""The branch file: the example loads, and every mistake is reported at the line to fix."""

from __future__ import annotations

import hashlib
from datetime import time
from pathlib import Path

import pytest

from hub.config import load_branch, locate
from hub.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "examples" / "branch.toml"

VALID = """\
id = "test"
name = "Test branch"
timezone = "Europe/Moscow"

[hours]
mon = "08:00-20:00"
sat = "10:00-17:00"

[[services]]
id = "passport"
prefix = "А"
name_ru = "Паспорт"
name_en = "Passport"

[[services]]
id = "snils"
prefix = "Б"
name_ru = "СНИЛС"
name_en = "SNILS"

[[desks]]
id = "desk-01"
number = 1
services = { passport = 1.0 }

[[desks]]
id = "desk-02"
number = 2
services = { passport = 1.0, snils = 1.0 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "branch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_loads() -> None:
    branch = load_branch(EXAMPLE).branch

    assert branch.id == "khamovniki"
    assert len(branch.services) == 13
    duty = branch.service("state-duty")
    assert duty is not None
    assert (duty.fee_kopecks, duty.fee_purpose) == (50000, "Госпошлина за выдачу выписки")
    assert [d.number for d in branch.desks] == list(range(1, 21))
    monday, saturday, sunday = (branch.opening_hours(day) for day in (0, 5, 6))
    assert monday is not None
    assert (monday.opens, monday.closes) == (time(8), time(20))
    assert saturday is not None
    assert (saturday.opens, saturday.closes) == (time(10), time(17))
    assert sunday is None


def test_valid_file_loads(tmp_path: Path) -> None:
    branch = load_branch(write(tmp_path, VALID)).branch

    desk = branch.desk("desk-02")
    assert desk is not None
    assert desk.services == {"passport": 1.0, "snils": 1.0}


# Each mistake replaces a line of VALID; the replacement is marked "# here", the line to report.
@pytest.mark.parametrize(
    ("line", "mistake", "reason"),
    [
        pytest.param(
            'name = "Test branch"',
            'name = "Test branch" "again"  # here',
            "Expected newline or end of document after a statement (column 22)",
            id="toml-syntax",
        ),
        pytest.param(
            "services = { passport = 1.0, snils = 1.0 }",
            "services = { passport = 1.0, snls = 1.0 }  # here",
            '[[desks]] #2 (id "desk-02"), key "services.snls": desk "desk-02" serves "snls"',
            id="unknown-service-at-desk",
        ),
        pytest.param(
            'prefix = "Б"',
            'prefix = "А"  # here',
            '[[services]] #2 (id "snils"), key "prefix": prefix "А" is used twice',
            id="duplicate-prefix",
        ),
        pytest.param(
            'prefix = "Б"',
            'prefix = "P"  # here',
            '[[services]] #2 (id "snils"), key "prefix": service "snils": prefix "P" has the '
            'Latin letter "P", which the board shows like the Cyrillic "Р" and the voice reads '
            'differently: type the Cyrillic "Р" instead',
            id="latin-prefix-that-looks-cyrillic",
        ),
        pytest.param(
            'prefix = "А"',
            'prefix = "ДM"  # here',
            'service "passport": prefix "ДM" has the Latin letter "M", which the board shows '
            'like the Cyrillic "М"',
            id="latin-letter-in-a-two-letter-prefix",
        ),
        pytest.param(
            'timezone = "Europe/Moscow"',
            'timezone = "Moscow"  # here',
            'key "timezone": unknown time zone "Moscow" (use e.g. "Europe/Moscow")',
            id="unknown-time-zone",
        ),
        pytest.param(
            "number = 2",
            'number = "five"  # here',
            '[[desks]] #2 (id "desk-02"), key "number": Input should be a valid integer',
            id="text-for-number",
        ),
        pytest.param(
            'sat = "10:00-17:00"',
            'sat = "17:00-10:00"  # here',
            '[hours], key "sat": hours "17:00-10:00" close before they open',
            id="hours-backwards",
        ),
        pytest.param(
            "services = { passport = 1.0 }",
            "services = { passport = 0 }  # here",
            'key "services": weight of service "passport" must be above 0, not 0.0',
            id="zero-weight",
        ),
        pytest.param(
            "services = { passport = 1.0 }",
            "services = { Passport = 1.0, SNILS = 1.0 }  # here",
            'key "services.Passport": String should match pattern',
            id="bad-ids",
        ),
    ],
)
def test_mistake_is_reported_at_its_line(
    tmp_path: Path, line: str, mistake: str, reason: str
) -> None:
    assert VALID.count(line + "\n") == 1, "the mistake must replace exactly one line"
    text = VALID.replace(line + "\n", mistake + "\n")
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_branch(path)

    assert raised.value.line == text.split("\n").index(mistake) + 1
    assert reason in raised.value.reason
    assert raised.value.path == str(path)


def test_first_problem_is_reported_and_the_rest_counted(tmp_path: Path) -> None:
    text = VALID.replace("number = 1\n", 'number = "one"\n').replace(
        "number = 2\n", 'number = "two"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, text))

    assert raised.value.line == text.split("\n").index('number = "one"') + 1
    assert raised.value.reason.endswith("(and 1 more problem)")


@pytest.mark.parametrize(
    ("fee", "line", "reason"),
    [
        pytest.param(
            'fee_kopecks = -500\nfee_purpose = "Госпошлина"',
            "fee_kopecks = -500",
            ', key "fee_kopecks": fee must be 0 (free) or a positive number of kopecks, not -500',
            id="negative",
        ),
        pytest.param(
            'fee_kopecks = 1000000001\nfee_purpose = "Госпошлина"',
            "fee_kopecks = 1000000001",
            ', key "fee_kopecks": fee must be at most 1000000000 kopecks (10,000,000 ₽), not '
            "1000000001",
            id="above-the-payment-bound",
        ),
        pytest.param(
            "fee_kopecks = 500",
            'id = "snils"',
            ": fee_kopecks is 500: a paid service needs fee_purpose",
            id="without-purpose",
        ),
    ],
)
def test_fee_mistake_is_reported(tmp_path: Path, fee: str, line: str, reason: str) -> None:
    """The line of the fee, or the service's [[services]] header when no key is to blame."""
    text = VALID.replace('name_en = "SNILS"\n', f'name_en = "SNILS"\n{fee}\n')
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, text))

    # Lines count from 1: the line itself, or for the id the [[services]] header above it.
    index = text.split("\n").index(line)
    assert raised.value.line == (index if line == 'id = "snils"' else index + 1)
    assert raised.value.reason.startswith(f'[[services]] #2 (id "snils"){reason}')


def test_missing_key_points_at_its_table(tmp_path: Path) -> None:
    text = VALID.replace('name_en = "SNILS"\n', "")
    with pytest.raises(ConfigError) as raised:
        load_branch(write(tmp_path, text))

    assert raised.value.line == text.split("\n").index('id = "snils"')  # the [[services]] header
    assert '[[services]] #2 (id "snils"), key "name_en": Field required' in raised.value.reason


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_branch(tmp_path / "nowhere.toml")

    assert "no such file" in raised.value.reason
    assert "--config" in raised.value.reason
    assert raised.value.line is None


def test_digest_follows_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    digest = load_branch(path).digest
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()[:16]

    write(tmp_path, VALID.replace("Test branch", "Other branch"))
    assert load_branch(path).digest != digest


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("id",), 1),
        (("b", "c"), 2),
        (("hours", "sat"), 5),
        (("hours", "sun"), 3),
        (("desks", 0, "number"), 7),
        (("desks", 0, "services", "egrn"), 8),
        (("desks", 1, "services", "snils"), 10),
        (("desks", 1, "number"), 9),
        (("desks", 2, "number"), None),
        (("colour",), None),
    ],
)
def test_locate(loc: tuple[str | int, ...], line: int | None) -> None:
    text = """\
id = "x"
b.c = 1
[hours]
mon = "08:00-20:00"
sat = "closed"
[[desks]]
number = 1
services.egrn = 2
[[desks]]
services = { snils = 1 }
"""
    assert locate(text, loc) == line
