// Transfer the visitor: to another service (any desk serving it) or to one desk, with a
// comment for staff only. A choice no open desk would call says so before it is made,
// and again once chosen, above the button.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: dialog
    required property var view
    required property Theme theme
    required property real u
    property string service: ""
    property string desk: ""
    // What the chosen row says, kept up to date as desks open and close meanwhile.
    readonly property string warning: {
        const rows = service !== "" ? view.transferServices : view.transferDesks
        const chosen = service !== "" ? service : desk
        const row = rows.find(r => r.id === chosen)
        return row !== undefined ? row.warning : ""
    }
    color: "#99000000"
    onVisibleChanged: { service = ""; desk = ""; comment.text = "" }

    MouseArea { anchors.fill: parent }  // nothing behind the dialog takes clicks

    Rectangle {
        anchors.centerIn: parent
        width: parent.width - 120 * dialog.u
        height: parent.height - 80 * dialog.u
        radius: 12 * dialog.u
        color: dialog.theme.surface
        border.width: 2 * dialog.u
        border.color: dialog.theme.line

        Text {
            id: title
            x: 24 * dialog.u; y: 16 * dialog.u
            text: dialog.view.transferTitle
            color: dialog.theme.text
            font.family: dialog.theme.face
            font.pixelSize: 28 * dialog.u * dialog.theme.f
            font.bold: true
        }
        Row {
            id: lists
            anchors.top: title.bottom
            anchors.topMargin: 12 * dialog.u
            anchors.bottom: warningText.visible ? warningText.top : commentLabel.top
            anchors.bottomMargin: 12 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u
            spacing: 24 * dialog.u

            Repeater {
                model: [
                    { title: dialog.view.labels.to_service, rows: dialog.view.transferServices,
                      kind: "service" },
                    { title: dialog.view.labels.to_desk_title, rows: dialog.view.transferDesks,
                      kind: "desk" }
                ]
                delegate: Item {
                    id: column
                    required property var modelData
                    width: (lists.width - lists.spacing) / 2
                    height: lists.height
                    Text {
                        id: head
                        text: column.modelData.title
                        color: dialog.theme.muted
                        font.family: dialog.theme.face
                        font.pixelSize: 20 * dialog.u * dialog.theme.f
                        font.bold: true
                    }
                    ListView {
                        id: choices
                        anchors.top: head.bottom
                        anchors.topMargin: 8 * dialog.u
                        anchors.bottom: parent.bottom
                        width: parent.width
                        clip: true
                        spacing: 6 * dialog.u
                        model: column.modelData.rows
                        delegate: Btn {
                            required property var modelData
                            objectName: "to-" + modelData.id
                            theme: dialog.theme; u: dialog.u
                            width: choices.width; height: 56 * dialog.u
                            textSize: 19
                            primary: (column.modelData.kind === "service" ? dialog.service
                                                                          : dialog.desk)
                                     === modelData.id
                            danger: modelData.warning !== ""
                            text: modelData.label
                                  + (modelData.warning !== "" ? " — " + modelData.warning : "")
                            onClicked: {
                                if (column.modelData.kind === "service") {
                                    dialog.service = modelData.id; dialog.desk = ""
                                } else {
                                    dialog.desk = modelData.id; dialog.service = ""
                                }
                            }
                        }
                    }
                    MoreBelow {
                        list: choices
                        theme: dialog.theme; u: dialog.u
                        text: dialog.view.labels.more_below
                    }
                }
            }
        }
        Text {
            id: warningText
            objectName: "transferWarning"
            anchors.bottom: commentLabel.top
            anchors.bottomMargin: 10 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u
            visible: dialog.warning !== ""
            text: "⚠ " + dialog.view.labels.transfer_unserved
            color: dialog.theme.alarm
            font.family: dialog.theme.face
            font.pixelSize: 19 * dialog.u * dialog.theme.f
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            id: commentLabel
            anchors.bottom: comment.top
            anchors.bottomMargin: 6 * dialog.u
            x: 24 * dialog.u
            text: dialog.view.labels.comment
            color: dialog.theme.muted
            font.family: dialog.theme.face
            font.pixelSize: 18 * dialog.u * dialog.theme.f
        }
        TextField {
            id: comment
            objectName: "transferComment"
            anchors.bottom: buttons.top
            anchors.bottomMargin: 12 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u
            height: 56 * dialog.u
            maximumLength: 500
            font.family: dialog.theme.face
            font.pixelSize: 22 * dialog.u * dialog.theme.f
        }
        Row {
            id: buttons
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 16 * dialog.u
            anchors.right: parent.right
            anchors.rightMargin: 24 * dialog.u
            spacing: 16 * dialog.u
            Btn {
                objectName: "transferCancel"
                theme: dialog.theme; u: dialog.u
                width: 220 * dialog.u
                text: dialog.view.labels.cancel
                onClicked: dialog.view.hideTransfer()
            }
            Btn {
                objectName: "transferConfirm"
                theme: dialog.theme; u: dialog.u
                width: 260 * dialog.u
                primary: true
                text: dialog.view.labels.do_transfer
                active: (dialog.service !== "" || dialog.desk !== "") && dialog.view.canAct
                onClicked: dialog.view.transfer(dialog.service, dialog.desk, comment.text)
            }
        }
    }
}
