// Under a list that goes on past its bottom edge: "more below", until it is scrolled to
// the end, so a clipped row is never taken for the last one.
import QtQuick

Rectangle {
    id: more
    required property Flickable list
    required property Theme theme
    required property real u
    required property string text
    anchors.left: list.left
    anchors.right: list.right
    anchors.bottom: list.bottom
    height: 30 * u
    visible: list.contentHeight > list.height + 1 && !list.atYEnd
    gradient: Gradient {
        GradientStop { position: 0.0; color: "transparent" }
        GradientStop { position: 0.45; color: more.theme.surface }
    }

    Text {
        anchors.right: parent.right
        anchors.rightMargin: 20 * more.u
        anchors.bottom: parent.bottom
        text: more.text
        color: more.theme.primary
        font.family: more.theme.face
        font.pixelSize: 16 * more.u * more.theme.f
        font.bold: true
    }
}
