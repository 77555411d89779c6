// Screens with nothing to tap: out of service, starting, and the pairing code with the
// fingerprint of the hub's CA, which the technician compares with okno provision list's.
// Both languages at once: the visitor cannot switch here.
import QtQuick

Item {
    id: message
    required property var view
    required property Theme theme
    required property real u
    readonly property string mode: view.screen
    readonly property var ru: {
        "out": ["Терминал временно не работает", "Обратитесь к консультанту"],
        "starting": ["Терминал запускается…", ""],
        "pairing": ["Терминал не подключён", "Сообщите этот код технику"]
    }
    readonly property var en: {
        "out": ["Terminal temporarily out of service", "Please ask the consultant"],
        "starting": ["Starting…", ""],
        "pairing": ["This terminal is not connected", "Tell this code to the technician"]
    }

    Rectangle {
        anchors.fill: parent
        color: message.theme.background
    }
    Column {
        anchors.centerIn: parent
        width: parent.width - 120 * message.u
        spacing: 50 * message.u
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: message.mode === "out"
            width: 240 * message.u
            height: width
            radius: width / 2
            color: message.theme.alarm
            Text {
                anchors.centerIn: parent
                text: "!"
                color: message.theme.alarmInk
                font.family: message.theme.face
                font.pixelSize: 180 * message.u
                font.bold: true
            }
        }
        Text {
            width: parent.width
            text: (message.ru[message.mode] || ["", ""])[0]
            color: message.theme.text
            font.family: message.theme.face
            font.pixelSize: 76 * message.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: text !== ""
            text: (message.ru[message.mode] || ["", ""])[1]
            color: message.theme.text
            font.family: message.theme.face
            font.pixelSize: 60 * message.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: message.mode === "pairing"
            text: message.view.pairingCode
            color: message.theme.primary
            font.family: message.theme.mono
            font.pixelSize: 150 * message.u
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Column {
            width: parent.width
            visible: message.mode === "pairing" && message.view.pairingAuthority !== ""
            spacing: 12 * message.u
            Text {
                width: parent.width
                text: "Отпечаток сервера / Hub fingerprint"
                color: message.theme.muted
                font.family: message.theme.face
                font.pixelSize: 40 * message.u
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                objectName: "pairingAuthority"
                width: parent.width
                text: message.view.pairingAuthority
                color: message.theme.text
                font.family: message.theme.mono
                font.pixelSize: 64 * message.u
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
            }
            Text {
                width: parent.width
                text: "Сверьте с okno provision list"
                color: message.theme.muted
                font.family: message.theme.face
                font.pixelSize: 40 * message.u
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 600 * message.u
            height: 4 * message.u
            color: message.theme.border
        }
        Text {
            width: parent.width
            text: (message.en[message.mode] || ["", ""])[0]
            color: message.theme.muted
            font.family: message.theme.face
            font.pixelSize: 50 * message.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: text !== ""
            text: (message.en[message.mode] || ["", ""])[1]
            color: message.theme.muted
            font.family: message.theme.face
            font.pixelSize: 44 * message.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: message.mode === "pairing" && message.view.pairingAuthority !== ""
            text: "Compare its fingerprint with okno provision list"
            color: message.theme.muted
            font.family: message.theme.face
            font.pixelSize: 36 * message.u
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
}
