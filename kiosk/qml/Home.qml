// The first screen: the service groups, search, and the way in for booked visitors.
import QtQuick

Item {
    id: home
    required property var view
    required property Theme theme
    required property real u
    readonly property real rowHeight: view.large ? 210 : 180

    Text {
        id: heading
        x: 30 * home.u
        y: 16 * home.u
        width: parent.width - 60 * home.u
        // A greeting in large type wraps rather than shrinks.
        height: Math.max(100 * home.u, home.view.large ? implicitHeight : 0)
        // "Здравствуйте, Мария И." once a card is read (the voice adds "choose a service").
        text: home.view.greeting !== "" ? home.view.greeting : home.view.labels.choose
        color: home.theme.text
        font.family: home.theme.face
        font.pixelSize: 56 * home.u * home.view.scale
        font.bold: true
        fontSizeMode: home.view.large ? Text.FixedSize : Text.Fit
        wrapMode: home.view.large ? Text.WordWrap : Text.NoWrap
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Column {
        x: 30 * home.u
        anchors.top: heading.bottom
        anchors.topMargin: 20 * home.u
        spacing: 20 * home.u
        Repeater {
            model: home.view.groupsModel
            KButton {
                required property string key
                required property string title
                required property string subtitle
                view: home.view; theme: home.theme; u: home.u
                w: 1020; h: home.rowHeight; fontSize: 46
                alignLeft: true
                text: title
                sub: subtitle
                onTapped: home.view.openGroup(key)
            }
        }
    }
    // Identify with card (a kiosk with a card reader), and an application's status after
    // the visit, in one row. Once a card is read the greeting is the heading, and check-in
    // by the card's SNILS takes the card button's place when the card carries one.
    Row {
        id: extras
        readonly property bool greeted: home.view.greeting !== ""
        // The life situations share the row when the catalogue has any.
        readonly property bool situations: home.view.info.hasSituations === true
        readonly property int count: 1 + (card.visible || cardCheckIn.visible ? 1 : 0) + (situations ? 1 : 0)
        readonly property real each: (1020 - 20 * (count - 1)) / count
        x: 30 * home.u
        anchors.bottom: bottom.top
        anchors.bottomMargin: 16 * home.u
        spacing: 20 * home.u
        KButton {
            id: card
            visible: home.view.canIdentify && !extras.greeted
            view: home.view; theme: home.theme; u: home.u
            w: extras.each; h: 130; fontSize: 40
            text: "▭ " + home.view.labels.card
            sub: home.view.large ? "" : home.view.labels.card_sub
            onTapped: home.view.identifyWithCard()
        }
        KButton {
            id: cardCheckIn
            visible: extras.greeted && home.view.cardCheckIn
            view: home.view; theme: home.theme; u: home.u
            w: extras.each; h: 130; fontSize: 28
            kind: "checkin"
            text: home.view.labels.card_checkin
            sub: home.view.large ? "" : home.view.labels.card_checkin_sub
            onTapped: home.view.checkInByCard()
        }
        KButton {
            view: home.view; theme: home.theme; u: home.u
            w: extras.each; h: 130
            // One line beside another button, in large type too.
            fontSize: w < 1020 ? 34 : 40
            text: home.view.labels.status
            sub: home.view.large && w < 1020 ? "" : home.view.labels.status_sub
            onTapped: home.view.openStatus()
        }
        KButton {
            visible: extras.situations
            view: home.view; theme: home.theme; u: home.u
            w: extras.each; h: 130
            fontSize: w < 1020 ? 34 : 40
            text: home.view.labels.situations
            sub: home.view.large && w < 1020 ? "" : home.view.labels.situations_sub
            onTapped: home.view.guideActions.situations()
        }
    }
    // "Insert the card and tap again": a line of its own above the card's button.
    Text {
        x: 30 * home.u
        anchors.bottom: extras.top
        anchors.bottomMargin: 8 * home.u
        width: 1020 * home.u
        height: visible ? implicitHeight : 0
        visible: home.view.cardHint !== ""
        text: home.view.cardHint
        color: home.theme.contrast ? home.theme.warn : home.theme.alarm
        font.family: home.theme.face
        font.pixelSize: 36 * home.u * home.view.scale
        font.bold: true
        wrapMode: Text.WordWrap
    }
    // In large type the longest word, "Записаться", gets the width it needs; the three
    // stay one height.
    Row {
        id: bottom
        readonly property bool large: home.view.large
        x: 30 * home.u
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 30 * home.u
        spacing: 20 * home.u
        KButton {
            view: home.view; theme: home.theme; u: home.u
            w: bottom.large ? 270 : 326; h: bottom.large ? 250 : 210; fontSize: 40
            inset: bottom.large ? 10 : 18
            text: "⌕ " + home.view.labels.search
            sub: home.view.labels.search_sub
            onTapped: home.view.openSearch()
        }
        KButton {
            view: home.view; theme: home.theme; u: home.u
            w: bottom.large ? 380 : 326; h: bottom.large ? 250 : 210; fontSize: 40
            inset: bottom.large ? 10 : 18
            text: home.view.labels.book
            sub: home.view.labels.book_sub
            onTapped: home.view.openBooking()
        }
        KButton {
            view: home.view; theme: home.theme; u: home.u
            w: bottom.large ? 330 : 326; h: bottom.large ? 250 : 210; fontSize: 40
            inset: bottom.large ? 10 : 18
            kind: "checkin"
            text: home.view.labels.checkin
            sub: home.view.labels.checkin_sub
            onTapped: home.view.openCheckIn()
        }
    }
}
