// A PIN typed on the screen: the technician's (the way out of kiosk mode), or the card's
// in the kiosk's reader (view.pinTitle says which). Digits are shown as dots.
import QtQuick

Item {
    id: pad
    required property var view
    required property Theme theme
    required property real u

    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        y: 140 * pad.u
        spacing: 30 * pad.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: pad.view.pinTitle
            color: pad.theme.text
            font.family: pad.theme.face
            font.pixelSize: 56 * pad.u * pad.view.scale
            font.bold: true
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 720 * pad.u
            height: 140 * pad.u
            radius: 12 * pad.u
            color: pad.theme.surface
            border.width: 2 * pad.theme.borderWidth
            border.color: pad.theme.primary
            Text {
                anchors.centerIn: parent
                text: pad.view.pinDots
                color: pad.theme.text
                font.family: pad.theme.face
                font.pixelSize: 70 * pad.u * pad.view.scale
            }
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            // No width without a message: the Column leaves an empty line out.
            width: text !== "" ? 1020 * pad.u : 0
            height: Math.max(70 * pad.u, implicitHeight)
            text: pad.view.pinMessage
            color: pad.theme.alarm
            font.family: pad.theme.face
            font.pixelSize: 40 * pad.u * pad.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: 24 * pad.u
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
                KButton {
                    required property string modelData
                    view: pad.view; theme: pad.theme; u: pad.u
                    w: 220; h: 160; fontSize: 70
                    kind: "key"
                    text: modelData
                    onTapped: pad.view.pinKey(modelData)
                }
            }
            KButton {
                view: pad.view; theme: pad.theme; u: pad.u
                w: 220; h: 160; fontSize: 50
                kind: "key"
                text: "⌫"
                onTapped: pad.view.erase()
            }
            KButton {
                view: pad.view; theme: pad.theme; u: pad.u
                w: 220; h: 160; fontSize: 70
                kind: "key"
                text: "0"
                onTapped: pad.view.pinKey("0")
            }
            KButton {
                view: pad.view; theme: pad.theme; u: pad.u
                w: 220; h: 160; fontSize: 40
                kind: "primary"
                text: "OK"
                onTapped: pad.view.submitPin()
            }
        }
    }
    KButton {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 60 * pad.u
        view: pad.view; theme: pad.theme; u: pad.u
        w: 600; h: 150; fontSize: 44
        text: pad.view.screen === "card_pin" ? pad.view.labels.cancel : "Отмена / Cancel"
        onTapped: pad.view.resume()
    }
}
