// Before the technician admits this display: its pairing code, large enough to read, and
// the fingerprint of the hub it asked, which the technician compares with the hub's own.
// Every line wraps within the screen, so both languages show whole in portrait too.
import QtQuick

Rectangle {
    id: pairing
    required property var view
    required property real u
    readonly property Theme theme: Theme {}
    color: theme.background

    Column {
        anchors.centerIn: parent
        width: parent.width - 120 * pairing.u
        spacing: 40 * pairing.u
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: pairing.view.labels.pairing
            color: pairing.theme.text
            font.family: pairing.theme.face
            font.pixelSize: 64 * pairing.u
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: pairing.view.pairingCode
            color: pairing.theme.accent
            font.family: pairing.theme.face
            font.pixelSize: 220 * pairing.u
            // Narrower in portrait, so all six digits stay on the screen.
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 120 * pairing.u
            font.bold: true
            font.letterSpacing: 24 * pairing.u
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: pairing.view.labels.pairing_hint
            color: pairing.theme.muted
            font.family: pairing.theme.face
            font.pixelSize: 36 * pairing.u
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            topPadding: 40 * pairing.u
            visible: pairing.view.pairingAuthority !== ""
            text: pairing.view.labels.authority
            color: pairing.theme.muted
            font.family: pairing.theme.face
            font.pixelSize: 36 * pairing.u
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            visible: pairing.view.pairingAuthority !== ""
            text: pairing.view.pairingAuthority
            color: pairing.theme.text
            font.family: pairing.theme.mono
            font.pixelSize: 72 * pairing.u
            font.bold: true
        }
    }
}
