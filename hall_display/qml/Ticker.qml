// The running line at the bottom; it stands still in screenshots (view.animate false).
import QtQuick

Item {
    id: ticker
    required property var view
    required property real u
    readonly property Theme theme: Theme {}
    readonly property string status: view.link === "resyncing" ? view.labels.resyncing
                                   : view.link === "connecting" ? view.labels.connecting : ""
    clip: true

    Rectangle {
        width: parent.width
        height: 2 * ticker.u
        color: ticker.theme.line
    }
    Text {
        id: line
        anchors.verticalCenter: parent.verticalCenter
        x: 32 * ticker.u
        text: ticker.status !== "" ? ticker.status : ticker.view.ticker
        color: ticker.status !== "" ? ticker.theme.accent : ticker.theme.text
        font.family: ticker.theme.face
        font.pixelSize: 46 * ticker.u
        NumberAnimation on x {
            running: ticker.view.animate && ticker.status === "" && line.width > ticker.width - 64 * ticker.u
            from: ticker.width
            to: -line.width
            duration: Math.max(1, (ticker.width + line.width) / (140 * ticker.u)) * 1000
            loops: Animation.Infinite
        }
    }
}
