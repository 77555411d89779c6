// "Снять льготу": why, picked from the usual reasons or typed; the visitor goes back to
// the queue as a regular ticket at their place by issue time.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: dialog
    required property var view
    required property Theme theme
    required property real u
    readonly property var claims: view.claims
    property string picked: ""
    readonly property string reason: picked !== "" ? picked : typed.text.trim()
    color: "#99000000"
    onVisibleChanged: { picked = ""; typed.text = "" }

    MouseArea { anchors.fill: parent }  // nothing behind the dialog takes clicks

    Rectangle {
        anchors.centerIn: parent
        width: 820 * dialog.u
        height: column.implicitHeight + 40 * dialog.u
        radius: 12 * dialog.u
        color: dialog.theme.surface
        border.width: 2 * dialog.u
        border.color: dialog.theme.line

        Column {
            id: column
            x: 24 * dialog.u; y: 20 * dialog.u
            width: parent.width - 48 * dialog.u
            spacing: 10 * dialog.u
            Text {
                text: dialog.claims.title
                color: dialog.theme.text
                font.family: dialog.theme.face
                font.pixelSize: 28 * dialog.u * dialog.theme.f
                font.bold: true
            }
            Text {
                width: parent.width
                text: dialog.claims.labels.remove_note
                color: dialog.theme.muted
                font.family: dialog.theme.face
                font.pixelSize: 19 * dialog.u * dialog.theme.f
                wrapMode: Text.WordWrap
            }
            Text {
                text: dialog.claims.labels.reason
                color: dialog.theme.muted
                font.family: dialog.theme.face
                font.pixelSize: 20 * dialog.u * dialog.theme.f
                font.bold: true
            }
            Repeater {
                model: dialog.claims.reasons
                Btn {
                    required property string modelData
                    theme: dialog.theme; u: dialog.u
                    width: column.width; height: 64 * dialog.u
                    textSize: 21
                    primary: dialog.picked === modelData
                    text: modelData
                    onClicked: { dialog.picked = modelData; typed.text = "" }
                }
            }
            Text {
                text: dialog.claims.labels.other
                color: dialog.theme.muted
                font.family: dialog.theme.face
                font.pixelSize: 18 * dialog.u * dialog.theme.f
            }
            TextField {
                id: typed
                objectName: "priorityReason"
                width: column.width
                height: 64 * dialog.u
                maximumLength: 200
                font.family: dialog.theme.face
                font.pixelSize: 22 * dialog.u * dialog.theme.f
                onTextEdited: dialog.picked = ""
            }
            Row {
                anchors.right: parent.right
                spacing: 16 * dialog.u
                Btn {
                    theme: dialog.theme; u: dialog.u
                    width: 220 * dialog.u
                    text: dialog.view.labels.cancel
                    onClicked: dialog.claims.cancel()
                }
                Btn {
                    objectName: "priorityRemoveConfirm"
                    theme: dialog.theme; u: dialog.u
                    width: 300 * dialog.u
                    danger: true
                    text: dialog.claims.labels.do_remove
                    active: dialog.reason !== "" && dialog.view.canAct
                    onClicked: dialog.claims.remove(dialog.reason)
                }
            }
        }
    }
}
