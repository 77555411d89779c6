// A switch the operator taps (a check box at least 15 mm tall): a box and its label.
import QtQuick

Rectangle {
    id: toggle
    required property Theme theme
    required property real u
    property string text: ""
    property bool checked: false
    property real textSize: 20
    signal toggled(bool on)

    implicitHeight: 64 * u
    radius: 8 * u
    color: theme.button
    border.width: 2 * u
    border.color: checked ? theme.primary : theme.line

    Rectangle {
        id: box
        x: 12 * toggle.u
        anchors.verticalCenter: parent.verticalCenter
        width: 36 * toggle.u
        height: 36 * toggle.u
        radius: 6 * toggle.u
        color: toggle.checked ? toggle.theme.primary : toggle.theme.surface
        border.width: 3 * toggle.u
        border.color: toggle.theme.primary
        Text {
            anchors.centerIn: parent
            visible: toggle.checked
            text: "✓"
            color: toggle.theme.primaryText
            font.family: toggle.theme.face
            font.pixelSize: 26 * toggle.u
            font.bold: true
        }
    }
    Text {
        anchors.left: box.right
        anchors.leftMargin: 12 * toggle.u
        anchors.right: parent.right
        anchors.rightMargin: 12 * toggle.u
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: 4 * toggle.u
        verticalAlignment: Text.AlignVCenter
        text: toggle.text
        color: toggle.theme.buttonText
        font.family: toggle.theme.face
        font.pixelSize: toggle.textSize * toggle.u * toggle.theme.f
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 12 * toggle.u
    }
    MouseArea {
        anchors.fill: parent
        onClicked: toggle.toggled(!toggle.checked)
    }
}
