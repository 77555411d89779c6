"""QR codes on the kiosk's screen: drawn with ``qrcode`` into a QImage, served to QML.

A visitor whose printer is out of paper, or who would rather not carry paper,
photographs the code: it holds the ticket's page (``ticket_page_url``) when the branch
has one, otherwise the ticket itself in words (number, service, time, branch), which a
phone's camera shows as text.
"""

from __future__ import annotations

from collections.abc import Callable

import qrcode
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtQml import QQmlImageProviderBase
from PySide6.QtQuick import QQuickImageProvider

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
MODULE_PX = 16


def matrix(text: str) -> list[list[bool]]:
    """The code's modules, True for dark, with the quiet zone."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1
    )
    code.add_data(text.encode())
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def image(text: str, module_px: int = MODULE_PX) -> QImage:
    """The code as a black-on-white image, each module ``module_px`` square."""
    cells = matrix(text)
    side = len(cells) * module_px
    picture = QImage(side, side, QImage.Format.Format_RGB32)
    picture.fill(QColor("white"))
    painter = QPainter(picture)
    try:
        black = QColor("black")
        for y, row in enumerate(cells):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(x * module_px, y * module_px, module_px, module_px, black)
    finally:
        painter.end()
    return picture


class QrImages(QQuickImageProvider):
    """``image://kiosk/qr/<key>``: the code of the text ``lookup(key)`` gives now.

    One per window: the QML engine owns its image providers and deletes them with itself.
    """

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        super().__init__(QQmlImageProviderBase.ImageType.Image)
        self._lookup = lookup
        self._made: dict[str, QImage] = {}

    def requestImage(self, id: str, size: QSize, requested: QSize) -> QImage:  # noqa: N802 (Qt's name)
        key = id.removeprefix("qr/")
        text = self._lookup(key)
        if text is None:
            blank = QImage(1, 1, QImage.Format.Format_RGB32)
            blank.fill(QColor("white"))
            return blank
        if key not in self._made:
            self._made = {key: image(text)}
        return self._made[key]
