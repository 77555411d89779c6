// Search by name: an on-screen keyboard (Russian or English), results above it.
import QtQuick

Item {
    id: search
    required property var view
    required property Theme theme
    required property real u
    readonly property real keyWidth: (1020 - 11 * 6) / 12
    readonly property real keyHeight: view.large ? 118 : 104

    Text {
        id: heading
        x: 30 * search.u
        y: 12 * search.u
        width: parent.width - 60 * search.u
        height: 80 * search.u
        text: search.view.heading
        color: search.theme.text
        font.family: search.theme.face
        font.pixelSize: 52 * search.u * search.view.scale
        font.bold: true
        fontSizeMode: Text.Fit
        minimumPixelSize: 14
        verticalAlignment: Text.AlignVCenter
    }
    Rectangle {
        id: field
        x: 30 * search.u
        anchors.top: heading.bottom
        anchors.topMargin: 10 * search.u
        width: 1020 * search.u
        height: 110 * search.u
        radius: 12 * search.u
        color: search.theme.surface
        border.width: 2 * search.theme.borderWidth
        border.color: search.theme.primary
        Text {
            anchors.fill: parent
            anchors.leftMargin: 28 * search.u
            anchors.rightMargin: 28 * search.u
            text: search.view.query !== "" ? search.view.query + "▏" : search.view.labels.search_hint
            color: search.view.query !== "" ? search.theme.text : search.theme.muted
            font.family: search.theme.face
            font.pixelSize: 46 * search.u * search.view.scale
            fontSizeMode: Text.Fit
            minimumPixelSize: 14
            elide: Text.ElideLeft
            verticalAlignment: Text.AlignVCenter
        }
    }
    ServiceRows {
        id: results
        x: 30 * search.u
        anchors.top: field.bottom
        anchors.topMargin: 16 * search.u
        view: search.view; theme: search.theme; u: search.u
        rowHeight: search.view.large ? 190 : 150
    }
    Text {
        x: 30 * search.u
        anchors.top: field.bottom
        anchors.topMargin: 30 * search.u
        width: 1020 * search.u
        visible: search.view.searchNone
        text: search.view.labels.search_none
        color: search.theme.text
        font.family: search.theme.face
        font.pixelSize: 40 * search.u * search.view.scale
        wrapMode: Text.WordWrap
    }
    Column {
        id: keyboard
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: 16 * search.u
        spacing: 10 * search.u
        Repeater {
            model: search.view.keyboardRows
            Row {
                required property string modelData
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: 6 * search.u
                Repeater {
                    model: modelData.split("")
                    KButton {
                        required property string modelData
                        view: search.view; theme: search.theme; u: search.u
                        w: search.keyWidth; h: search.keyHeight; fontSize: 44
                        kind: "key"
                        text: modelData.toUpperCase()
                        onTapped: search.view.typeKey(modelData)
                    }
                }
            }
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 8 * search.u
            KButton {
                view: search.view; theme: search.theme; u: search.u
                w: 200; h: search.keyHeight; fontSize: 38
                kind: "key"
                text: search.view.labels.other_language === "English" ? "EN / RU" : "RU / EN"
                onTapped: search.view.switchKeyboard()
            }
            KButton {
                view: search.view; theme: search.theme; u: search.u
                w: 460; h: search.keyHeight; fontSize: 36
                kind: "key"
                text: search.view.labels.space
                onTapped: search.view.typeKey(" ")
            }
            KButton {
                view: search.view; theme: search.theme; u: search.u
                w: 340; h: search.keyHeight; fontSize: 36
                kind: "key"
                text: "⌫ " + search.view.labels.erase
                onTapped: search.view.erase()
            }
        }
    }
    NavRow {
        id: nav
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 20 * search.u
        width: parent.width
        view: search.view; theme: search.theme; u: search.u
    }
}
