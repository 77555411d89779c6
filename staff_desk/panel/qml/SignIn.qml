// Signing in: your login and your PIN. The hub shows its staff list to no one signed out.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: signin
    required property var view
    required property Theme theme
    required property real u
    color: theme.background

    Text {
        anchors.horizontalCenter: parent.horizontalCenter
        y: 40 * signin.u
        text: signin.view.branch !== "" ? signin.view.branch : signin.view.labels.title
        color: signin.theme.text
        font.family: signin.theme.face
        font.pixelSize: 30 * signin.u * signin.theme.f
        font.bold: true
    }
    Rectangle {
        id: card
        anchors.centerIn: parent
        width: 620 * signin.u
        height: column.implicitHeight + 64 * signin.u
        radius: 12 * signin.u
        color: signin.theme.surface
        border.width: 2 * signin.u
        border.color: signin.theme.line

        Column {
            id: column
            anchors.fill: parent
            anchors.margins: 32 * signin.u
            spacing: 16 * signin.u

            Text {
                text: signin.view.labels.sign_in
                color: signin.theme.text
                font.family: signin.theme.face
                font.pixelSize: 32 * signin.u * signin.theme.f
                font.bold: true
            }
            Text {
                text: signin.view.labels.operator
                color: signin.theme.muted
                font.family: signin.theme.face
                font.pixelSize: 20 * signin.u * signin.theme.f
            }
            TextField {
                id: who
                objectName: "operatorField"
                width: parent.width
                height: 64 * signin.u
                inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                font.family: signin.theme.face
                font.pixelSize: 28 * signin.u * signin.theme.f
                onAccepted: pin.forceActiveFocus()
            }
            Text {
                text: signin.view.labels.pin + " (" + signin.view.labels.pin_hint + ")"
                color: signin.theme.muted
                font.family: signin.theme.face
                font.pixelSize: 20 * signin.u * signin.theme.f
            }
            TextField {
                id: pin
                objectName: "pinField"
                width: parent.width
                height: 64 * signin.u
                echoMode: TextInput.Password
                inputMethodHints: Qt.ImhDigitsOnly
                validator: RegularExpressionValidator { regularExpression: /[0-9]{0,12}/ }
                font.family: signin.theme.face
                font.pixelSize: 28 * signin.u * signin.theme.f
                onAccepted: enter.clicked()
            }
            Btn {
                id: enter
                objectName: "signInButton"
                theme: signin.theme; u: signin.u
                width: parent.width
                primary: true
                text: signin.view.labels.enter
                active: !signin.view.busy && signin.view.link !== "lost"
                onClicked: {
                    signin.view.signIn(who.text.trim(), pin.text)
                    pin.text = ""
                }
            }
        }
    }
    Text {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 24 * signin.u
        text: signin.view.link === "connecting" ? signin.view.labels.connecting : ""
        color: signin.theme.muted
        font.family: signin.theme.face
        font.pixelSize: 20 * signin.u * signin.theme.f
    }
}
