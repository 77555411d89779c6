// The desk: the visitor at it, the buttons, the desk's own queue and the day's figures.
import QtQuick

Rectangle {
    id: work
    required property var view
    required property Theme theme
    required property real u
    readonly property var current: view.current
    color: theme.background

    // -- left: the visitor and the buttons -------------------------------------------
    Item {
        id: left
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: 20 * work.u
        width: 740 * work.u

        Rectangle {
            id: card
            width: parent.width
            height: 230 * work.u
            radius: 12 * work.u
            color: work.theme.surface
            border.width: 2 * work.u
            border.color: work.current.state === "called" ? work.theme.primary : work.theme.line

            Text {
                x: 24 * work.u; y: 16 * work.u
                text: work.view.deskLabel + " · " + work.view.deskStateText
                color: work.view.deskState === "paused" ? work.theme.pause : work.theme.muted
                font.family: work.theme.face
                font.pixelSize: 20 * work.u * work.theme.f
                font.bold: true
            }
            Text {
                x: 24 * work.u; y: 52 * work.u
                visible: !work.current.has
                width: parent.width - 48 * work.u
                text: work.view.labels.nobody
                color: work.theme.text
                font.family: work.theme.face
                font.pixelSize: 28 * work.u * work.theme.f
                wrapMode: Text.WordWrap
            }
            // The visitor just served, for a service that produces documents: their
            // application(s), until the next visitor is called.
            Item {
                objectName: "applicationOffer"
                visible: !work.current.has && work.view.applications.offered
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.margins: 20 * work.u
                height: 96 * work.u
                Column {
                    anchors.left: parent.left
                    anchors.right: applyButton.left
                    anchors.rightMargin: 16 * work.u
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 4 * work.u
                    Text {
                        width: parent.width
                        text: work.view.applications.offerText
                        color: work.theme.text
                        font.family: work.theme.face
                        font.pixelSize: 20 * work.u * work.theme.f
                        font.bold: true
                        wrapMode: Text.WordWrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                    Text {
                        objectName: "recordedApplications"
                        width: parent.width
                        visible: text !== ""
                        text: work.view.applications.recordedText
                        color: work.theme.good
                        font.family: work.theme.face
                        font.pixelSize: 20 * work.u * work.theme.f
                        font.bold: true
                        elide: Text.ElideRight
                    }
                }
                Btn {
                    id: applyButton
                    objectName: "applyButton"
                    theme: work.theme; u: work.u
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    width: 280 * work.u; height: 72 * work.u
                    primary: true; textSize: 22
                    text: work.view.labels.apply
                    active: work.view.canAct
                    onClicked: work.view.applications.begin()
                }
            }
            Text {
                id: number
                objectName: "currentNumber"
                x: 24 * work.u; y: 44 * work.u
                visible: work.current.has
                text: work.current.number || ""
                color: work.theme.text
                font.family: work.theme.face
                font.pixelSize: 110 * work.u
                font.bold: true
            }
            Column {
                anchors.left: number.right
                anchors.leftMargin: 32 * work.u
                anchors.right: parent.right
                anchors.rightMargin: 24 * work.u
                y: 62 * work.u
                spacing: 8 * work.u
                visible: work.current.has

                Text {
                    width: parent.width
                    text: work.current.service || ""
                    color: work.theme.text
                    font.family: work.theme.face
                    font.pixelSize: 26 * work.u * work.theme.f
                    font.bold: true
                    wrapMode: Text.WordWrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                }
                Text {
                    text: work.current.text || ""
                    color: work.current.state === "serving" ? work.theme.good : work.theme.primary
                    font.family: work.theme.face
                    font.pixelSize: 24 * work.u * work.theme.f
                    font.bold: true
                }
                Text {
                    text: work.current.recalls || ""
                    color: work.theme.muted
                    font.family: work.theme.face
                    font.pixelSize: 20 * work.u * work.theme.f
                }
                Text {
                    visible: text !== ""
                    width: parent.width
                    wrapMode: Text.WordWrap
                    text: work.current.paid || ""
                    color: work.theme.good
                    font.family: work.theme.face
                    font.pixelSize: 20 * work.u * work.theme.f
                    font.bold: true
                }
            }
        }

        Grid {
            id: actions
            anchors.top: card.bottom
            anchors.topMargin: 20 * work.u
            width: parent.width
            columns: 2
            spacing: 16 * work.u
            readonly property real cell: (width - spacing) / 2

            Btn {
                objectName: "callNextButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 84 * work.u
                primary: true; textSize: 26
                text: work.view.labels.call_next
                active: work.view.canCall
                onClicked: work.view.callNext()
            }
            Btn {
                objectName: "recallButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 84 * work.u
                text: work.view.labels.recall
                active: work.view.canRecall
                onClicked: work.view.recall()
            }
            Btn {
                objectName: "startButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 84 * work.u
                primary: work.current.state === "called"
                text: work.view.labels.start
                active: work.view.canStart
                onClicked: work.view.startService()
            }
            Btn {
                objectName: "finishButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 84 * work.u
                primary: work.current.state === "serving"
                text: work.view.labels.finish
                active: work.view.canFinish
                onClicked: work.view.finishService()
            }
            Btn {
                objectName: "noShowButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 72 * work.u
                danger: true
                text: work.view.labels.no_show
                active: work.view.canNoShow
                onClicked: work.view.markNoShow()
            }
            Btn {
                objectName: "transferButton"
                theme: work.theme; u: work.u
                width: actions.cell; height: 72 * work.u
                text: work.view.labels.transfer
                active: work.view.canTransfer
                onClicked: work.view.showTransfer()
            }
        }

        PriorityClaim {
            anchors.top: actions.bottom
            anchors.topMargin: 16 * work.u
            width: parent.width
            view: work.view; theme: work.theme; u: work.u
        }

        Row {
            anchors.bottom: parent.bottom
            width: parent.width
            spacing: 16 * work.u
            Btn {
                objectName: "breakButton"
                theme: work.theme; u: work.u
                width: (parent.width - parent.spacing) / 2; height: 64 * work.u
                text: work.view.deskState === "paused" ? work.view.labels.resume
                                                       : work.view.labels.take_break
                primary: work.view.deskState === "paused"
                active: work.view.canBreak || work.view.canResume
                onClicked: work.view.deskState === "paused" ? work.view.resume()
                                                            : work.view.takeBreak()
            }
            Btn {
                objectName: "closeDeskButton"
                theme: work.theme; u: work.u
                width: (parent.width - parent.spacing) / 2; height: 64 * work.u
                text: work.view.labels.close_desk
                active: work.view.canClose
                onClicked: work.view.closeDesk()
            }
        }

        // On a break: nothing is called; one way back.
        Rectangle {
            visible: work.view.deskState === "paused"
            anchors.top: card.top
            anchors.bottom: actions.bottom
            width: parent.width
            radius: 12 * work.u
            color: work.theme.surface
            border.width: 3 * work.u
            border.color: work.theme.pause

            Column {
                anchors.centerIn: parent
                width: parent.width - 64 * work.u
                spacing: 20 * work.u
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: work.view.labels.break_title
                    color: work.theme.pause
                    font.family: work.theme.face
                    font.pixelSize: 64 * work.u * work.theme.f
                    font.bold: true
                }
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    text: work.view.labels.break_hint
                    color: work.theme.text
                    font.family: work.theme.face
                    font.pixelSize: 24 * work.u * work.theme.f
                    wrapMode: Text.WordWrap
                }
            }
        }
    }

    // -- right: the desk's queue and the day's figures ---------------------------------
    Rectangle {
        id: right
        anchors.left: left.right
        anchors.leftMargin: 20 * work.u
        anchors.right: parent.right
        anchors.rightMargin: 20 * work.u
        anchors.top: parent.top
        anchors.topMargin: 20 * work.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * work.u
        radius: 12 * work.u
        color: work.theme.surface
        border.width: 2 * work.u
        border.color: work.theme.line

        // The visitor whose card the desk's reader read, while the card is there.
        CardVisitor {
            id: byCard
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.margins: 12 * work.u
            visible: work.view.cardVisitor.present
            height: visible ? implicitHeight : 0
            view: work.view; theme: work.theme; u: work.u
        }
        Text {
            id: queueTitle
            x: 20 * work.u
            anchors.top: byCard.bottom
            anchors.topMargin: (byCard.visible ? 10 : 2) * work.u
            text: work.view.labels.queue + " (" + work.view.queue.length + ")"
            color: work.theme.text
            font.family: work.theme.face
            font.pixelSize: 24 * work.u * work.theme.f
            font.bold: true
        }
        Text {
            anchors.top: queueTitle.bottom
            anchors.topMargin: 16 * work.u
            x: 20 * work.u
            visible: work.view.queue.length === 0
            text: work.view.labels.queue_empty
            color: work.theme.muted
            font.family: work.theme.face
            font.pixelSize: 22 * work.u * work.theme.f
        }
        ListView {
            id: list
            anchors.top: queueTitle.bottom
            anchors.topMargin: 10 * work.u
            anchors.bottom: figures.top
            anchors.bottomMargin: 10 * work.u
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.leftMargin: 12 * work.u
            anchors.rightMargin: 12 * work.u
            clip: true
            spacing: 6 * work.u
            model: work.view.queue
            delegate: Rectangle {
                required property var modelData
                width: list.width
                height: 64 * work.u
                radius: 6 * work.u
                color: modelData.over ? work.theme.alarmSoft : work.theme.background
                border.width: modelData.here ? 3 * work.u : 0
                border.color: work.theme.primary

                Text {
                    id: rowNumber
                    x: 12 * work.u
                    anchors.verticalCenter: parent.verticalCenter
                    width: 96 * work.u * work.theme.f
                    text: parent.modelData.number
                    color: work.theme.text
                    font.family: work.theme.face
                    font.pixelSize: 26 * work.u * work.theme.f
                    font.bold: true
                }
                Column {
                    anchors.left: rowNumber.right
                    anchors.right: callThis.left
                    anchors.rightMargin: 8 * work.u
                    anchors.verticalCenter: parent.verticalCenter
                    Text {
                        width: parent.width
                        text: parent.parent.modelData.service
                        color: work.theme.text
                        font.family: work.theme.face
                        font.pixelSize: 17 * work.u * work.theme.f
                        elide: Text.ElideRight
                    }
                    Text {
                        width: parent.width
                        text: parent.parent.modelData.wait
                              + (parent.parent.modelData.over ? " · " + work.view.labels.over : "")
                              + (parent.parent.modelData.here ? " · " + work.view.labels.to_desk : "")
                        color: parent.parent.modelData.over ? work.theme.alarm : work.theme.muted
                        font.family: work.theme.face
                        font.pixelSize: 17 * work.u * work.theme.f
                        font.bold: parent.parent.modelData.over
                        elide: Text.ElideRight
                    }
                }
                Btn {
                    id: callThis
                    objectName: "call-" + parent.modelData.number
                    theme: work.theme; u: work.u
                    anchors.right: parent.right
                    anchors.rightMargin: 6 * work.u
                    anchors.verticalCenter: parent.verticalCenter
                    width: 120 * work.u; height: 56 * work.u
                    textSize: 18
                    text: work.view.labels.call_this
                    active: work.view.canCall
                    onClicked: work.view.callTicket(parent.modelData.id)
                }
            }
        }
        Rectangle {
            id: figures
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: 12 * work.u
            height: 128 * work.u
            radius: 8 * work.u
            color: work.theme.background

            Text {
                x: 14 * work.u; y: 8 * work.u
                text: work.view.labels.today
                color: work.theme.text
                font.family: work.theme.face
                font.pixelSize: 20 * work.u * work.theme.f
                font.bold: true
            }
            Grid {
                x: 14 * work.u; y: 40 * work.u
                columns: 2
                columnSpacing: 24 * work.u
                rowSpacing: 6 * work.u
                Repeater {
                    model: [
                        [work.view.labels.served, work.view.figures.served],
                        [work.view.labels.average, work.view.figures.average],
                        [work.view.labels.no_shows, work.view.figures.noShows],
                        [work.view.labels.transferred, work.view.figures.transferred]
                    ]
                    delegate: Text {
                        required property var modelData
                        text: modelData[0] + ": " + modelData[1]
                        color: work.theme.text
                        font.family: work.theme.face
                        font.pixelSize: 19 * work.u * work.theme.f
                    }
                }
            }
        }
    }
}
