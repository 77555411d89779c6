// A service's page of the catalogue, without taking a ticket: what to bring, who may
// apply, what one gets and when, the fee, the forms; page by page. Then the checklist on
// the printer, or the link by SMS (the phone on a keypad). Everything is in view.info,
// which is empty on every other screen.
import QtQuick

Item {
    id: info
    required property var view
    required property Theme theme
    required property real u
    readonly property var shown: view.info
    readonly property bool phone: shown.step === "phone"
    readonly property var guide: view.guideActions

    Text {
        id: heading
        x: 30 * info.u
        y: 12 * info.u
        width: parent.width - 60 * info.u
        height: Math.max(84 * info.u, info.view.large ? implicitHeight : 0)
        text: info.shown.title || ""
        color: info.theme.text
        font.family: info.theme.face
        font.pixelSize: 56 * info.u * info.view.scale
        font.bold: true
        fontSizeMode: info.view.large ? Text.FixedSize : Text.Fit
        wrapMode: info.view.large ? Text.WordWrap : Text.NoWrap
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Text {
        id: service
        x: 30 * info.u
        anchors.top: heading.bottom
        width: parent.width - 60 * info.u
        height: Math.max(70 * info.u, implicitHeight)
        text: info.shown.service || ""
        color: info.theme.secondaryInk
        font.family: info.theme.face
        font.pixelSize: 42 * info.u * info.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        maximumLineCount: 2
        verticalAlignment: Text.AlignVCenter
    }

    // The page: labelled blocks on one panel.
    Rectangle {
        id: panel
        x: 30 * info.u
        anchors.top: service.bottom
        anchors.topMargin: 12 * info.u
        anchors.bottom: note.top
        anchors.bottomMargin: 12 * info.u
        width: 1020 * info.u
        visible: !info.phone
        radius: 16 * info.u
        color: info.theme.surface
        border.width: info.theme.borderWidth
        border.color: info.theme.border
        clip: true
        Column {
            x: 28 * info.u
            y: 20 * info.u
            width: parent.width - 56 * info.u
            spacing: 18 * info.u
            Repeater {
                model: info.shown.blocks || []
                Column {
                    required property var modelData
                    width: parent.width
                    spacing: 4 * info.u
                    Text {
                        width: parent.width
                        visible: text !== ""
                        text: modelData[0]
                        color: info.theme.muted
                        font.family: info.theme.face
                        font.pixelSize: 32 * info.u * info.view.scale
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                    Text {
                        width: parent.width
                        text: modelData[1]
                        color: info.theme.text
                        font.family: info.theme.face
                        font.pixelSize: 36 * info.u * info.view.scale
                        lineHeight: 1.1
                        wrapMode: Text.WordWrap
                    }
                }
            }
        }
    }

    // The phone for the link.
    Text {
        id: hint
        x: 30 * info.u
        anchors.top: service.bottom
        width: parent.width - 60 * info.u
        height: visible ? Math.max(90 * info.u, implicitHeight) : 0
        visible: info.phone
        text: info.shown.hint || ""
        color: info.theme.muted
        font.family: info.theme.face
        font.pixelSize: 36 * info.u * info.view.scale
        wrapMode: Text.WordWrap
        verticalAlignment: Text.AlignVCenter
    }
    PhoneKeypad {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: hint.bottom
        anchors.topMargin: 16 * info.u
        visible: info.phone
        view: info.view; theme: info.theme; u: info.u
        entry: info.shown.entry || ""
        ready: info.shown.ready === true
        onKey: function(digit) { info.guide.key(digit) }
        onErased: info.view.erase()
    }

    // What became of the checklist or the link; a phone's digit refused.
    Text {
        id: note
        x: 30 * info.u
        anchors.bottom: actions.top
        anchors.bottomMargin: 10 * info.u
        width: 1020 * info.u
        height: text !== "" ? Math.max(70 * info.u, implicitHeight) : 0
        text: info.shown.note || ""
        color: info.shown.level === "bad" ? (info.theme.contrast ? info.theme.warn : info.theme.alarm)
             : info.shown.level === "ok" ? info.theme.ok : info.theme.text
        font.family: info.theme.face
        font.pixelSize: 36 * info.u * info.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    Row {
        id: actions
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: 6 * info.u
        spacing: 20 * info.u
        KButton {
            visible: !info.phone && info.shown.canPrint === true
            view: info.view; theme: info.theme; u: info.u
            w: 500; h: 140; fontSize: 40
            text: info.view.labels.info_print
            onTapped: info.guide.printChecklist()
        }
        KButton {
            visible: !info.phone
            view: info.view; theme: info.theme; u: info.u
            w: info.shown.canPrint === true ? 500 : 1020; h: 140; fontSize: 40
            text: "✉ " + info.view.labels.info_link
            onTapped: info.guide.askPhone()
        }
        KButton {
            visible: info.phone
            view: info.view; theme: info.theme; u: info.u
            w: 1020; h: 140; fontSize: 44
            kind: "primary"
            active: info.shown.ready === true
            text: info.view.labels.link_send
            onTapped: info.guide.sendLink()
        }
    }
    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * info.u
        width: parent.width
        view: info.view; theme: info.theme; u: info.u
    }
}
