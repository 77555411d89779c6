// The bottom row of list screens: back, home, and the pages of a longer list.
import QtQuick

Item {
    id: nav
    required property var view
    required property Theme theme
    required property real u
    property bool showHome: true
    height: 160 * u

    Row {
        x: 30 * nav.u
        anchors.verticalCenter: parent.verticalCenter
        spacing: 20 * nav.u
        KButton {
            view: nav.view; theme: nav.theme; u: nav.u
            w: 250; h: 130; fontSize: 38
            text: "← " + nav.view.labels.back
            onTapped: nav.view.back()
        }
        KButton {
            view: nav.view; theme: nav.theme; u: nav.u
            visible: nav.showHome
            w: 330; h: 130; fontSize: 38
            text: nav.view.labels.home
            onTapped: nav.view.home()
        }
    }
    Row {
        anchors.right: parent.right
        anchors.rightMargin: 30 * nav.u
        anchors.verticalCenter: parent.verticalCenter
        spacing: 14 * nav.u
        visible: nav.view.pageText !== ""
        KButton {
            view: nav.view; theme: nav.theme; u: nav.u
            w: 140; h: 130; fontSize: 30
            active: nav.view.hasPrevious
            text: nav.view.labels.earlier
            onTapped: nav.view.previousPage()
        }
        Text {
            width: 100 * nav.u
            height: 130 * nav.u
            text: nav.view.pageText
            color: nav.theme.text
            font.family: nav.theme.face
            font.pixelSize: 30 * nav.u * nav.view.scale
            fontSizeMode: Text.Fit
            minimumPixelSize: 12
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        KButton {
            view: nav.view; theme: nav.theme; u: nav.u
            w: 140; h: 130; fontSize: 30
            active: nav.view.hasNext
            kind: nav.view.hasNext ? "primary" : "secondary"
            text: nav.view.labels.later
            onTapped: nav.view.nextPage()
        }
    }
}
