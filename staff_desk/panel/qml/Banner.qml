// One line under the header: the hub lost (red), a refusal (red outline), a notice.
import QtQuick

Rectangle {
    id: banner
    required property var view
    required property Theme theme
    required property real u
    readonly property bool lost: view.link === "lost"
    visible: view.message !== "" || lost
    height: visible ? Math.max(56 * u, text.implicitHeight + 20 * u) : 0
    color: lost ? banner.theme.alarm
         : view.messageKind === "error" ? banner.theme.alarmSoft : banner.theme.surface
    border.width: lost ? 0 : 2 * u
    border.color: view.messageKind === "error" ? banner.theme.alarm : banner.theme.line

    Text {
        id: text
        anchors.left: parent.left
        anchors.right: close.left
        anchors.margins: 16 * banner.u
        anchors.verticalCenter: parent.verticalCenter
        text: banner.lost ? banner.view.labels.lost + ". " + banner.view.labels.lost_hint
                            + (banner.view.message !== "" && banner.view.messageKind !== "lost"
                               ? "\n" + banner.view.message : "")
                          : banner.view.message
        color: banner.lost ? "#ffffff"
             : banner.view.messageKind === "error" ? banner.theme.alarm : banner.theme.text
        font.family: banner.theme.face
        font.pixelSize: 20 * banner.u * banner.theme.f
        font.bold: true
        wrapMode: Text.WordWrap
    }
    Btn {
        id: close
        theme: banner.theme; u: banner.u
        anchors.right: parent.right
        anchors.rightMargin: 8 * banner.u
        anchors.verticalCenter: parent.verticalCenter
        width: visible ? 56 * banner.u : 0
        height: 48 * banner.u
        visible: !banner.lost
        text: "✕"
        onClicked: banner.view.dismiss()
    }
}
