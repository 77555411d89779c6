// "Посетитель по карте": who the desk's card reader read, their bookings and applications.
import QtQuick

Rectangle {
    id: block
    objectName: "cardVisitor"
    required property var view
    required property Theme theme
    required property real u
    readonly property var card: view.cardVisitor
    implicitHeight: content.implicitHeight + 28 * u
    radius: 8 * u
    color: theme.background
    border.width: 3 * u
    border.color: theme.primary

    Column {
        id: content
        x: 14 * block.u; y: 14 * block.u
        width: parent.width - 28 * block.u
        spacing: 6 * block.u

        Text {
            text: block.card.labels.title
            color: block.theme.primary
            font.family: block.theme.face
            font.pixelSize: 18 * block.u * block.theme.f
            font.bold: true
        }
        Text {
            objectName: "cardVisitorName"
            width: parent.width
            text: block.card.name
            color: block.theme.text
            font.family: block.theme.face
            font.pixelSize: 26 * block.u * block.theme.f
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: block.card.kind
            color: block.theme.muted
            font.family: block.theme.face
            font.pixelSize: 16 * block.u * block.theme.f
            wrapMode: Text.WordWrap
        }
        Text {
            text: block.card.labels.bookings
            color: block.theme.text
            font.family: block.theme.face
            font.pixelSize: 18 * block.u * block.theme.f
            font.bold: true
        }
        Text {
            visible: block.card.bookings.length === 0
            text: block.card.labels.no_bookings
            color: block.theme.muted
            font.family: block.theme.face
            font.pixelSize: 16 * block.u * block.theme.f
        }
        Repeater {
            model: block.card.bookings
            delegate: Item {
                required property var modelData
                width: content.width
                height: 52 * block.u
                Text {
                    anchors.left: parent.left
                    anchors.right: checkIn.left
                    anchors.rightMargin: 8 * block.u
                    anchors.verticalCenter: parent.verticalCenter
                    text: parent.modelData.text
                    color: block.theme.text
                    font.family: block.theme.face
                    font.pixelSize: 16 * block.u * block.theme.f
                    wrapMode: Text.WordWrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                }
                Btn {
                    id: checkIn
                    objectName: "cardCheckIn-" + parent.modelData.code
                    theme: block.theme; u: block.u
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    width: 190 * block.u; height: 48 * block.u
                    textSize: 16
                    text: block.card.labels.check_in
                    active: parent.modelData.open && block.view.canAct
                    onClicked: block.card.checkIn(parent.modelData.code)
                }
            }
        }
        Text {
            objectName: "cardCheckedIn"
            visible: text !== ""
            width: parent.width
            text: block.card.note
            color: block.theme.good
            font.family: block.theme.face
            font.pixelSize: 16 * block.u * block.theme.f
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            text: block.card.labels.applications
            color: block.theme.text
            font.family: block.theme.face
            font.pixelSize: 18 * block.u * block.theme.f
            font.bold: true
        }
        Text {
            visible: block.card.applications.length === 0
            text: block.card.labels.no_applications
            color: block.theme.muted
            font.family: block.theme.face
            font.pixelSize: 16 * block.u * block.theme.f
        }
        Repeater {
            model: block.card.applications
            delegate: Text {
                required property var modelData
                width: content.width
                text: modelData
                color: block.theme.text
                font.family: block.theme.face
                font.pixelSize: 16 * block.u * block.theme.f
                wrapMode: Text.WordWrap
            }
        }
    }
}
