// A refusal the visitor must understand: what happened, and what to do.
import QtQuick

Item {
    id: notice
    required property var view
    required property Theme theme
    required property real u

    Rectangle {
        id: mark
        anchors.horizontalCenter: parent.horizontalCenter
        y: 110 * notice.u
        width: 220 * notice.u
        height: width
        radius: width / 2
        color: notice.theme.warn
        Text {
            anchors.centerIn: parent
            text: "!"
            color: notice.theme.warnInk
            font.family: notice.theme.face
            font.pixelSize: 170 * notice.u
            font.bold: true
        }
    }
    Column {
        x: 60 * notice.u
        anchors.top: mark.bottom
        anchors.topMargin: 70 * notice.u
        width: parent.width - 120 * notice.u
        spacing: 50 * notice.u
        Text {
            width: parent.width
            text: notice.view.noticeTitle
            color: notice.theme.text
            font.family: notice.theme.face
            font.pixelSize: 62 * notice.u * notice.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            text: notice.view.noticeText
            color: notice.theme.text
            font.family: notice.theme.face
            font.pixelSize: 46 * notice.u * notice.view.scale
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
    Row {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40 * notice.u
        spacing: 30 * notice.u
        KButton {
            view: notice.view; theme: notice.theme; u: notice.u
            w: 420; h: 160; fontSize: 46
            text: "← " + notice.view.labels.back
            onTapped: notice.view.back()
        }
        KButton {
            view: notice.view; theme: notice.theme; u: notice.u
            w: 500; h: 160; fontSize: 46
            kind: "primary"
            text: notice.view.labels.home
            onTapped: notice.view.home()
        }
    }
}
