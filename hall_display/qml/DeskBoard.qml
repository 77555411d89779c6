// The display above one desk: its number and its ticket, or that it is closed or on a break.
import QtQuick

Item {
    id: desk
    objectName: "deskBoard"
    required property var view
    required property real u
    readonly property Theme theme: Theme {}
    readonly property bool calling: view.deskState === "open" && view.deskTicket !== ""

    Text {
        // "Окно / Desk 14" is wider than a portrait screen at full size: it shrinks to fit.
        x: 48 * desk.u
        width: parent.width - 96 * desk.u
        y: 40 * desk.u
        horizontalAlignment: Text.AlignHCenter
        text: desk.view.labels.desk + " " + desk.view.deskNumber
        color: desk.theme.text
        font.family: desk.theme.face
        font.pixelSize: 130 * desk.u
        font.bold: true
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: 60 * desk.u
    }
    Rectangle {
        anchors.centerIn: parent
        anchors.verticalCenterOffset: 20 * desk.u
        width: parent.width - 96 * desk.u
        height: 520 * desk.u
        radius: 24 * desk.u
        color: desk.view.deskBlink ? desk.theme.accent : desk.theme.background
        border.width: desk.view.deskHighlighted ? 8 * desk.u : 0
        border.color: desk.theme.accent
        opacity: desk.view.lost ? 0.45 : 1.0

        Text {
            anchors.fill: parent
            anchors.margins: 24 * desk.u
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
            text: desk.calling ? desk.view.deskTicket : desk.view.deskText
            color: desk.view.deskBlink ? desk.theme.background
                 : desk.calling || desk.view.deskState === "paused" ? desk.theme.accent
                 : desk.view.deskState === "open" ? desk.theme.muted : desk.theme.text
            font.family: desk.theme.face
            font.pixelSize: (desk.calling ? 380 : desk.view.deskState === "unknown" ? 60 : 150) * desk.u
            font.bold: true
            fontSizeMode: Text.Fit
            minimumPixelSize: 24 * desk.u
            wrapMode: Text.WordWrap
        }
    }
    Clock {
        anchors.right: parent.right
        anchors.rightMargin: 32 * desk.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 16 * desk.u
        view: desk.view
        u: desk.u
    }
    LostBanner {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 200 * desk.u
        view: desk.view
        u: desk.u
    }
}
