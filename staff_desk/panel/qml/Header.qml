// The bar across the top: where and who, the clock, the way to the hall or out.
import QtQuick

Rectangle {
    id: header
    required property var view
    required property Theme theme
    required property real u
    property string title: ""
    height: 72 * u
    color: theme.header

    Text {
        anchors.left: parent.left
        anchors.leftMargin: 20 * header.u
        anchors.right: buttons.left
        anchors.rightMargin: 16 * header.u
        anchors.verticalCenter: parent.verticalCenter
        text: header.title
        color: header.theme.headerText
        font.family: header.theme.face
        font.pixelSize: 26 * header.u * header.theme.f
        font.bold: true
        elide: Text.ElideRight
    }
    Row {
        id: buttons
        anchors.right: parent.right
        anchors.rightMargin: 12 * header.u
        anchors.verticalCenter: parent.verticalCenter
        spacing: 12 * header.u

        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: header.view.clock
            color: header.theme.headerText
            font.family: header.theme.face
            font.pixelSize: 26 * header.u * header.theme.f
            font.bold: true
            rightPadding: 8 * header.u
        }
        Btn {
            objectName: "hallButton"
            theme: header.theme; u: header.u
            width: 150 * header.u; height: 56 * header.u
            visible: header.view.isAdmin && header.view.isOperator
            text: header.view.screen === "admin" ? header.view.labels.back_to_desk
                                                 : header.view.labels.hall
            textSize: 20
            active: !header.view.busy
            onClicked: header.view.screen === "admin" ? header.view.showDesk()
                                                      : header.view.showHall()
        }
        Btn {
            objectName: "signOutButton"
            theme: header.theme; u: header.u
            width: 150 * header.u; height: 56 * header.u
            text: header.view.labels.sign_out
            textSize: 20
            active: !header.view.busy
            onClicked: header.view.signOut()
        }
    }
}
