// A button at least 15 mm tall (64 px on the 1280x800 design), readable when disabled.
import QtQuick

Rectangle {
    id: button
    required property Theme theme
    required property real u
    property string text: ""
    property bool primary: false
    property bool danger: false
    property bool active: true
    property real textSize: 22
    signal clicked()

    implicitHeight: 64 * u
    radius: 8 * u
    color: !active ? theme.background : primary ? theme.primary : theme.button
    border.width: (primary && active ? 0 : 2) * u
    border.color: !active ? theme.disabled : danger ? theme.alarm : theme.primary
    opacity: area.pressed ? 0.7 : 1.0

    Text {
        anchors.fill: parent
        anchors.margins: 8 * button.u
        text: button.text
        color: !button.active ? button.theme.disabled
             : button.primary ? button.theme.primaryText
             : button.danger ? button.theme.alarm : button.theme.buttonText
        font.family: button.theme.face
        font.pixelSize: button.textSize * button.u * button.theme.f
        font.bold: true
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 12 * button.u
    }
    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.active
        onClicked: button.clicked()
    }
}
