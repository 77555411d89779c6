// Life situations ("Рождение ребёнка", "Переезд"): a tap lists the services it needs.
import QtQuick

Item {
    id: list
    required property var view
    required property Theme theme
    required property real u

    Text {
        id: heading
        x: 30 * list.u
        y: 16 * list.u
        width: parent.width - 60 * list.u
        height: Math.max(110 * list.u, list.view.large ? implicitHeight : 0)
        text: list.view.heading
        color: list.theme.text
        font.family: list.theme.face
        font.pixelSize: 52 * list.u * list.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        maximumLineCount: 2
        fontSizeMode: list.view.large ? Text.FixedSize : Text.Fit
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Column {
        x: 30 * list.u
        anchors.top: heading.bottom
        anchors.topMargin: 16 * list.u
        spacing: 12 * list.u
        Repeater {
            model: list.view.groupsModel
            KButton {
                required property string key
                required property string title
                required property string subtitle
                view: list.view; theme: list.theme; u: list.u
                w: 1020; h: list.view.large ? 190 : 150; fontSize: 44
                alignLeft: true
                text: title
                sub: subtitle
                onTapped: list.view.openGroup(key)
            }
        }
    }
    NavRow {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * list.u
        width: parent.width
        view: list.view; theme: list.theme; u: list.u
    }
}
