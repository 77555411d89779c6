// Said plainly when the board cannot trust what it shows: the hub is out of reach.
import QtQuick

Rectangle {
    id: banner
    required property var view
    required property real u
    // Where the words go: centred across the banner, or left of the clock at the top.
    property real textX: 32 * u
    property real textWidth: width - 64 * u
    property int align: Text.AlignHCenter
    property real size: 60
    readonly property Theme theme: Theme {}
    color: theme.alarm
    visible: view.lost

    Column {
        x: banner.textX
        anchors.verticalCenter: parent.verticalCenter
        width: banner.textWidth
        spacing: 4 * banner.u
        Text {
            width: parent.width
            horizontalAlignment: banner.align
            text: banner.view.labels.lost
            color: banner.theme.text
            font.family: banner.theme.face
            font.pixelSize: banner.size * banner.u
            font.bold: true
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 20 * banner.u
        }
        Text {
            width: parent.width
            horizontalAlignment: banner.align
            text: banner.view.labels.lost_hint + " · " + banner.view.lostSince
            color: banner.theme.text
            font.family: banner.theme.face
            font.pixelSize: banner.size * 0.55 * banner.u
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 14 * banner.u
        }
    }
}
