// After the technician's PIN: what the kiosk knows of itself, and the way out.
import QtQuick

Item {
    id: menu
    required property var view
    required property Theme theme
    required property real u

    Column {
        x: 60 * menu.u
        y: 140 * menu.u
        width: parent.width - 120 * menu.u
        spacing: 40 * menu.u
        Text {
            text: "Обслуживание терминала / Terminal service"
            width: parent.width
            color: menu.theme.text
            font.family: menu.theme.face
            font.pixelSize: 52 * menu.u
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            text: menu.view.serviceInfo
            width: parent.width
            color: menu.theme.text
            font.family: menu.theme.mono
            font.pixelSize: 34 * menu.u
            wrapMode: Text.WrapAnywhere
        }
    }
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 80 * menu.u
        spacing: 40 * menu.u
        KButton {
            view: menu.view; theme: menu.theme; u: menu.u
            w: 800; h: 170; fontSize: 46
            kind: "primary"
            text: "Вернуться к работе / Back to work"
            onTapped: menu.view.resume()
        }
        KButton {
            view: menu.view; theme: menu.theme; u: menu.u
            w: 800; h: 170; fontSize: 46
            text: "Закрыть программу / Close the program"
            onTapped: menu.view.exitApp()
        }
    }
}
