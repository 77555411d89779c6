// After a service: the big button takes a regular ticket; below it, quieter, "I belong to
// a priority category", which lists the categories, each with the document the officer
// at the desk will ask for, under the plain notice (kiosk/steps/claims.py).
import QtQuick

Item {
    id: claim
    required property var view
    required property Theme theme
    required property real u
    readonly property var words: view.claim

    // In large type the list may be longer than the screen: it scrolls above the nav row.
    Flickable {
        x: 40 * claim.u
        y: 30 * claim.u
        width: parent.width - 80 * claim.u
        height: nav.y - y - 20 * claim.u
        contentHeight: content.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds
    Column {
        id: content
        width: parent.width
        spacing: 24 * claim.u
        Text {
            width: parent.width
            text: claim.words.listing ? claim.words.list_title : claim.words.title
            color: claim.theme.muted
            font.family: claim.theme.face
            font.pixelSize: 44 * claim.u * claim.view.scale
        }
        Text {
            width: parent.width
            text: claim.words.service
            color: claim.theme.text
            font.family: claim.theme.face
            font.pixelSize: 58 * claim.u * claim.view.scale
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Rectangle {
            visible: claim.words.listing
            width: parent.width
            height: noticeText.implicitHeight + 50 * claim.u
            radius: 20 * claim.u
            color: claim.theme.warn
            Text {
                id: noticeText
                x: 28 * claim.u
                y: 25 * claim.u
                width: parent.width - 56 * claim.u
                text: claim.words.notice
                color: claim.theme.warnInk
                font.family: claim.theme.face
                font.pixelSize: 40 * claim.u * claim.view.scale
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }
        Repeater {
            model: claim.words.listing ? claim.words.categories : []
            KButton {
                required property var modelData
                view: claim.view; theme: claim.theme; u: claim.u
                w: 1000; h: 170; fontSize: 44
                alignLeft: true
                text: modelData.name
                sub: modelData.document
                onTapped: claim.view.claimTake(modelData.key)
            }
        }
    }
    }

    // The offer: a regular ticket first and large; the claim below, as a plain button.
    Column {
        x: 30 * claim.u
        width: parent.width - 60 * claim.u
        anchors.bottom: nav.top
        anchors.bottomMargin: 30 * claim.u
        visible: !claim.words.listing
        spacing: 40 * claim.u
        KButton {
            view: claim.view; theme: claim.theme; u: claim.u
            w: 1020; h: 260; fontSize: 64
            kind: "primary"
            text: claim.words.take
            onTapped: claim.view.claimTake("")
        }
        KButton {
            view: claim.view; theme: claim.theme; u: claim.u
            w: 1020; h: 170; fontSize: 40
            text: claim.words.claim
            sub: claim.words.claim_sub
            onTapped: claim.view.claimList()
        }
    }

    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * claim.u
        width: parent.width
        view: claim.view; theme: claim.theme; u: claim.u
    }
}
