// Before the technician admits this display: its pairing code, large enough to read.
import QtQuick

Rectangle {
    id: pairing
    required property var view
    required property real u
    readonly property Theme theme: Theme {}
    color: theme.background

    Column {
        anchors.centerIn: parent
        spacing: 40 * pairing.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: pairing.view.labels.pairing
            color: pairing.theme.text
            font.family: pairing.theme.face
            font.pixelSize: 64 * pairing.u
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: pairing.view.pairingCode
            color: pairing.theme.accent
            font.family: pairing.theme.face
            font.pixelSize: 220 * pairing.u
            font.bold: true
            font.letterSpacing: 24 * pairing.u
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: pairing.view.labels.pairing_hint
            color: pairing.theme.muted
            font.family: pairing.theme.face
            font.pixelSize: 36 * pairing.u
        }
    }
}
