// One big call: "ticket -> desk"; a fresh call blinks yellow (the view says when).
import QtQuick

Rectangle {
    id: row
    required property real u
    required property string ticket
    required property int desk
    required property bool highlighted
    required property bool blink
    required property bool recall
    property real size: 104
    readonly property Theme theme: Theme {}
    readonly property color ink: blink ? theme.background : highlighted ? theme.accent : theme.text
    color: blink ? theme.accent : theme.background
    radius: 10 * u
    border.width: highlighted ? 4 * u : 0
    border.color: theme.accent

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 2 * row.u
        color: row.theme.line
        visible: !row.highlighted
    }
    Text {
        id: number
        anchors.left: parent.left
        anchors.leftMargin: 24 * row.u
        anchors.verticalCenter: parent.verticalCenter
        text: row.ticket
        color: row.ink
        font.family: row.theme.face
        font.pixelSize: row.size * row.u
        font.bold: true
    }
    Text {
        anchors.left: number.right
        anchors.leftMargin: 12 * row.u
        anchors.verticalCenter: parent.verticalCenter
        visible: row.recall
        text: "↻"
        color: row.ink
        font.family: row.theme.face
        font.pixelSize: row.size * 0.5 * row.u
        font.bold: true
    }
    Text {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: parent.width * 0.08
        anchors.verticalCenter: parent.verticalCenter
        text: "→"
        color: row.ink
        font.family: row.theme.face
        font.pixelSize: row.size * 0.8 * row.u
        font.bold: true
    }
    Text {
        anchors.right: parent.right
        anchors.rightMargin: 36 * row.u
        anchors.verticalCenter: parent.verticalCenter
        text: row.desk
        color: row.ink
        font.family: row.theme.face
        font.pixelSize: row.size * row.u
        font.bold: true
    }
}
