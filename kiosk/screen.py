"""The kiosk's window (QML in a QQuickView), kiosk mode, and screenshots.

Kiosk mode is the window's part of "no way out": full screen, frameless, above other
windows, and deaf to close requests (Alt+F4, a window manager's close) until the
technician signed in; the rest is the session's (docs/kiosk.md: a compositor that runs
only this program, restarted by systemd). Offscreen, :func:`save_screens` renders a view
at a given size with ``grabWindow`` for review and for the reference tests; comparing
uses the hall board's tolerant :func:`hall_display.screen.difference`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QCursor, QGuiApplication
from PySide6.QtQuick import QQuickItem, QQuickView

from hall_display.screen import difference, ensure_app, save_reference
from kiosk.errors import KioskError, ScreenFailed
from kiosk.qr import QrImages
from kiosk.view import KioskView

__all__ = [
    "DESIGN",
    "KioskWindow",
    "difference",
    "ensure_app",
    "save_reference",
    "save_screens",
    "touch_targets",
]

QML = Path(__file__).resolve().parent / "qml" / "Main.qml"
DESIGN = QSize(1080, 1920)


class KioskWindow(QQuickView):
    """The QML kiosk bound to a view-model; ``locked`` is kiosk mode (see the module)."""

    def __init__(self, view: KioskView, size: QSize | None = None, *, locked: bool = False) -> None:
        super().__init__()
        self.view = view
        self.locked = locked
        self._may_close = not locked
        self.setTitle("okno")
        self.setColor(QColor("black"))
        self.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
        self.engine().addImageProvider("kiosk", QrImages(view.qr_text))
        self.setInitialProperties({"view": view})
        self.setSource(QUrl.fromLocalFile(str(QML)))
        if self.status() != QQuickView.Status.Ready:
            errors = "; ".join(e.toString() for e in self.errors())
            raise ScreenFailed(f"the kiosk's QML did not load: {errors}")
        if locked:
            self.setFlags(
                self.flags()
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )
        first = size or DESIGN
        self.reshape(first.width(), first.height())

    def show_kiosk(self) -> None:
        """Full screen with no cursor (a touchscreen) when locked, else a plain window."""
        if self.locked:
            QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self.showFullScreen()
        else:
            self.show()
        screen = self.screen()
        if screen is not None:
            self.view.set_screen_dpi(screen.physicalDotsPerInch())

    def allow_close(self) -> None:
        """The technician signed in and asked to close: the window may go."""
        self._may_close = True

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and not self._may_close:
            event.ignore()
            return True
        return super().event(event)

    def reshape(self, width: int, height: int) -> None:
        """Resize window and scene now (a resize event alone arrives only with the loop)."""
        self.resize(width, height)
        root = self.rootObject()
        root.setWidth(width)
        root.setHeight(height)

    def grab(self, path: Path) -> Path:
        """Render the screen now and save it as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.grabWindow().save(str(path)):
            raise KioskError(f"cannot write the screenshot {path}")
        return path

    def dispose(self) -> None:
        """Drop the scene while its view-model still lives, then the window."""
        if self.locked:
            QGuiApplication.restoreOverrideCursor()
        self._may_close = True
        self.close()
        self.setSource(QUrl())
        self.deleteLater()


def save_screens(
    view: KioskView, out_dir: Path, name: str, sizes: Iterable[QSize] = (DESIGN,)
) -> list[Path]:
    """Render ``view`` at each size into ``out_dir/<name>[-WxH].png`` (the design size bare)."""
    ensure_app()
    window = KioskWindow(view)
    window.show()
    saved = []
    try:
        for size in sizes:
            window.reshape(size.width(), size.height())
            suffix = "" if size == DESIGN else f"-{size.width()}x{size.height()}"
            saved.append(window.grab(out_dir / f"{name}{suffix}.png"))
    finally:
        window.dispose()
    return saved


def touch_targets(window: KioskWindow) -> list[tuple[str, QRectF]]:
    """Every visible touch target on screen now: its text and its rectangle in the window."""
    found = []
    # Through the visual tree: a Repeater's items are not its QObject children. A target
    # inside a clipping item (a list that scrolls) counts only where it shows.
    pending: list[tuple[QQuickItem, QRectF | None]] = [(window.rootObject(), None)]
    while pending:
        item, clip = pending.pop()
        if not item.isVisible() or item.opacity() <= 0:
            continue
        box = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        if item.property("touchTarget"):
            shown = box if clip is None else box.intersected(clip)
            if not shown.isEmpty():
                found.append((str(item.property("text")), shown))
        if item.clip():
            clip = box if clip is None else box.intersected(clip)
        pending.extend((child, clip) for child in item.childItems())
    return found
