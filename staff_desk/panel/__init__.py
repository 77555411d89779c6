"""The operator panel and the hall administrator's view (PySide6, QML), over staff sign-in."""
