// An application's status: its number and the phone left at the desk on a keypad (or the
// card in the reader), then the application found, one a page. Everything is in
// view.lookup, which is empty on every other screen.
import QtQuick

Item {
    id: status
    required property var view
    required property Theme theme
    required property real u
    readonly property var shown: view.lookup
    readonly property bool typing: shown.step === "number" || shown.step === "phone"

    Text {
        id: heading
        x: 30 * status.u
        y: 16 * status.u
        width: parent.width - 60 * status.u
        height: Math.max(100 * status.u, status.view.large ? implicitHeight : 0)
        text: status.shown.title || ""
        color: status.theme.text
        font.family: status.theme.face
        font.pixelSize: 58 * status.u * status.view.scale
        font.bold: true
        fontSizeMode: status.view.large ? Text.FixedSize : Text.Fit
        wrapMode: status.view.large ? Text.WordWrap : Text.NoWrap
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Text {
        id: hint
        x: 30 * status.u
        anchors.top: heading.bottom
        width: parent.width - 60 * status.u
        height: visible ? Math.max(90 * status.u, implicitHeight) : 0
        visible: status.typing
        text: status.shown.hint || ""
        color: status.theme.muted
        font.family: status.theme.face
        font.pixelSize: 36 * status.u * status.view.scale
        wrapMode: Text.WordWrap
        verticalAlignment: Text.AlignVCenter
    }

    // The number or the phone being typed, the note under it, the keypad.
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: hint.bottom
        anchors.topMargin: 16 * status.u
        visible: status.typing
        spacing: 16 * status.u
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 900 * status.u
            height: 150 * status.u
            radius: 12 * status.u
            color: status.theme.surface
            border.width: 2 * status.theme.borderWidth
            border.color: status.shown.ready ? status.theme.primary : status.theme.border
            Text {
                anchors.centerIn: parent
                text: status.shown.entry || ""
                color: status.theme.text
                font.family: status.theme.mono
                font.pixelSize: 84 * status.u
                font.bold: true
            }
        }
        Text {
            width: 1020 * status.u
            height: Math.max(100 * status.u, implicitHeight)
            text: status.shown.note || ""
            color: status.shown.noteAlarm
                   ? (status.theme.contrast ? status.theme.warn : status.theme.alarm)
                   : status.theme.text
            font.family: status.theme.face
            font.pixelSize: 38 * status.u * status.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: 16 * status.u
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ""]
                KButton {
                    required property string modelData
                    view: status.view; theme: status.theme; u: status.u
                    w: 260; h: status.view.large ? 130 : 120; fontSize: 64
                    kind: "key"
                    visible: modelData !== ""
                    text: modelData
                    onTapped: modelData === "⌫" ? status.view.erase() : status.view.statusKey(modelData)
                }
            }
        }
    }
    Row {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: 10 * status.u
        spacing: 20 * status.u
        visible: status.typing
        // With a card reader: the card's holder's applications, without number or phone.
        KButton {
            visible: status.shown.canCard === true
            view: status.view; theme: status.theme; u: status.u
            w: 490; h: 150; fontSize: 40
            text: "▭ " + status.view.labels.lookup_by_card
            sub: status.view.labels.lookup_by_card_sub
            onTapped: status.view.statusByCard()
        }
        KButton {
            view: status.view; theme: status.theme; u: status.u
            w: status.shown.canCard === true ? 490 : 1020; h: 150; fontSize: 44
            kind: "primary"
            active: status.shown.ready === true
            text: status.shown.step === "phone" ? status.view.labels.lookup_find
                                                : status.view.labels.continue
            onTapped: status.view.statusSubmit()
        }
    }

    // The application found: its status in words, large and coloured, then its facts.
    Column {
        x: 30 * status.u
        anchors.top: heading.bottom
        anchors.topMargin: 20 * status.u
        width: parent.width - 60 * status.u
        visible: status.shown.step === "found"
        spacing: 28 * status.u
        Rectangle {
            readonly property string level: status.shown.level || ""
            width: parent.width
            height: 170 * status.u * status.view.scale
            radius: 16 * status.u
            color: level === "ok" ? status.theme.ok
                 : level === "bad" ? status.theme.alarm
                 : level === "warn" ? status.theme.warn : status.theme.surface
            border.width: status.theme.borderWidth
            border.color: status.theme.border
            // One long word ("Приостановлено") in large type: smaller, never cut.
            Text {
                anchors.fill: parent
                anchors.margins: 16 * status.u
                text: status.shown.status || ""
                color: parent.level === "ok" ? status.theme.okInk
                     : parent.level === "bad" ? status.theme.alarmInk
                     : parent.level === "warn" ? status.theme.warnInk : status.theme.text
                font.family: status.theme.face
                font.pixelSize: 80 * status.u * status.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
                fontSizeMode: Text.Fit
                minimumPixelSize: 30
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }
        Repeater {
            model: status.shown.facts || []
            Column {
                required property var modelData
                width: parent.width
                spacing: 4 * status.u
                Text {
                    width: parent.width
                    text: parent.modelData[0]
                    color: status.theme.muted
                    font.family: status.theme.face
                    font.pixelSize: 34 * status.u * status.view.scale
                    wrapMode: Text.WordWrap
                }
                Text {
                    width: parent.width
                    text: parent.modelData[1]
                    color: status.theme.text
                    font.family: status.theme.face
                    font.pixelSize: 46 * status.u * status.view.scale
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
            }
        }
    }
    KButton {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: 20 * status.u
        visible: status.shown.canCollect === true
        view: status.view; theme: status.theme; u: status.u
        w: 1020; h: 170; fontSize: 46
        kind: "checkin"
        text: status.view.labels.lookup_collect
        sub: status.view.labels.lookup_collect_sub
        onTapped: status.view.collect()
    }
    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * status.u
        width: parent.width
        view: status.view; theme: status.theme; u: status.u
    }
}
