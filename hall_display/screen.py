"""The board's window (QML in a QQuickView) and its screenshots, on a screen or offscreen.

Every screen can be saved as a PNG for review: :func:`save_screens` renders a view in
each shape (landscape 1080p, portrait, 4K) with ``grabWindow``, which renders the scene
at once, so no event loop needs to run. :class:`Camera` does it now and then for the
demo. :func:`difference` compares two PNGs tolerantly, for tests against references.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtQuick import QQuickView

from hall_display.board import Board
from hall_display.errors import DisplayError
from hall_display.settings import DisplaySettings
from hall_display.view import BoardView

QML = Path(__file__).resolve().parent / "qml" / "Main.qml"


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    width: int
    height: int


SHAPES = (
    Shape("landscape", 1920, 1080),
    Shape("portrait", 1080, 1920),
    Shape("4k", 3840, 2160),
)
COMPARE_WIDTH = 320
BLOCK = 16


class ScreenFailed(DisplayError, RuntimeError):
    """The board's QML did not load: the install is broken (a QML error names the file)."""

    code = "screen_failed"


def ensure_app() -> QCoreApplication:
    """The process's Qt application; one made here renders offscreen (demo, benchmarks)."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["okno-display", "-platform", "offscreen"])
    return app


class BoardWindow(QQuickView):
    """The QML board bound to a view-model; sized, shown, or grabbed as an image."""

    def __init__(self, view: BoardView, size: QSize | None = None) -> None:
        super().__init__()
        self.view = view
        self.setTitle("okno")
        self.setColor(QColor("black"))
        self.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
        self.setInitialProperties({"view": view})
        self.setSource(QUrl.fromLocalFile(str(QML)))
        if self.status() != QQuickView.Status.Ready:
            errors = "; ".join(e.toString() for e in self.errors())
            raise ScreenFailed(f"the board's QML did not load: {errors}")
        self.widthChanged.connect(self._reshaped)
        self.heightChanged.connect(self._reshaped)
        first = size or QSize(1920, 1080)
        self.reshape(first.width(), first.height())

    def reshape(self, width: int, height: int) -> None:
        """Resize window and board now (a resize event alone arrives only with the loop)."""
        self.resize(width, height)
        root = self.rootObject()
        root.setWidth(width)
        root.setHeight(height)
        self._reshaped()

    def _reshaped(self) -> None:
        self.view.set_shape(self.width(), self.height())

    def dispose(self) -> None:
        """Drop the scene while its view-model still lives, then the window."""
        self.close()
        self.setSource(QUrl())
        self.deleteLater()

    def grab(self, path: Path) -> Path:
        """Render the board now and save it as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.grabWindow().save(str(path)):
            raise DisplayError(f"cannot write the screenshot {path}")
        return path


def save_screens(
    view: BoardView,
    out_dir: Path,
    prefix: str,
    shapes: Iterable[Shape] = SHAPES,
) -> list[Path]:
    """Render ``view`` in each shape into ``out_dir/<prefix>-<shape>.png``."""
    ensure_app()
    window = BoardWindow(view)
    window.show()
    saved = []
    try:
        for shape in shapes:
            window.reshape(shape.width, shape.height)
            saved.append(window.grab(out_dir / f"{prefix}-{shape.name}.png"))
    finally:
        window.dispose()
    return saved


class Camera:
    """Screenshots of a board that something else feeds (the demo), kept up to date."""

    def __init__(
        self,
        board: Board,
        clock: Callable[[], int],
        out_dir: Path,
        settings: DisplaySettings | None = None,
    ) -> None:
        ensure_app()
        self.out_dir = out_dir
        self.view = BoardView(
            settings or DisplaySettings(), clock=clock, board=board, animate=False
        )

    def shoot(self, shapes: Iterable[Shape] = SHAPES[:2]) -> list[Path]:
        """Save the board as it is now, one PNG per shape (replacing the previous ones)."""
        self.view.refresh()
        return save_screens(self.view, self.out_dir, "board", shapes)


def difference(a: QImage | Path, b: QImage | Path) -> float:
    """How far two images of one shape differ where they differ most: 0 (same) to 255.

    Both are scaled to ``COMPARE_WIDTH`` and cut into ``BLOCK``-pixel squares; the answer is
    the largest mean absolute difference of a square (255 for images of another shape).
    Scaling forgives antialiasing moving by a pixel (and lets a reference be kept smaller
    than the screen); the worst square still sees one digit of the clock that changed.
    """
    first, second = (QImage(str(x)) if isinstance(x, Path) else x for x in (a, b))
    if first.isNull() or second.isNull():
        raise DisplayError("cannot compare: an image is missing or unreadable")
    if abs(first.width() * second.height() - second.width() * first.height()) > first.width():
        return 255.0
    width = COMPARE_WIDTH
    height = max(1, round(first.height() * width / first.width()))
    small = [
        image.scaled(
            width,
            height,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        ).convertToFormat(QImage.Format.Format_RGB888)
        for image in (first, second)
    ]
    stride = small[0].bytesPerLine()
    left, right = (bytes(cast(memoryview, image.constBits())) for image in small)
    worst = 0.0
    for top in range(0, height, BLOCK):
        rows = range(top, min(height, top + BLOCK))
        for x in range(0, width, BLOCK):
            span = (x * 3, min(width, x + BLOCK) * 3)
            total = sum(
                sum(
                    map(
                        abs,
                        map(
                            operator.sub,
                            left[r + span[0] : r + span[1]],
                            right[r + span[0] : r + span[1]],
                        ),
                    )
                )
                for r in (row * stride for row in rows)
            )
            worst = max(worst, total / (len(rows) * (span[1] - span[0])))
    return worst


def save_reference(png: Path, reference: Path, longest: int = 960) -> Path:
    """Keep a reviewed screenshot as a reference, its longer side ``longest`` (small in git)."""
    image = QImage(str(png))
    small = image.scaled(
        QSize(longest, longest),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    reference.parent.mkdir(parents=True, exist_ok=True)
    if not small.save(str(reference)):
        raise DisplayError(f"cannot write the reference {reference}")
    return reference
