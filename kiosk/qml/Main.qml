// The kiosk's one window. The design is a 1080x1920 portrait screen; one unit u is a
// pixel of it, so any portrait screen keeps the proportions (others are letterboxed).
import QtQuick

Rectangle {
    id: root
    required property var view
    readonly property real u: Math.min(width / 1080, height / 1920)
    readonly property Theme theme: Theme { contrast: root.view.large }
    readonly property var visitorScreens: ["home", "group", "search", "checkin", "ticket", "notice", "booking", "payment", "status", "info", "situations", "claim"]
    width: 1080
    height: 1920
    color: theme.background
    focus: true
    // A code scanner types what it reads (and Return); a keyboard may be attached too.
    // A USB keypad's keys are the tactile keypad's first (kiosk/keys.py maps them).
    Keys.onPressed: function(event) {
        if (root.view.keyPressed(event.key, event.modifiers, event.text)) {
            event.accepted = true
            return
        }
        if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
            root.view.typed("\r")
        else if (event.key === Qt.Key_Backspace)
            root.view.typed("\b")
        else if (event.text !== "")
            root.view.typed(event.text)
        event.accepted = true
    }

    Item {
        id: page
        width: 1080 * root.u
        height: 1920 * root.u
        anchors.centerIn: parent

        Header {
            id: header
            width: parent.width
            height: visible ? (root.view.large ? 290 : 250) * root.u : 0
            visible: root.visitorScreens.indexOf(root.view.screen) >= 0
            view: root.view
            theme: root.theme
            u: root.u
        }
        Rectangle {
            id: banner
            y: header.height
            width: parent.width
            height: visible ? 140 * root.u : 0
            visible: root.view.banner !== ""
            color: root.view.bannerAlarm ? root.theme.alarm : root.theme.warn
            Text {
                anchors.fill: parent
                anchors.leftMargin: 40 * root.u
                anchors.rightMargin: 40 * root.u
                text: root.view.banner
                color: root.view.bannerAlarm ? root.theme.alarmInk : root.theme.warnInk
                font.family: root.theme.face
                font.pixelSize: 36 * root.u * root.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
                fontSizeMode: Text.Fit
                minimumPixelSize: 14
                verticalAlignment: Text.AlignVCenter
                horizontalAlignment: Text.AlignHCenter
            }
        }
        // While the voice guides the visitor: what it says of the screen (and, with the
        // keypad, what the keys do), written for visitors who do not hear it.
        Rectangle {
            id: keysBar
            y: header.height + banner.height
            width: parent.width
            height: visible ? voiceText.implicitHeight + 30 * root.u : 0
            visible: root.view.voiceLine !== ""
            color: root.theme.focus
            Text {
                id: voiceText
                x: 30 * root.u
                width: parent.width - 60 * root.u
                anchors.verticalCenter: parent.verticalCenter
                text: root.view.voiceLine
                color: "#000000"
                font.family: root.theme.face
                font.pixelSize: 30 * root.u * root.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
        Item {
            id: body
            y: header.height + banner.height + keysBar.height
            width: parent.width
            height: parent.height - y

            Home { anchors.fill: parent; visible: root.view.screen === "home"; view: root.view; theme: root.theme; u: root.u }
            ServiceList { anchors.fill: parent; visible: root.view.screen === "group"; view: root.view; theme: root.theme; u: root.u }
            Search { anchors.fill: parent; visible: root.view.screen === "search"; view: root.view; theme: root.theme; u: root.u }
            CheckIn { anchors.fill: parent; visible: root.view.screen === "checkin"; view: root.view; theme: root.theme; u: root.u }
            TicketScreen { anchors.fill: parent; visible: root.view.screen === "ticket"; view: root.view; theme: root.theme; u: root.u }
            Notice { anchors.fill: parent; visible: root.view.screen === "notice"; view: root.view; theme: root.theme; u: root.u }
            Booking { anchors.fill: parent; visible: root.view.screen === "booking"; view: root.view; theme: root.theme; u: root.u }
            Payment { anchors.fill: parent; visible: root.view.screen === "payment"; view: root.view; theme: root.theme; u: root.u }
            Status { anchors.fill: parent; visible: root.view.screen === "status"; view: root.view; theme: root.theme; u: root.u }
            ServiceInfo { anchors.fill: parent; visible: root.view.screen === "info"; view: root.view; theme: root.theme; u: root.u }
            Situations { anchors.fill: parent; visible: root.view.screen === "situations"; view: root.view; theme: root.theme; u: root.u }
            Claim { anchors.fill: parent; visible: root.view.screen === "claim"; view: root.view; theme: root.theme; u: root.u }
            Message {
                anchors.fill: parent
                visible: ["out", "starting", "pairing"].indexOf(root.view.screen) >= 0
                view: root.view
                theme: root.theme
                u: root.u
            }
            PinPad { anchors.fill: parent; visible: ["pin", "card_pin"].indexOf(root.view.screen) >= 0; view: root.view; theme: root.theme; u: root.u }
            ServiceMenu { anchors.fill: parent; visible: root.view.screen === "service"; view: root.view; theme: root.theme; u: root.u }
        }

        // While the hub answers a tap, nothing else can be tapped.
        Rectangle {
            anchors.fill: parent
            visible: root.view.busy
            color: root.theme.shade
            MouseArea { anchors.fill: parent }
            Rectangle {
                anchors.centerIn: parent
                width: 760 * root.u
                height: 260 * root.u
                radius: 24 * root.u
                color: root.theme.surface
                border.width: root.theme.borderWidth
                border.color: root.theme.border
                Text {
                    anchors.centerIn: parent
                    text: root.view.labels.busy
                    color: root.theme.text
                    font.family: root.theme.face
                    font.pixelSize: 64 * root.u * root.view.scale
                    font.bold: true
                }
            }
        }
        // The technician's way in: five taps on this corner within three seconds.
        MouseArea {
            width: 130 * root.u
            height: 110 * root.u
            onClicked: root.view.corner()
        }
    }
    // Any touch keeps the visitor's session alive; the touch still reaches what is below.
    MouseArea {
        anchors.fill: parent
        propagateComposedEvents: true
        onPressed: function(mouse) { root.view.touched(); mouse.accepted = false }
    }
}
