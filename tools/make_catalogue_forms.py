"""Draw the example catalogue's forms (examples/forms/*.pdf) with Qt's PDF writer.

Run once when a form's text changes, and commit the PDFs:
``PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_catalogue_forms.py``.
The hub never draws PDFs: it serves the files the region provides (docs/catalogue.md).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "forms"


@dataclass(frozen=True)
class Field:
    label: str
    # What the sample shows filled in; "" on a blank.
    value: str = ""


@dataclass(frozen=True)
class Sheet:
    file: str
    title: str
    subtitle: str
    fields: tuple[Field, ...]
    sample: bool


_PASSPORT = (
    ("Фамилия", "Иванова"),
    ("Имя", "Мария"),
    ("Отчество (при наличии)", "Петровна"),
    ("Дата рождения", "14.03.1990"),
    ("Место рождения", "г. Москва"),
    ("Пол", "женский"),
    ("Адрес места жительства", "г. Москва, ул. Льва Толстого, д. 5, кв. 12"),
    ("Причина выдачи", "достижение 45-летнего возраста"),
    ("Прежний паспорт: серия, номер", "45 10 123456"),
    ("Семейное положение", "замужем, Иванов Андрей Сергеевич, брак 20.06.2015"),
    ("Дети до 14 лет", "Иванов Пётр Андреевич, 02.09.2017"),
)
_RESIDENCE = (
    "Фамилия, имя, отчество",
    "Дата рождения",
    "Паспорт: серия, номер, кем и когда выдан",
    "Прежнее место жительства",
    "Новое место жительства",
    "Основание для вселения (собственник, договор найма)",
    "Подпись лица, предоставившего жильё",
)
SHEETS = (
    Sheet(
        "passport-1p-sample.pdf",
        "Заявление о выдаче (замене) паспорта, форма № 1П",
        "ОБРАЗЕЦ ЗАПОЛНЕНИЯ",
        tuple(Field(label, value) for label, value in _PASSPORT),
        sample=True,
    ),
    Sheet(
        "passport-1p-blank.pdf",
        "Заявление о выдаче (замене) паспорта, форма № 1П",
        "Заполняется разборчиво, от руки или на компьютере",
        tuple(Field(label) for label, _ in _PASSPORT),
        sample=False,
    ),
    Sheet(
        "residence-6-blank.pdf",
        "Заявление о регистрации по месту жительства, форма № 6",
        "Заполняется разборчиво, от руки или на компьютере",
        tuple(Field(label) for label in _RESIDENCE),
        sample=False,
    ),
)


def draw(sheet: Sheet, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setTitle(sheet.title)
    writer.setCreator("okno")
    writer.setResolution(150)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter(writer)
    try:
        width = writer.width()
        painter.setFont(QFont("DejaVu Sans", 13, QFont.Weight.Bold))
        y = 0.0
        title = QRectF(0, y, width, 120)
        painter.drawText(
            title, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, sheet.title
        )
        y += 130
        painter.setFont(QFont("DejaVu Sans", 10))
        painter.drawText(QRectF(0, y, width, 40), Qt.AlignmentFlag.AlignHCenter, sheet.subtitle)
        y += 80
        for field in sheet.fields:
            painter.setFont(QFont("DejaVu Sans", 9))
            painter.drawText(QRectF(0, y, width, 30), Qt.AlignmentFlag.AlignLeft, field.label)
            y += 34
            painter.drawLine(0, int(y + 36), int(width), int(y + 36))
            if field.value:
                painter.setFont(QFont("DejaVu Sans", 11, QFont.Weight.Bold))
                painter.drawText(QRectF(10, y, width, 34), Qt.AlignmentFlag.AlignLeft, field.value)
            y += 60
        painter.setFont(QFont("DejaVu Sans", 9))
        signed = (
            "Подпись: Иванова   Дата: 07.12.2026"
            if sheet.sample
            else "Подпись ______   Дата ______"
        )
        painter.drawText(QRectF(0, y + 20, width, 30), Qt.AlignmentFlag.AlignLeft, signed)
    finally:
        painter.end()


def main() -> int:
    QGuiApplication(sys.argv)
    FOLDER.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        draw(sheet, FOLDER / sheet.file)
        print(f"{FOLDER / sheet.file}: {(FOLDER / sheet.file).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
