// Colours and the face of every text: high contrast, read from 10 m.
import QtQuick

QtObject {
    readonly property color background: "#000000"
    readonly property color text: "#ffffff"
    readonly property color muted: "#c8c8c8"
    readonly property color accent: "#ffd400"
    readonly property color line: "#4a4a4a"
    readonly property color alarm: "#b00000"
    readonly property string face: "DejaVu Sans"
    readonly property string narrow: "DejaVu Sans Condensed"
    readonly property string mono: "DejaVu Sans Mono"
}
