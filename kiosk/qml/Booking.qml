// Booking a time: a service, a day, a free time, a phone for the reminder, the summary,
// then the booking code in large type. Which step is shown is the flow's (view.bookStep).
import QtQuick

Item {
    id: book
    required property var view
    required property Theme theme
    required property real u
    readonly property string step: view.bookStep
    readonly property bool listing: step === "service" || step === "day" || step === "slot"

    Text {
        id: heading
        x: 30 * book.u
        y: 16 * book.u
        width: parent.width - 60 * book.u
        height: Math.max(100 * book.u, book.view.large ? implicitHeight : 0)
        text: book.view.bookTitle
        color: book.theme.text
        font.family: book.theme.face
        font.pixelSize: 58 * book.u * book.view.scale
        font.bold: true
        fontSizeMode: book.view.large ? Text.FixedSize : Text.Fit
        wrapMode: book.view.large ? Text.WordWrap : Text.NoWrap
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
        horizontalAlignment: book.step === "done" ? Text.AlignHCenter : Text.AlignLeft
    }
    Text {
        id: note
        x: 30 * book.u
        anchors.top: heading.bottom
        width: parent.width - 60 * book.u
        // A long note (the privacy text under the phone keypad) wraps and grows.
        height: visible ? Math.max(90 * book.u, implicitHeight) : 0
        visible: book.view.bookNote !== "" && book.step !== "done"
        text: book.view.bookNote
        color: book.theme.muted
        font.family: book.theme.face
        font.pixelSize: 38 * book.u * book.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.FixedSize
        minimumPixelSize: 12
        verticalAlignment: Text.AlignVCenter
    }

    // Services, days or times: one grid, its columns by the step.
    Grid {
        x: 30 * book.u
        anchors.top: note.bottom
        anchors.topMargin: 20 * book.u
        visible: book.listing
        columns: book.step === "slot" ? 3 : book.step === "day" ? 2 : 1
        spacing: 20 * book.u
        Repeater {
            model: book.view.choicesModel
            KButton {
                required property string key
                required property string title
                required property string subtitle
                required property bool active
                view: book.view; theme: book.theme; u: book.u
                w: book.step === "slot" ? 326 : book.step === "day" ? 500 : 1020
                h: book.step === "day" ? 200 : book.step === "slot" ? 150 : (book.view.large ? 200 : 160)
                fontSize: book.step === "slot" ? 56 : 44
                alignLeft: book.step === "service"
                kind: book.step === "slot" ? "key" : "secondary"
                text: title
                sub: subtitle
                active: active
                onTapped: book.view.choose(key)
            }
        }
    }

    // The phone for an SMS reminder: +7 and ten digits on a keypad.
    Column {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.top: note.bottom
        anchors.topMargin: 20 * book.u
        visible: book.step === "phone"
        spacing: 20 * book.u
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 900 * book.u
            height: 150 * book.u
            radius: 12 * book.u
            color: book.theme.surface
            border.width: 2 * book.theme.borderWidth
            border.color: book.view.phoneReady ? book.theme.primary : book.theme.border
            Text {
                anchors.centerIn: parent
                text: book.view.phoneText
                color: book.theme.text
                font.family: book.theme.mono
                font.pixelSize: 84 * book.u
                font.bold: true
            }
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: 16 * book.u
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ""]
                KButton {
                    required property string modelData
                    view: book.view; theme: book.theme; u: book.u
                    w: 260; h: book.view.large ? 150 : 140; fontSize: 64
                    kind: "key"
                    visible: modelData !== ""
                    text: modelData
                    onTapped: modelData === "⌫" ? book.view.erase() : book.view.phoneKey(modelData)
                }
            }
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 20 * book.u
            KButton {
                view: book.view; theme: book.theme; u: book.u
                w: 490; h: 150; fontSize: 40
                text: book.view.labels.no_reminder
                onTapped: book.view.phoneDone(true)
            }
            KButton {
                view: book.view; theme: book.theme; u: book.u
                w: 490; h: 150; fontSize: 40
                kind: "primary"
                active: book.view.phoneReady
                text: book.view.labels.remind
                onTapped: book.view.phoneDone(false)
            }
        }
    }

    // The summary before booking.
    Column {
        x: 30 * book.u
        anchors.top: note.bottom
        anchors.topMargin: 30 * book.u
        width: parent.width - 60 * book.u
        visible: book.step === "confirm"
        spacing: 30 * book.u
        Repeater {
            model: book.view.summary
            Column {
                required property var modelData
                width: parent.width
                Text {
                    width: parent.width
                    text: modelData[0]
                    color: book.theme.muted
                    font.family: book.theme.face
                    font.pixelSize: 36 * book.u * book.view.scale
                }
                Text {
                    width: parent.width
                    text: modelData[1]
                    color: book.theme.text
                    font.family: book.theme.face
                    font.pixelSize: 54 * book.u * book.view.scale
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
            }
        }
        Text {
            width: parent.width
            visible: book.view.bookPrivacy !== ""
            text: book.view.bookPrivacy
            color: book.theme.muted
            font.family: book.theme.face
            font.pixelSize: 34 * book.u * book.view.scale
            wrapMode: Text.WordWrap
        }
        KButton {
            view: book.view; theme: book.theme; u: book.u
            w: 1020; h: 190; fontSize: 56
            kind: "checkin"
            text: book.view.labels.confirm
            onTapped: book.view.confirmBooking()
        }
    }

    // Booked: the code in large type, when, and the slip.
    Column {
        x: 30 * book.u
        anchors.top: heading.bottom
        anchors.topMargin: 20 * book.u
        width: parent.width - 60 * book.u
        visible: book.step === "done"
        spacing: 24 * book.u
        Text {
            width: parent.width
            text: book.view.labels.booked_code
            color: book.theme.muted
            font.family: book.theme.face
            font.pixelSize: 44 * book.u * book.view.scale
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            width: parent.width
            height: 300 * book.u
            radius: 20 * book.u
            color: book.theme.surface
            border.width: 3 * book.theme.borderWidth
            border.color: book.theme.checkinBorder
            Text {
                anchors.centerIn: parent
                text: book.view.bookedCode
                color: book.theme.text
                font.family: book.theme.mono
                font.pixelSize: 210 * book.u
                font.bold: true
                font.letterSpacing: 12 * book.u
            }
        }
        Text {
            width: parent.width
            text: book.view.bookedWhen
            color: book.theme.text
            font.family: book.theme.face
            font.pixelSize: 60 * book.u * book.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            width: parent.width
            text: book.view.bookedService
            color: book.theme.text
            font.family: book.theme.face
            font.pixelSize: 44 * book.u * book.view.scale
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Rectangle {
            readonly property string level: book.view.bookedPrintLevel
            width: parent.width
            height: 150 * book.u
            radius: 14 * book.u
            color: level === "ok" ? book.theme.ok
                 : level === "bad" ? book.theme.alarm
                 : level === "warn" ? book.theme.warn : book.theme.surface
            Text {
                anchors.fill: parent
                anchors.margins: 20 * book.u
                text: book.view.bookedPrint
                color: parent.level === "ok" ? book.theme.okInk
                     : parent.level === "bad" ? book.theme.alarmInk
                     : parent.level === "warn" ? book.theme.warnInk : book.theme.text
                font.family: book.theme.face
                font.pixelSize: 42 * book.u * book.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
                fontSizeMode: Text.Fit
                minimumPixelSize: 12
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }
        Text {
            width: parent.width
            text: book.view.labels.booked_hint
            color: book.theme.muted
            font.family: book.theme.face
            font.pixelSize: 38 * book.u * book.view.scale
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
    KButton {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 40 * book.u
        visible: book.step === "done"
        view: book.view; theme: book.theme; u: book.u
        w: 600; h: 150; fontSize: 48
        kind: "primary"
        text: book.view.labels.done
        onTapped: book.view.home()
    }
    NavRow {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * book.u
        width: parent.width
        visible: book.step !== "done"
        view: book.view; theme: book.theme; u: book.u
    }
}
