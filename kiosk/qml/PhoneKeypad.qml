// A phone number being typed (+7 and ten digits) and its keypad: the booking's and the
// status screen's layout, for the screens that take a phone since.
import QtQuick

Column {
    id: pad
    required property var view
    required property Theme theme
    required property real u
    property string entry: ""
    property bool ready: false
    signal key(string digit)
    signal erased()
    spacing: 16 * u

    Rectangle {
        anchors.horizontalCenter: parent.horizontalCenter
        width: 900 * pad.u
        height: 150 * pad.u
        radius: 12 * pad.u
        color: pad.theme.surface
        border.width: 2 * pad.theme.borderWidth
        border.color: pad.ready ? pad.theme.primary : pad.theme.border
        Text {
            anchors.centerIn: parent
            text: pad.entry
            color: pad.theme.text
            font.family: pad.theme.mono
            font.pixelSize: 84 * pad.u
            font.bold: true
        }
    }
    Grid {
        anchors.horizontalCenter: parent.horizontalCenter
        columns: 3
        spacing: 16 * pad.u
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ""]
            KButton {
                required property string modelData
                view: pad.view; theme: pad.theme; u: pad.u
                w: 260; h: pad.view.large ? 130 : 120; fontSize: 64
                kind: "key"
                visible: modelData !== ""
                text: modelData
                onTapped: modelData === "⌫" ? pad.erased() : pad.key(modelData)
            }
        }
    }
}
