// A paid service: pay the fee at the card terminal now, or take a ticket and pay at the
// desk; then the terminal's prompts as they come, and the outcome with what to do next.
import QtQuick

Item {
    id: pay
    required property var view
    required property Theme theme
    required property real u
    readonly property string step: view.payStep

    Column {
        x: 40 * pay.u
        y: 30 * pay.u
        width: parent.width - 80 * pay.u
        spacing: 24 * pay.u
        Text {
            width: parent.width
            text: pay.view.labels.pay_title
            color: pay.theme.muted
            font.family: pay.theme.face
            font.pixelSize: 44 * pay.u * pay.view.scale
        }
        Text {
            width: parent.width
            text: pay.view.payService
            color: pay.theme.text
            font.family: pay.theme.face
            font.pixelSize: 58 * pay.u * pay.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: pay.view.payAmount
            color: pay.theme.text
            font.family: pay.theme.face
            font.pixelSize: 130 * pay.u * pay.view.scale
            font.bold: true
        }
        Text {
            width: parent.width
            text: pay.view.payPurpose
            color: pay.theme.muted
            font.family: pay.theme.face
            font.pixelSize: 36 * pay.u * pay.view.scale
            wrapMode: Text.WordWrap
        }
    }

    // The offer: card payment only while the kiosk's terminal answers, else where to pay.
    Column {
        x: 30 * pay.u
        width: parent.width - 60 * pay.u
        anchors.bottom: nav.top
        anchors.bottomMargin: 30 * pay.u
        visible: pay.step === "offer"
        spacing: 30 * pay.u
        Rectangle {
            visible: !pay.view.payCard
            width: parent.width
            height: whereText.implicitHeight + 60 * pay.u
            radius: 20 * pay.u
            color: pay.theme.warn
            Text {
                id: whereText
                x: 30 * pay.u
                y: 30 * pay.u
                width: parent.width - 60 * pay.u
                text: pay.view.payWhere
                color: pay.theme.warnInk
                font.family: pay.theme.face
                font.pixelSize: 46 * pay.u * pay.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }
        KButton {
            view: pay.view; theme: pay.theme; u: pay.u
            visible: pay.view.payCard
            w: 1020; h: 230; fontSize: 54
            kind: "primary"
            text: pay.view.labels.pay_now
            sub: pay.view.labels.pay_now_sub
            onTapped: pay.view.payNow()
        }
        KButton {
            view: pay.view; theme: pay.theme; u: pay.u
            w: 1020; h: 200; fontSize: 50
            kind: pay.view.payCard ? "secondary" : "primary"
            text: pay.view.labels.pay_later
            sub: pay.view.labels.pay_later_sub
            onTapped: pay.view.takeTicket()
        }
    }

    // Paying: what the terminal asks now.
    Rectangle {
        x: 30 * pay.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 120 * pay.u
        width: parent.width - 60 * pay.u
        height: 700 * pay.u
        visible: pay.step === "paying"
        radius: 24 * pay.u
        color: pay.theme.surface
        border.width: 3 * pay.theme.borderWidth
        border.color: pay.theme.primary
        Text {
            anchors.fill: parent
            anchors.margins: 50 * pay.u
            text: pay.view.payPrompt
            color: pay.theme.text
            font.family: pay.theme.face
            font.pixelSize: 88 * pay.u * pay.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 16
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    // The outcome and the next step.
    Column {
        x: 30 * pay.u
        anchors.bottom: nav.top
        anchors.bottomMargin: 30 * pay.u
        width: parent.width - 60 * pay.u
        visible: pay.step === "outcome"
        spacing: 26 * pay.u
        Rectangle {
            readonly property string level: pay.view.payLevel
            width: parent.width
            height: outcomeText.implicitHeight + nextText.implicitHeight + 90 * pay.u
            radius: 20 * pay.u
            color: level === "ok" ? pay.theme.ok : level === "bad" ? pay.theme.alarm : pay.theme.warn
            readonly property color ink: level === "ok" ? pay.theme.okInk
                                       : level === "bad" ? pay.theme.alarmInk : pay.theme.warnInk
            Column {
                x: 30 * pay.u
                y: 30 * pay.u
                width: parent.width - 60 * pay.u
                spacing: 20 * pay.u
                Text {
                    id: outcomeText
                    width: parent.width
                    text: pay.view.payOutcome
                    color: parent.parent.ink
                    font.family: pay.theme.face
                    font.pixelSize: 64 * pay.u * pay.view.scale
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
                Text {
                    id: nextText
                    width: parent.width
                    text: pay.view.payNext
                    color: parent.parent.ink
                    font.family: pay.theme.face
                    font.pixelSize: 42 * pay.u * pay.view.scale
                    wrapMode: Text.WordWrap
                }
            }
        }
        Text {
            width: parent.width
            visible: pay.view.payReceipt !== ""
            text: pay.view.payReceipt
            color: pay.theme.text
            font.family: pay.theme.face
            font.pixelSize: 40 * pay.u * pay.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        KButton {
            view: pay.view; theme: pay.theme; u: pay.u
            w: 1020; h: 200; fontSize: 54
            kind: "primary"
            text: pay.view.labels.pay_take
            onTapped: pay.view.takeTicket()
        }
        KButton {
            view: pay.view; theme: pay.theme; u: pay.u
            visible: pay.view.payRetry
            w: 1020; h: 160; fontSize: 44
            text: pay.view.labels.pay_retry
            onTapped: pay.view.payNow()
        }
    }
    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * pay.u
        width: parent.width
        visible: pay.step !== "paying"
        view: pay.view; theme: pay.theme; u: pay.u
    }
}
