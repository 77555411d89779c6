// The display's one window: the hall board or a desk display, scaled to the screen.
import QtQuick

Rectangle {
    id: root
    required property var view
    // One unit is a pixel of the 1080p design (landscape 1920x1080, portrait 1080x1920):
    // a 4K screen gets u = 2, so every size keeps its proportion.
    readonly property real u: view.portrait ? Math.min(width / 1080, height / 1920)
                                            : Math.min(width / 1920, height / 1080)
    width: 1920
    height: 1080
    color: "black"

    HallBoard {
        anchors.fill: parent
        visible: root.view.mode === "hall"
        view: root.view
        u: root.u
    }
    DeskBoard {
        anchors.fill: parent
        visible: root.view.mode === "desk"
        view: root.view
        u: root.u
    }
    PairingCode {
        objectName: "pairing"
        anchors.fill: parent
        visible: root.view.pairingCode !== ""
        view: root.view
        u: root.u
    }
}
