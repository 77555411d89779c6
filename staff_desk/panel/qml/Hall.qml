// The hall administrator's view: the longest wait against its target, every service's
// queue (flagged when people wait and no open desk serves it), every desk with who holds
// it; desks opened and closed from here. The lists are models updated row by row, so a
// refresh or an action keeps where the administrator scrolled to.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: hall
    required property var view
    required property Theme theme
    required property real u
    readonly property var head: view.headline
    color: theme.background

    Rectangle {
        id: headline
        objectName: "headline"
        x: 20 * hall.u; y: 16 * hall.u
        width: parent.width - 40 * hall.u
        height: 84 * hall.u
        radius: 10 * hall.u
        color: hall.head.over ? hall.theme.alarm : hall.theme.surface
        border.width: 2 * hall.u
        border.color: hall.head.over ? hall.theme.alarm : hall.theme.line

        Text {
            anchors.left: parent.left
            anchors.leftMargin: 20 * hall.u
            anchors.right: parent.right
            anchors.rightMargin: 20 * hall.u
            anchors.verticalCenter: parent.verticalCenter
            text: hall.view.labels.longest + ": " + hall.head.text
                  + (hall.head.service !== "" ? " — " + hall.head.service : "")
                  + (hall.head.target !== "" ? " (" + hall.head.target + ")" : "")
                  + (hall.head.over ? " · " + hall.view.labels.over : "")
            color: hall.head.over ? "#ffffff" : hall.theme.text
            font.family: hall.theme.face
            font.pixelSize: 26 * hall.u * hall.theme.f
            font.bold: true
            elide: Text.ElideRight
        }
    }

    // -- services --------------------------------------------------------------------
    Rectangle {
        id: services
        anchors.top: headline.bottom
        anchors.topMargin: 16 * hall.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 16 * hall.u
        x: 20 * hall.u
        width: 500 * hall.u
        radius: 10 * hall.u
        color: hall.theme.surface
        border.width: 2 * hall.u
        border.color: hall.theme.line

        Text {
            id: servicesTitle
            x: 16 * hall.u; y: 10 * hall.u
            text: hall.view.labels.services
            color: hall.theme.text
            font.family: hall.theme.face
            font.pixelSize: 22 * hall.u * hall.theme.f
            font.bold: true
        }
        ListView {
            id: serviceList
            objectName: "serviceList"
            anchors.top: servicesTitle.bottom
            anchors.topMargin: 8 * hall.u
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 8 * hall.u
            x: 8 * hall.u
            width: parent.width - 16 * hall.u
            clip: true
            spacing: 4 * hall.u
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {
                policy: serviceList.contentHeight > serviceList.height ? ScrollBar.AlwaysOn
                                                                       : ScrollBar.AsNeeded
            }
            model: hall.view.serviceModel
            header: Row {
                height: 30 * hall.u
                Text { width: 270 * hall.u; text: hall.view.labels.service; color: hall.theme.muted
                       font.family: hall.theme.face; font.pixelSize: 16 * hall.u * hall.theme.f }
                Text { width: 70 * hall.u; text: hall.view.labels.waiting; color: hall.theme.muted
                       font.family: hall.theme.face; font.pixelSize: 16 * hall.u * hall.theme.f }
                Text { text: hall.view.labels.longest_short; color: hall.theme.muted
                       font.family: hall.theme.face; font.pixelSize: 16 * hall.u * hall.theme.f }
            }
            delegate: Rectangle {
                id: queueRow
                required property var entry
                readonly property bool alarm: entry.over || entry.unserved !== ""
                objectName: "service-" + entry.id
                width: ListView.view.width - 12 * hall.u
                height: (entry.unserved !== "" ? 66 : 44) * hall.u
                radius: 6 * hall.u
                color: alarm ? hall.theme.alarmSoft : "transparent"
                border.width: alarm ? 2 * hall.u : 0
                border.color: hall.theme.alarm
                Row {
                    id: figures
                    y: 10 * hall.u
                    x: 8 * hall.u
                    Text {
                        width: 262 * hall.u
                        text: queueRow.entry.prefix + "  " + queueRow.entry.name
                        color: hall.theme.text
                        font.family: hall.theme.face
                        font.pixelSize: 18 * hall.u * hall.theme.f
                        elide: Text.ElideRight
                    }
                    Text {
                        width: 70 * hall.u
                        text: queueRow.entry.waiting
                        color: hall.theme.text
                        font.family: hall.theme.face
                        font.pixelSize: 20 * hall.u * hall.theme.f
                        font.bold: true
                    }
                    Text {
                        text: queueRow.entry.longest
                        color: queueRow.entry.over ? hall.theme.alarm : hall.theme.text
                        font.family: hall.theme.face
                        font.pixelSize: 18 * hall.u * hall.theme.f
                        font.bold: queueRow.entry.over
                    }
                }
                Text {
                    objectName: "unserved-" + queueRow.entry.id
                    anchors.top: figures.bottom
                    anchors.topMargin: 2 * hall.u
                    x: 28 * hall.u
                    width: parent.width - 36 * hall.u
                    visible: queueRow.entry.unserved !== ""
                    text: "⚠ " + queueRow.entry.unserved
                    color: hall.theme.alarm
                    font.family: hall.theme.face
                    font.pixelSize: 16 * hall.u * hall.theme.f
                    font.bold: true
                    elide: Text.ElideRight
                }
            }
        }
        MoreBelow {
            objectName: "servicesMore"
            list: serviceList
            theme: hall.theme; u: hall.u
            text: hall.view.labels.more_below
        }
    }

    // -- desks -----------------------------------------------------------------------
    Rectangle {
        anchors.top: headline.bottom
        anchors.topMargin: 16 * hall.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 16 * hall.u
        anchors.left: services.right
        anchors.leftMargin: 16 * hall.u
        anchors.right: parent.right
        anchors.rightMargin: 20 * hall.u
        radius: 10 * hall.u
        color: hall.theme.surface
        border.width: 2 * hall.u
        border.color: hall.theme.line

        Text {
            id: desksTitle
            x: 16 * hall.u; y: 10 * hall.u
            text: hall.view.labels.desks
            color: hall.theme.text
            font.family: hall.theme.face
            font.pixelSize: 22 * hall.u * hall.theme.f
            font.bold: true
        }
        ListView {
            id: deskList
            anchors.top: desksTitle.bottom
            anchors.topMargin: 8 * hall.u
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 8 * hall.u
            x: 8 * hall.u
            width: parent.width - 16 * hall.u
            objectName: "deskList"
            clip: true
            spacing: 4 * hall.u
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {
                policy: deskList.contentHeight > deskList.height ? ScrollBar.AlwaysOn
                                                                 : ScrollBar.AsNeeded
            }
            model: hall.view.deskModel
            delegate: Rectangle {
                id: row
                required property var entry
                readonly property bool closed: entry.state === "closed"
                width: deskList.width - 12 * hall.u
                height: 60 * hall.u
                radius: 6 * hall.u
                color: hall.theme.background

                Text {
                    id: deskName
                    x: 8 * hall.u
                    width: 150 * hall.u
                    anchors.verticalCenter: parent.verticalCenter
                    text: row.entry.label
                    color: hall.theme.text
                    font.family: hall.theme.face
                    font.pixelSize: 18 * hall.u * hall.theme.f
                    font.bold: true
                    elide: Text.ElideRight
                }
                Text {
                    id: deskState
                    anchors.left: deskName.right
                    width: 96 * hall.u
                    anchors.verticalCenter: parent.verticalCenter
                    text: row.entry.stateText
                    color: row.entry.state === "open" ? hall.theme.good
                         : row.entry.state === "paused" ? hall.theme.pause : hall.theme.muted
                    font.family: hall.theme.face
                    font.pixelSize: 17 * hall.u * hall.theme.f
                    font.bold: true
                }
                Text {
                    anchors.left: deskState.right
                    anchors.right: action.left
                    anchors.rightMargin: 8 * hall.u
                    anchors.verticalCenter: parent.verticalCenter
                    visible: !row.closed
                    text: row.entry.who
                          + (row.entry.ticket !== "" ? " · " + row.entry.ticket : "")
                          + (row.entry.served !== "" ? " · " + hall.view.labels.served + " "
                             + row.entry.served : "")
                    color: hall.theme.text
                    font.family: hall.theme.face
                    font.pixelSize: 17 * hall.u * hall.theme.f
                    elide: Text.ElideRight
                }
                ComboBox {
                    id: who
                    objectName: "openFor-" + row.entry.id
                    anchors.left: deskState.right
                    anchors.right: action.left
                    anchors.rightMargin: 8 * hall.u
                    anchors.verticalCenter: parent.verticalCenter
                    height: 52 * hall.u
                    visible: row.closed
                    model: row.entry.candidates
                    textRole: "name"
                    valueRole: "id"
                    font.family: hall.theme.face
                    font.pixelSize: 17 * hall.u * hall.theme.f
                }
                Btn {
                    id: action
                    objectName: (row.closed ? "open-" : "close-") + row.entry.id
                    theme: hall.theme; u: hall.u
                    anchors.right: parent.right
                    anchors.rightMargin: 6 * hall.u
                    anchors.verticalCenter: parent.verticalCenter
                    width: 130 * hall.u; height: 52 * hall.u
                    textSize: 18
                    primary: row.closed
                    text: row.closed ? hall.view.labels.do_open : hall.view.labels.do_close
                    active: hall.view.canAct && (!row.closed || who.count > 0)
                            && (row.closed || row.entry.ticket === "")
                    onClicked: row.closed ? hall.view.openFor(row.entry.id, who.currentValue)
                                          : hall.view.closeFor(row.entry.id)
                }
            }
        }
        MoreBelow {
            objectName: "desksMore"
            list: deskList
            theme: hall.theme; u: hall.u
            text: hall.view.labels.more_below
        }
    }
}
