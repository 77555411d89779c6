"""Settings every test needs before any package is imported."""

from __future__ import annotations

import os

# No display here or in CI: Qt screens render offscreen (and are saved as PNGs).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
