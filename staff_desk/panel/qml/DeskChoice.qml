// After signing in: the desks one may open, each free, one's own, or held by a colleague.
import QtQuick

Rectangle {
    id: choice
    required property var view
    required property Theme theme
    required property real u
    color: theme.background

    Text {
        id: title
        x: 32 * choice.u
        y: 24 * choice.u
        text: choice.view.labels.choose_desk
        color: choice.theme.text
        font.family: choice.theme.face
        font.pixelSize: 30 * choice.u * choice.theme.f
        font.bold: true
    }
    Text {
        anchors.top: title.bottom
        anchors.topMargin: 24 * choice.u
        x: 32 * choice.u
        visible: choice.view.desks.length === 0
        text: choice.view.labels.no_desks
        color: choice.theme.text
        font.family: choice.theme.face
        font.pixelSize: 24 * choice.u * choice.theme.f
    }
    Grid {
        anchors.top: title.bottom
        anchors.topMargin: 24 * choice.u
        x: 32 * choice.u
        columns: 3
        spacing: 20 * choice.u

        Repeater {
            model: choice.view.desks
            delegate: Btn {
                required property var modelData
                objectName: "desk-" + modelData.id
                theme: choice.theme; u: choice.u
                width: 380 * choice.u
                height: 110 * choice.u
                primary: modelData.mine
                active: modelData.free && !choice.view.busy && choice.view.link === "ok"
                text: modelData.label + "\n" + modelData.status
                onClicked: choice.view.chooseDesk(modelData.id)
            }
        }
    }
}
