// The top of every visitor screen: the branch, the clock, and the three switches that
// make the kiosk usable for everyone (language, large type, voice).
import QtQuick

Rectangle {
    id: header
    required property var view
    required property Theme theme
    required property real u
    color: theme.header
    border.width: theme.contrast ? theme.borderWidth : 0
    border.color: theme.border

    Text {
        x: 30 * header.u
        y: 18 * header.u
        width: 820 * header.u
        height: 92 * header.u
        text: header.view.title
        color: header.theme.headerInk
        font.family: header.theme.face
        font.pixelSize: 34 * header.u * header.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        maximumLineCount: 2
        fontSizeMode: Text.Fit
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Text {
        anchors.right: parent.right
        anchors.rightMargin: 30 * header.u
        y: 18 * header.u
        height: 92 * header.u
        text: header.view.clock
        color: header.theme.headerInk
        font.family: header.theme.face
        font.pixelSize: 56 * header.u * header.view.scale
        font.bold: true
        verticalAlignment: Text.AlignVCenter
    }
    // In large type the switches grow with their words: the language one, shorter, gives
    // the others the width "Озвучивание:" needs at the large size.
    Row {
        x: 30 * header.u
        y: 122 * header.u
        spacing: (header.view.large ? 10 : 20) * header.u
        KButton {
            view: header.view; theme: header.theme; u: header.u
            w: header.view.large ? 220 : 326; h: 110; fontSize: 36
            inset: header.view.large ? 10 : 18
            kind: "toggle"
            text: header.view.labels.other_language
            onTapped: header.view.toggleLanguage()
        }
        KButton {
            view: header.view; theme: header.theme; u: header.u
            w: header.view.large ? 390 : 326; h: 110; fontSize: 34
            inset: header.view.large ? 10 : 18
            kind: "toggle"
            selected: header.view.large
            text: "Aa  " + header.view.labels.large
            onTapped: header.view.toggleLarge()
        }
        KButton {
            view: header.view; theme: header.theme; u: header.u
            w: header.view.large ? 390 : 326; h: 110; fontSize: 34
            inset: header.view.large ? 10 : 18
            kind: "toggle"
            selected: header.view.voice
            text: header.view.labels.voice + ": " + (header.view.voice ? header.view.labels.voice_on : header.view.labels.voice_off)
            onTapped: header.view.toggleVoice()
        }
    }
}
