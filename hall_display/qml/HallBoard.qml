// The hall board: latest calls big, history, waiting per service, clock, announcement,
// running line. Geometry in units of the 1080p design, landscape or portrait.
import QtQuick

Item {
    id: board
    required property var view
    required property real u
    readonly property Theme theme: Theme {}
    readonly property bool tall: view.portrait
    readonly property real margin: 32 * u
    // The calls' column: the left of a landscape board, the whole width of a portrait one.
    readonly property real callsWidth: (tall ? 1016 : 1136) * u
    readonly property real sideX: tall ? margin : 1212 * u
    readonly property real sideWidth: (tall ? 1016 : 676) * u

    // Header: the branch's name, the time and date.
    Text {
        x: board.margin
        width: (board.tall ? 560 : 1000) * board.u
        height: (board.tall ? 160 : 120) * board.u
        verticalAlignment: Text.AlignVCenter
        text: board.view.title
        color: board.theme.text
        font.family: board.theme.face
        font.pixelSize: 42 * board.u
        font.bold: true
        wrapMode: Text.WordWrap
        maximumLineCount: 2
        elide: Text.ElideRight
        fontSizeMode: Text.VerticalFit
        minimumPixelSize: 24 * board.u
    }
    // Lost link: a red band over the header, the clock still on it; the calls dim.
    LostBanner {
        id: lostBanner
        width: parent.width
        height: (board.tall ? 160 : 120) * board.u
        view: board.view
        u: board.u
        textX: board.margin
        textWidth: (board.tall ? 620 : 1280) * board.u
        align: Text.AlignLeft
        size: board.tall ? 44 : 52
        z: 1
    }
    Clock {
        z: 2
        anchors.right: parent.right
        anchors.rightMargin: board.margin
        y: (board.tall ? 6 : 12) * board.u
        view: board.view
        u: board.u
        stacked: board.tall
    }
    Rectangle {
        y: (board.tall ? 160 : 120) * board.u
        width: parent.width
        height: 2 * board.u
        color: board.theme.line
    }

    // Latest calls.
    Item {
        id: calls
        x: board.margin
        y: (board.tall ? 170 : 130) * board.u
        width: board.callsWidth
        height: (board.tall ? 60 + 6 * 134 : 60 + 5 * 128) * board.u
        opacity: board.view.lost ? 0.45 : 1.0

        Text {
            x: 24 * board.u
            height: 60 * board.u
            verticalAlignment: Text.AlignVCenter
            text: board.view.labels.ticket
            color: board.theme.muted
            font.family: board.theme.face
            font.pixelSize: 40 * board.u
        }
        Text {
            anchors.right: parent.right
            anchors.rightMargin: 36 * board.u
            height: 60 * board.u
            verticalAlignment: Text.AlignVCenter
            text: board.view.labels.desk
            color: board.theme.muted
            font.family: board.theme.face
            font.pixelSize: 40 * board.u
        }
        Column {
            y: 60 * board.u
            width: parent.width
            Repeater {
                model: board.view.latestModel
                delegate: CallRow {
                    width: calls.width
                    height: (board.tall ? 134 : 128) * board.u
                    u: board.u
                    size: board.tall ? 110 : 104
                }
            }
        }
        // Nobody called yet: one line per language, each fitted to the column.
        Column {
            objectName: "noCalls"
            y: 60 * board.u
            x: 24 * board.u
            width: parent.width - 48 * board.u
            visible: board.view.latestModel.count === 0
            spacing: 8 * board.u
            topPadding: 30 * board.u
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: board.view.noCalls
                color: board.theme.muted
                font.family: board.theme.face
                font.pixelSize: 44 * board.u
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 28 * board.u
                wrapMode: Text.WordWrap
            }
            Text {
                width: parent.width
                visible: text !== ""
                horizontalAlignment: Text.AlignHCenter
                text: board.view.noCalls2
                color: board.theme.muted
                font.family: board.theme.face
                font.pixelSize: 36 * board.u
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 24 * board.u
                wrapMode: Text.WordWrap
            }
        }
    }

    // Announcement area: what the voice says, written; otherwise the hall's notice, or
    // the advice to watch the board (one line per language).
    Rectangle {
        x: board.margin
        y: (board.tall ? 1050 : 846) * board.u
        width: board.callsWidth
        height: 124 * board.u
        color: board.theme.background
        radius: 12 * board.u
        border.width: 3 * board.u
        border.color: board.view.announcing ? board.theme.accent : board.theme.line

        Column {
            objectName: "announcementText"
            anchors.verticalCenter: parent.verticalCenter
            x: 28 * board.u
            width: parent.width - 56 * board.u
            spacing: 4 * board.u
            readonly property bool noticed: !board.view.announcing && board.view.notice !== ""
            readonly property string second: board.view.announcing ? board.view.announcement2
                                           : noticed ? "" : board.view.watch2
            Text {
                width: parent.width
                // A notice is the hall's own text, of any length: it wraps, then gets smaller.
                height: parent.noticed ? 108 * board.u : implicitHeight
                verticalAlignment: Text.AlignVCenter
                text: board.view.announcing ? board.view.announcement
                    : parent.noticed ? board.view.notice : board.view.watch
                color: board.view.announcing ? board.theme.accent
                    : parent.noticed ? board.theme.text : board.theme.muted
                font.family: board.theme.face
                font.pixelSize: (parent.second === "" ? (board.view.announcing ? 50 : 40) : 38) * board.u
                font.bold: board.view.announcing
                fontSizeMode: parent.noticed ? Text.Fit : Text.HorizontalFit
                minimumPixelSize: 24 * board.u
                wrapMode: parent.noticed ? Text.WordWrap : Text.NoWrap
                elide: parent.noticed ? Text.ElideNone : Text.ElideRight
            }
            Text {
                width: parent.width
                visible: parent.second !== ""
                text: parent.second
                color: board.view.announcing ? board.theme.text : board.theme.muted
                font.family: board.theme.face
                font.pixelSize: 34 * board.u
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 22 * board.u
                elide: Text.ElideRight
            }
        }
    }

    // History: calls still at desks, older than the big ones.
    Item {
        id: history
        x: board.sideX
        y: (board.tall ? 1190 : 130) * board.u
        width: board.sideWidth
        height: (board.tall ? 56 + 2 * 80 : 60 + 3 * 80) * board.u
        opacity: board.view.lost ? 0.45 : 1.0

        Text {
            height: (board.tall ? 56 : 60) * board.u
            verticalAlignment: Text.AlignVCenter
            text: board.view.labels.history
            color: board.theme.muted
            font.family: board.theme.face
            font.pixelSize: 38 * board.u
        }
        Grid {
            y: (board.tall ? 56 : 60) * board.u
            rows: board.tall ? 2 : 3
            flow: Grid.TopToBottom
            Repeater {
                model: board.view.historyModel
                delegate: Item {
                    id: cell
                    required property string ticket
                    required property int desk
                    width: history.width / (board.tall ? 3 : 2)
                    height: 80 * board.u
                    Text {
                        id: earlier
                        anchors.verticalCenter: parent.verticalCenter
                        text: cell.ticket
                        color: board.theme.text
                        font.family: board.theme.face
                        font.pixelSize: 54 * board.u
                        font.bold: true
                    }
                    Text {
                        anchors.left: earlier.right
                        anchors.leftMargin: 14 * board.u
                        anchors.verticalCenter: parent.verticalCenter
                        text: "→ " + cell.desk
                        color: board.theme.text
                        font.family: board.theme.face
                        font.pixelSize: 46 * board.u
                    }
                }
            }
        }
    }

    // Waiting per service.
    Item {
        id: queues
        objectName: "queues"
        x: board.sideX
        y: (board.tall ? 1420 : 446) * board.u
        width: board.sideWidth
        height: (board.tall ? 56 + 7 * 48 : 56 + 13 * 36) * board.u
        clip: true
        opacity: board.view.lost ? 0.45 : 1.0

        Text {
            anchors.left: parent.left
            anchors.right: pages.left
            anchors.rightMargin: 16 * board.u
            height: 56 * board.u
            verticalAlignment: Text.AlignVCenter
            text: board.view.labels.waiting
            color: board.theme.muted
            font.family: board.theme.face
            font.pixelSize: 38 * board.u
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: 26 * board.u
            elide: Text.ElideRight
        }
        // More services than one page holds: which page this is, so a visitor who does
        // not find their letter knows the list goes on.
        Row {
            id: pages
            objectName: "queuePages"
            anchors.right: parent.right
            height: 56 * board.u
            spacing: 10 * board.u
            visible: board.view.queuePages > 1
            Repeater {
                model: pages.visible ? board.view.queuePages : 0
                delegate: Rectangle {
                    required property int index
                    anchors.verticalCenter: parent.verticalCenter
                    width: 16 * board.u
                    height: width
                    radius: width / 2
                    color: index + 1 === board.view.queuePage ? board.theme.accent : "transparent"
                    border.width: 2 * board.u
                    border.color: board.theme.accent
                }
            }
            Text {
                anchors.verticalCenter: parent.verticalCenter
                text: board.view.queuePage + "/" + board.view.queuePages
                color: board.theme.accent
                font.family: board.theme.face
                font.pixelSize: 32 * board.u
                font.bold: true
            }
        }
        Grid {
            y: 56 * board.u
            rows: board.tall ? 7 : 13
            flow: Grid.TopToBottom
            columnSpacing: 32 * board.u
            Repeater {
                model: board.view.queuesModel
                delegate: Item {
                    id: service
                    objectName: "queue-" + prefix
                    required property string prefix
                    required property string name
                    required property int count
                    width: board.tall ? (queues.width - 32 * board.u) / 2 : queues.width
                    height: (board.tall ? 48 : 36) * board.u
                    Rectangle {
                        id: letter
                        anchors.verticalCenter: parent.verticalCenter
                        width: 46 * board.u
                        height: parent.height - 6 * board.u
                        radius: 4 * board.u
                        color: board.theme.accent
                        Text {
                            anchors.centerIn: parent
                            text: service.prefix
                            color: board.theme.background
                            font.family: board.theme.face
                            font.pixelSize: 28 * board.u
                            font.bold: true
                        }
                    }
                    Text {
                        anchors.left: letter.right
                        anchors.leftMargin: 14 * board.u
                        anchors.right: waitingCount.left
                        anchors.rightMargin: 12 * board.u
                        anchors.verticalCenter: parent.verticalCenter
                        text: service.name
                        color: board.theme.text
                        font.family: board.theme.narrow
                        font.pixelSize: 29 * board.u
                        elide: Text.ElideRight
                    }
                    Text {
                        id: waitingCount
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        text: service.count
                        color: service.count > 0 ? board.theme.text : board.theme.muted
                        font.family: board.theme.face
                        font.pixelSize: 32 * board.u
                        font.bold: true
                    }
                }
            }
        }
    }

    Ticker {
        x: 0
        y: (board.tall ? 1830 : 990) * board.u
        width: parent.width
        height: 90 * board.u
        view: board.view
        u: board.u
    }
}
