// The services of one page: a tap takes a ticket (with voice on: the first tap tells).
import QtQuick

Column {
    id: rows
    required property var view
    required property Theme theme
    required property real u
    property real rowHeight: 150
    spacing: 12 * u
    Repeater {
        model: rows.view.servicesModel
        KButton {
            required property string key
            required property string title
            required property string wait
            required property string ahead
            required property bool chosen
            view: rows.view; theme: rows.theme; u: rows.u
            w: 1020; h: rows.rowHeight; fontSize: 40
            alignLeft: true
            text: title
            side: wait
            sideSub: ahead
            sub: chosen ? rows.view.labels.select_again : ""
            selected: chosen
            onTapped: rows.view.tapService(key)
        }
    }
}
