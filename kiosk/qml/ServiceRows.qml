// The services of one page: a tap takes a ticket (with voice on: the first tap tells);
// "Что взять" beside a service shows its page of the catalogue.
import QtQuick

Column {
    id: rows
    required property var view
    required property Theme theme
    required property real u
    property real rowHeight: 150
    readonly property real infoWidth: view.large ? 230 : 190
    spacing: 12 * u
    Repeater {
        model: rows.view.servicesModel
        // The service (a tap takes a ticket) and, when the catalogue has its page,
        // "Что взять" beside it: the page without a ticket.
        Row {
            id: row
            required property string key
            required property string title
            required property string wait
            required property string ahead
            required property bool chosen
            required property bool hasInfo
            // The search keeps a page of rows; the ones with no service are hidden.
            visible: key !== ""
            spacing: 12 * rows.u
            KButton {
                view: rows.view; theme: rows.theme; u: rows.u
                w: row.hasInfo ? 1020 - 12 - rows.infoWidth : 1020; h: rows.rowHeight; fontSize: 40
                alignLeft: true
                text: row.title
                side: row.wait
                sideSub: row.ahead
                sub: row.chosen ? rows.view.labels.select_again : ""
                selected: row.chosen
                onTapped: rows.view.tapService(row.key)
            }
            KButton {
                visible: row.hasInfo
                view: rows.view; theme: rows.theme; u: rows.u
                w: rows.infoWidth; h: rows.rowHeight; fontSize: 30
                inset: 10
                text: rows.view.labels.info
                onTapped: rows.view.guideActions.open(row.key)
            }
        }
    }
}
