"""The catalogue file: the example loads whole; each mistake is refused with file and line."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hub.catalogue import Catalogue, load_catalogue
from hub.catalogue.pdf import MAX_FORM_BYTES, pdf_problem
from hub.config import load_branch
from hub.errors import CatalogueError
from tests.hub.catalogue_files import CATALOGUE, EXAMPLES, branch_with_catalogue, line_of

TEXT = CATALOGUE.read_text(encoding="utf-8")


def load(config: Path) -> Catalogue:
    return load_catalogue(config, load_branch(config).branch)


def test_the_example_describes_every_service_of_the_example_branch(tmp_path: Path) -> None:
    config = branch_with_catalogue(tmp_path)
    branch = load_branch(config).branch
    catalogue = load_catalogue(config, branch)
    assert list(catalogue.entries) == [s.id for s in branch.services]
    passport = catalogue.entries["passport"]
    assert passport.processing_days == 10  # the branch's, left out of the catalogue
    assert passport.fee_kopecks == 30000
    assert catalogue.entries["state-duty"].fee_kopecks == 50000  # the branch's kiosk fee
    photos = next(d for d in passport.documents if "фотографии" in d.name)
    assert (photos.kind, photos.conditions) == (
        "original",
        "черно-белые или цветные, без головного убора",
    )
    assert {f.info.kind for f in catalogue.forms_of(passport)} == {"sample", "blank"}
    assert [s.name_ru for s in catalogue.situations][:3] == [
        "Рождение ребёнка",
        "Переезд",
        "Покупка жилья",
    ]
    assert load_catalogue(config, branch).version == catalogue.version


def test_the_version_changes_with_a_form(tmp_path: Path) -> None:
    config = branch_with_catalogue(tmp_path)
    before = load(config).version
    form = tmp_path / "forms" / "residence-6-blank.pdf"
    data = form.read_bytes()
    form.write_bytes(data.replace(b"%PDF-1.4", b"%PDF-1.5", 1))
    assert load(config).version != before


def test_a_branch_without_a_catalogue_has_an_empty_one() -> None:
    catalogue = load(EXAMPLES / "branch.toml")
    assert (catalogue.entries, catalogue.forms, catalogue.situations) == ({}, {}, ())
    assert catalogue.version


@pytest.mark.parametrize("form", sorted(p.name for p in (EXAMPLES / "forms").glob("*.pdf")))
def test_the_example_forms_are_whole_pdfs(form: str) -> None:
    """Every object the cross-reference table lists starts where it says."""
    data = (EXAMPLES / "forms" / form).read_bytes()
    assert pdf_problem(data) == ""
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    table = re.match(rb"xref\s+(\d+) (\d+)\s+", data[start:])
    assert table is not None
    first, count = int(table[1]), int(table[2])
    rows = re.findall(rb"(\d{10}) (\d{5}) ([nf])", data[start + table.end() :])[:count]
    assert len(rows) == count > 1
    for number, (offset, _, used) in enumerate(rows, start=first):
        if used == b"n":
            assert re.match(rb"%d 0 obj" % number, data[int(offset) :]), (form, number)


Change = Callable[[Path], None]


def _text(old: str, new: str, count: int = 1) -> Change:
    def change(folder: Path) -> None:
        catalogue = folder / "catalogue.toml"
        text = catalogue.read_text(encoding="utf-8")
        assert old in text
        catalogue.write_text(text.replace(old, new, count), encoding="utf-8")

    return change


def _form(data: bytes) -> Change:
    def change(folder: Path) -> None:
        (folder / "forms" / "residence-6-blank.pdf").write_bytes(data)

    return change


def _cut(folder: Path) -> None:
    form = folder / "forms" / "residence-6-blank.pdf"
    form.write_bytes(form.read_bytes()[:-400])


LONG = "очень " * 400
CASES = [
    (
        "missing field",
        _text(
            'who_may_apply = "Граждане РФ, иностранцы с разрешением на работу; '
            'за детей — родители"\n',
            "",
        ),
        (r"^\[\[services\]\]", r'^id = "snils"'),
        '[[services]] #4 (id "snils"), key "who_may_apply": Field required',
    ),
    (
        "duplicate id",
        _text('id = "inn"', 'id = "snils"'),
        (r'^id = "snils"', r'^id = "egrn"'),
        'id "snils" is used twice in [[services]]',
    ),
    (
        "service not in the configuration",
        _text('id = "oms"', 'id = "dog-licence"'),
        (r'^id = "dog-licence"', ""),
        'service "dog-licence" is not among the branch\'s [[services]]',
    ),
    (
        "life situation naming an unknown service",
        _text('services = ["residence", "oms", "passport"]', 'services = ["residence", "pasport"]'),
        (r'^services = \["residence", "pasport"\]', ""),
        'situation "moving" names service "pasport"',
    ),
    (
        "form naming an unknown form",
        _text('forms = ["residence-6-blank"]', 'forms = ["residence-7-blank"]'),
        (r'^forms = \["residence-7-blank"\]', ""),
        'names form "residence-7-blank", which is not among [[forms]]',
    ),
    (
        "form file missing",
        _text('file = "forms/residence-6-blank.pdf"', 'file = "forms/residence-6.pdf"'),
        (r'^file = "forms/residence-6.pdf"', ""),
        'file "forms/residence-6.pdf": no such file',
    ),
    (
        "form outside the folder",
        _text('file = "forms/residence-6-blank.pdf"', 'file = "../../etc/passwd"'),
        (r'^file = "../../etc/passwd"', ""),
        "must lie in the catalogue's folder",
    ),
    (
        "form not a PDF",
        _form(b"PK\x03\x04 a Word document renamed"),
        (r'^file = "forms/residence-6-blank.pdf"', ""),
        'not a PDF: it does not start with "%PDF-"',
    ),
    ("form cut short", _cut, (r'^file = "forms/residence-6-blank.pdf"', ""), 'no "%%EOF"'),
    (
        "form too big",
        _form(b"%PDF-1.4\n" + b"0" * MAX_FORM_BYTES + b"\nstartxref\n9\n%%EOF\n"),
        (r'^file = "forms/residence-6-blank.pdf"', ""),
        f"over the limit of {MAX_FORM_BYTES}",
    ),
    (
        "text too long",
        _text(
            'description_ru = "Оформление страхового',
            f'description_ru = "{LONG}Оформление страхового',
        ),
        (r"^description_ru = \"очень", ""),
        "String should have at most 2000 characters",
    ),
    (
        "document of a kind that does not exist",
        _text('{ name = "СНИЛС", kind = "original" }', '{ name = "СНИЛС", kind = "scan" }'),
        (r'\{ name = "СНИЛС", kind = "scan" \}', ""),
        "Input should be 'original', 'copy' or 'original_and_copy'",
    ),
    (
        "fee against the branch's",
        _text('how_to_pay = "Картой в терминале МФЦ"', 'fee_kopecks = 100\nhow_to_pay = "Картой"'),
        (r"^fee_kopecks = 100$", ""),
        "but the branch's kiosks take 50000",
    ),
    (
        "TOML syntax",
        _text('result = "Свидетельство ИНН"', 'result = "Свидетельство ИНН'),
        (r'^result = "Свидетельство ИНН$', ""),
        "Illegal character",
    ),
]


@pytest.mark.parametrize(
    ("change", "where", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_mistake_is_refused_with_the_file_and_its_line(
    tmp_path: Path, change: Change, where: tuple[str, str], says: str
) -> None:
    config = branch_with_catalogue(tmp_path)
    change(tmp_path)
    text = (tmp_path / "catalogue.toml").read_text(encoding="utf-8")
    pattern, after = where
    # "after" marks the entry; the line is the nearest match before it, for a header.
    if pattern.startswith(r"^\[\["):
        line = max(
            n
            for n in range(1, line_of(text, after) + 1)
            if re.search(pattern, text.split("\n")[n - 1])
        )
    else:
        line = line_of(text, pattern, after)
    with pytest.raises(CatalogueError) as refused:
        load(config)
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'catalogue.toml'}, line {line}: "), message
    assert says in message


def test_a_missing_catalogue_file_is_named(tmp_path: Path) -> None:
    config = branch_with_catalogue(tmp_path)
    (tmp_path / "catalogue.toml").unlink()
    with pytest.raises(CatalogueError, match=r"catalogue\.toml: no such file"):
        load(config)


def test_a_catalogue_of_500_services_and_5000_documents_loads_within_seconds(
    tmp_path: Path,
) -> None:
    """The issue's size for the kiosk's search; a reload reads it whole (0.45 s measured,
    docs/benchmarks.md): a generous bound here, for a loaded shared machine."""
    letters = "АБВГДЕЖИКЛМНПРСТФЦЧШЭЮЯ"
    prefixes = [a + b for a in letters for b in letters][:500]
    branch = ['id = "big"', 'name = "МФЦ"', "[hours]", 'mon = "08:00-20:00"']
    entries = []
    for number, prefix in enumerate(prefixes):
        branch += ["[[services]]", f'id = "s{number}"', f'prefix = "{prefix}"']
        branch += [f'name_ru = "Услуга {number}"', f'name_en = "Service {number}"']
        entries += ["[[services]]", f'id = "s{number}"', 'description_ru = "Описание"']
        entries += ['who_may_apply = "Граждане РФ"', 'result = "Документ"', "documents = ["]
        entries += [f'  {{ name = "Документ {d}", kind = "copy", copies = 2 }},' for d in range(10)]
        entries += ["]"]
    served = ", ".join(f"s{number} = 1.0" for number in range(500))
    branch += ["[[desks]]", 'id = "d1"', "number = 1", f"services = {{ {served} }}"]
    (tmp_path / "branch.toml").write_text(
        "\n".join([*branch, "[catalogue]", 'file = "catalogue.toml"', ""]), encoding="utf-8"
    )
    (tmp_path / "catalogue.toml").write_text("\n".join(entries) + "\n", encoding="utf-8")
    started = time.perf_counter()
    catalogue = load(tmp_path / "branch.toml")
    assert time.perf_counter() - started < 5
    assert sum(len(entry.documents) for entry in catalogue.entries.values()) == 5000
