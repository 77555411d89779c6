// Colours and type: calm and clear by default; large type switches to black, white and
// yellow (the high-contrast scheme people with low vision ask for).
import QtQuick

QtObject {
    property bool contrast: false
    readonly property color background: contrast ? "#000000" : "#eef2f6"
    readonly property color surface: contrast ? "#000000" : "#ffffff"
    readonly property color text: contrast ? "#ffffff" : "#111820"
    readonly property color muted: contrast ? "#ffffff" : "#46505c"
    readonly property color primary: contrast ? "#ffd400" : "#0b4f9c"
    readonly property color primaryInk: contrast ? "#000000" : "#ffffff"
    readonly property color secondaryInk: contrast ? "#ffd400" : "#0b4f9c"
    readonly property color border: contrast ? "#ffd400" : "#a9b6c6"
    readonly property color checkin: contrast ? "#000000" : "#1b6e35"
    readonly property color checkinInk: contrast ? "#ffffff" : "#ffffff"
    readonly property color checkinBorder: contrast ? "#ffffff" : "#1b6e35"
    readonly property color header: contrast ? "#000000" : "#0b3a73"
    readonly property color headerInk: contrast ? "#ffd400" : "#ffffff"
    readonly property color alarm: "#b00020"
    readonly property color alarmInk: "#ffffff"
    readonly property color warn: contrast ? "#ffd400" : "#ffd23f"
    readonly property color warnInk: "#000000"
    readonly property color ok: contrast ? "#00e676" : "#1b6e35"
    readonly property color okInk: contrast ? "#000000" : "#ffffff"
    // The keypad's focus frame: a colour no button has, in both schemes.
    readonly property color focus: contrast ? "#00e5ff" : "#ff6a00"
    readonly property color shade: "#b3000000"
    readonly property int borderWidth: contrast ? 4 : 2
    readonly property string face: "DejaVu Sans"
    readonly property string mono: "DejaVu Sans Mono"
}
