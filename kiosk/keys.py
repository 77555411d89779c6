"""A USB keypad's or keyboard's keys as the five keys of the tactile keypad: the one map.

| key | is |
|---|---|
| ↑ ↓, numeric keypad − + | up, down |
| →; Enter (either) once guidance runs | select |
| Escape, ←; Backspace once guidance runs | back |
| F1, ?, numeric keypad * | help |

Digits (either row) type on the screen's keypad once guidance runs
(``KeysGuide.typed``). Before guidance, Enter and Backspace keep their meaning for a
code scanner and a sighted visitor's keyboard (Return sends the code, Backspace erases),
so a scanner never starts the voice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.navigation import Key

_K = Qt.Key
_KEYPAD = Qt.KeyboardModifier.KeypadModifier.value

# Keys that start guidance and move in it.
ALWAYS: dict[int, Key] = {
    _K.Key_Up.value: Key.UP,
    _K.Key_Down.value: Key.DOWN,
    _K.Key_Right.value: Key.SELECT,
    _K.Key_Left.value: Key.BACK,
    _K.Key_Escape.value: Key.BACK,
    _K.Key_F1.value: Key.HELP,
    _K.Key_Question.value: Key.HELP,
}
# Keys of the numeric keypad (with Qt's keypad modifier) that do the same.
KEYPAD: dict[int, Key] = {
    _K.Key_Minus.value: Key.UP,
    _K.Key_Plus.value: Key.DOWN,
    _K.Key_Asterisk.value: Key.HELP,
}
# Keys that are the keypad's only once guidance runs.
GUIDED: dict[int, Key] = {
    _K.Key_Return.value: Key.SELECT,
    _K.Key_Enter.value: Key.SELECT,
    _K.Key_Backspace.value: Key.BACK,
}


def from_keyboard(key: int, modifiers: int, *, guided: bool) -> Key | None:
    """The keypad's key for a keyboard's (None: the key is typed text, as before)."""
    if modifiers & _KEYPAD and key in KEYPAD:
        return KEYPAD[key]
    if key in ALWAYS:
        return ALWAYS[key]
    return GUIDED.get(key) if guided else None
