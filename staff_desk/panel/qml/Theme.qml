// Colours and type of the panel; "large" is the large-type high-contrast mode.
import QtQuick

QtObject {
    property bool large: false
    // Text grows by this much in the large mode; the layout keeps its places.
    readonly property real f: large ? 1.3 : 1.0
    readonly property color background: large ? "#000000" : "#eef1f5"
    readonly property color surface: large ? "#000000" : "#ffffff"
    readonly property color text: large ? "#ffffff" : "#14202e"
    readonly property color muted: large ? "#e6e6e6" : "#4b5868"
    readonly property color line: large ? "#ffffff" : "#c5ccd6"
    readonly property color header: large ? "#000000" : "#1f3a5f"
    readonly property color headerText: large ? "#ffd400" : "#ffffff"
    readonly property color primary: large ? "#ffd400" : "#0b5cad"
    readonly property color primaryText: large ? "#000000" : "#ffffff"
    readonly property color button: large ? "#000000" : "#ffffff"
    readonly property color buttonText: large ? "#ffffff" : "#14202e"
    readonly property color disabled: large ? "#5c5c5c" : "#9aa4b1"
    readonly property color alarm: large ? "#ff5c5c" : "#b3261e"
    readonly property color alarmSoft: large ? "#3a0000" : "#fbe3e1"
    readonly property color good: large ? "#7dff7d" : "#1b7a35"
    readonly property color pause: large ? "#ffd400" : "#8a5a00"
    readonly property string face: "DejaVu Sans"
}
