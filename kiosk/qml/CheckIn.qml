// Appointment check-in: the booking code typed on a keypad of the code's own letters.
import QtQuick

Item {
    id: checkin
    required property var view
    required property Theme theme
    required property real u
    readonly property real keyHeight: view.large ? 128 : 118

    Text {
        id: heading
        x: 30 * checkin.u
        y: 16 * checkin.u
        width: parent.width - 60 * checkin.u
        height: Math.max(90 * checkin.u, checkin.view.large ? implicitHeight : 0)
        text: checkin.view.labels.code_title
        color: checkin.theme.text
        font.family: checkin.theme.face
        font.pixelSize: 56 * checkin.u * checkin.view.scale
        font.bold: true
        fontSizeMode: checkin.view.large ? Text.FixedSize : Text.Fit
        wrapMode: checkin.view.large ? Text.WordWrap : Text.NoWrap
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Text {
        id: hint
        x: 30 * checkin.u
        anchors.top: heading.bottom
        width: parent.width - 60 * checkin.u
        height: Math.max(90 * checkin.u, checkin.view.large ? implicitHeight : 0)
        text: checkin.view.labels.code_hint
        color: checkin.theme.muted
        font.family: checkin.theme.face
        font.pixelSize: 34 * checkin.u * checkin.view.scale
        wrapMode: Text.WordWrap
        fontSizeMode: checkin.view.large ? Text.FixedSize : Text.Fit
        minimumPixelSize: 12
        verticalAlignment: Text.AlignVCenter
    }
    Row {
        id: slots
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: hint.bottom
        anchors.topMargin: 16 * checkin.u
        spacing: 20 * checkin.u
        Repeater {
            model: checkin.view.codeSlots
            Rectangle {
                required property string modelData
                width: 140 * checkin.u
                height: 170 * checkin.u
                radius: 12 * checkin.u
                color: checkin.theme.surface
                border.width: 2 * checkin.theme.borderWidth
                border.color: modelData !== "" ? checkin.theme.primary : checkin.theme.border
                Text {
                    anchors.centerIn: parent
                    text: parent.modelData
                    color: checkin.theme.text
                    font.family: checkin.theme.mono
                    font.pixelSize: 110 * checkin.u
                    font.bold: true
                }
            }
        }
    }
    Text {
        id: problem
        x: 30 * checkin.u
        anchors.top: slots.bottom
        anchors.topMargin: 10 * checkin.u
        width: parent.width - 60 * checkin.u
        height: 110 * checkin.u
        text: checkin.view.codeError
        color: checkin.theme.contrast ? checkin.theme.warn : checkin.theme.alarm
        font.family: checkin.theme.face
        font.pixelSize: 36 * checkin.u * checkin.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 12
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: actions.top
        anchors.bottomMargin: 16 * checkin.u
        spacing: 10 * checkin.u
        Repeater {
            model: checkin.view.codeKeys
            Row {
                required property string modelData
                spacing: 10 * checkin.u
                Repeater {
                    model: modelData.split("")
                    KButton {
                        required property string modelData
                        view: checkin.view; theme: checkin.theme; u: checkin.u
                        w: 118; h: checkin.keyHeight; fontSize: 56
                        kind: "key"
                        text: modelData
                        onTapped: checkin.view.codeKey(modelData)
                    }
                }
            }
        }
    }
    Row {
        id: actions
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: 10 * checkin.u
        spacing: 20 * checkin.u
        KButton {
            view: checkin.view; theme: checkin.theme; u: checkin.u
            w: 400; h: 140; fontSize: 40
            text: "⌫ " + checkin.view.labels.erase
            onTapped: checkin.view.erase()
        }
        KButton {
            view: checkin.view; theme: checkin.theme; u: checkin.u
            w: 600; h: 140; fontSize: 44
            kind: "checkin"
            active: checkin.view.codeReady
            text: checkin.view.labels.continue
            onTapped: checkin.view.submitCode()
        }
    }
    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * checkin.u
        width: parent.width
        showHome: false
        view: checkin.view; theme: checkin.theme; u: checkin.u
    }
}
