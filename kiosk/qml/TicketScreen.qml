// The ticket the hub issued: the number large, the wait, what became of the print, a QR
// code to photograph. Shown only after the hub's answer.
import QtQuick

Item {
    id: ticket
    required property var view
    required property Theme theme
    required property real u
    readonly property real s: view.scale

    Column {
        x: 30 * ticket.u
        y: 20 * ticket.u
        width: parent.width - 60 * ticket.u
        spacing: 14 * ticket.u
        Text {
            width: parent.width
            text: ticket.view.ticketTitle
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 50 * ticket.u * ticket.s
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            text: ticket.view.ticketNumber
            color: ticket.theme.contrast ? ticket.theme.primary : ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 230 * ticket.u
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            text: ticket.view.ticketService
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 42 * ticket.u * ticket.s
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: ticket.view.ticketAppointment !== ""
            text: ticket.view.ticketAppointment
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 40 * ticket.u * ticket.s
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: ticket.view.claim.ticketLine !== ""
            text: ticket.view.claim.ticketLine
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 40 * ticket.u * ticket.s
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            text: ticket.view.ticketAhead
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 42 * ticket.u * ticket.s
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            visible: ticket.view.ticketWait !== ""
            text: ticket.view.ticketWait
            color: ticket.theme.text
            font.family: ticket.theme.face
            font.pixelSize: 42 * ticket.u * ticket.s
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            width: parent.width
            height: 170 * ticket.u
            radius: 16 * ticket.u
            readonly property string level: ticket.view.ticketPrintLevel
            color: level === "ok" ? ticket.theme.ok
                 : level === "bad" ? ticket.theme.alarm
                 : level === "warn" ? ticket.theme.warn : ticket.theme.surface
            border.width: ticket.theme.borderWidth
            border.color: ticket.theme.border
            Text {
                anchors.fill: parent
                anchors.margins: 20 * ticket.u
                text: ticket.view.ticketPrint
                color: parent.level === "ok" ? ticket.theme.okInk
                     : parent.level === "bad" ? ticket.theme.alarmInk
                     : parent.level === "warn" ? ticket.theme.warnInk : ticket.theme.text
                font.family: ticket.theme.face
                font.pixelSize: 40 * ticket.u * ticket.s
                font.bold: true
                wrapMode: Text.WordWrap
                fontSizeMode: Text.Fit
                minimumPixelSize: 14
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }
        Row {
            spacing: 36 * ticket.u
            Rectangle {
                width: 340 * ticket.u
                height: 340 * ticket.u
                color: "white"
                Image {
                    anchors.fill: parent
                    source: ticket.view.qrSource
                    cache: false
                    smooth: true
                    mipmap: true
                    fillMode: Image.PreserveAspectFit
                }
            }
            Text {
                width: 640 * ticket.u
                height: 340 * ticket.u
                text: ticket.view.labels.qr
                color: ticket.theme.text
                font.family: ticket.theme.face
                font.pixelSize: 38 * ticket.u * ticket.s
                wrapMode: Text.WordWrap
                fontSizeMode: Text.Fit
                minimumPixelSize: 14
                verticalAlignment: Text.AlignVCenter
            }
        }
    }
    KButton {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 30 * ticket.u
        view: ticket.view; theme: ticket.theme; u: ticket.u
        w: 640; h: 150; fontSize: 50
        kind: "primary"
        text: ticket.view.labels.done
        onTapped: ticket.view.home()
    }
}
