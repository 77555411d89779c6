// Time and date, always ticking: a board never looks frozen or blank.
import QtQuick

Item {
    id: clock
    required property var view
    required property real u
    // Date under the time (portrait) or to its left (landscape).
    property bool stacked: false
    readonly property Theme theme: Theme {}
    width: stacked ? Math.max(time.width, date.width) : time.width + date.width + 24 * u
    height: stacked ? time.height + date.height - 8 * u : time.height

    Text {
        id: time
        x: clock.width - width
        y: 0
        text: clock.view.clock
        color: clock.theme.text
        font.family: clock.theme.face
        font.pixelSize: (clock.stacked ? 84 : 92) * clock.u
        font.bold: true
    }
    Text {
        id: date
        x: clock.stacked ? clock.width - width : 0
        y: clock.stacked ? time.height - 8 * clock.u : (time.height - height) / 2
        text: clock.view.date
        color: clock.theme.muted
        font.family: clock.theme.face
        font.pixelSize: 36 * clock.u
    }
}
