// The operator panel's one window: sign-in, desk choice, the desk, the hall.
import QtQuick

Rectangle {
    id: root
    required property var view
    // One unit is a pixel of the 1280x800 design.
    readonly property real u: Math.min(width / 1280, height / 800)
    readonly property Theme theme: Theme { large: root.view.large }
    width: 1280
    height: 800
    color: theme.background

    Header {
        id: header
        width: parent.width
        visible: root.view.screen !== "signin"
        height: visible ? 72 * root.u : 0
        view: root.view; theme: root.theme; u: root.u
        title: root.view.screen === "admin"
               ? root.view.labels.hall_title + " · " + root.view.branch
               : root.view.operatorName
                 + (root.view.deskLabel !== "" ? " · " + root.view.deskLabel : "")
    }
    Banner {
        id: banner
        anchors.top: header.bottom
        width: parent.width
        view: root.view; theme: root.theme; u: root.u
    }
    Item {
        anchors.top: banner.bottom
        anchors.bottom: parent.bottom
        width: parent.width

        SignIn {
            anchors.fill: parent
            visible: root.view.screen === "signin"
            view: root.view; theme: root.theme; u: root.u
        }
        DeskChoice {
            anchors.fill: parent
            visible: root.view.screen === "desks"
            view: root.view; theme: root.theme; u: root.u
        }
        Work {
            anchors.fill: parent
            visible: root.view.screen === "work"
            view: root.view; theme: root.theme; u: root.u
        }
        Hall {
            anchors.fill: parent
            visible: root.view.screen === "admin"
            view: root.view; theme: root.theme; u: root.u
        }
    }
    ApplicationDialog {
        anchors.fill: parent
        visible: root.view.applications.open
        view: root.view; theme: root.theme; u: root.u
    }
    PriorityDialog {
        anchors.fill: parent
        visible: root.view.claims.asking
        view: root.view; theme: root.theme; u: root.u
    }
    TransferDialog {
        anchors.fill: parent
        visible: root.view.transferOpen
        view: root.view; theme: root.theme; u: root.u
    }
}
