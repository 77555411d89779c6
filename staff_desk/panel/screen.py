"""The panel's window: QML in a QQuickView bound to the view-model; PNGs for review."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QColor
from PySide6.QtQuick import QQuickView

from staff_desk.panel.errors import PanelError
from staff_desk.panel.view import PanelView

QML = Path(__file__).resolve().parent / "qml" / "Main.qml"
SIZE = QSize(1280, 800)


class ScreenFailed(PanelError, RuntimeError):
    """The panel's QML did not load: the install is broken (the error names the file)."""

    code = "screen_failed"


class PanelWindow(QQuickView):
    def __init__(self, view: PanelView, size: QSize = SIZE) -> None:
        super().__init__()
        self.view = view
        self.warnings: list[str] = []
        self.engine().warnings.connect(
            lambda errors: self.warnings.extend(e.toString() for e in errors)
        )
        self.setTitle("okno")
        self.setColor(QColor("#eef1f5"))
        self.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
        self.setInitialProperties({"view": view})
        self.setSource(QUrl.fromLocalFile(str(QML)))
        if self.status() != QQuickView.Status.Ready:
            errors = "; ".join(e.toString() for e in self.errors())
            raise ScreenFailed(f"the panel's QML did not load: {errors}")
        self.reshape(size.width(), size.height())

    def reshape(self, width: int, height: int) -> None:
        """Resize window and scene now (a resize event alone arrives only with the loop)."""
        self.resize(width, height)
        root = self.rootObject()
        root.setWidth(width)
        root.setHeight(height)

    def dispose(self) -> None:
        """Drop the scene while its view-model still lives, then the window."""
        self.close()
        self.setSource(QUrl())
        self.deleteLater()

    def grab(self, path: Path) -> Path:
        """Render the panel now and save it as a PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.grabWindow().save(str(path)):
            raise PanelError(f"cannot write the screenshot {path}")
        return path
