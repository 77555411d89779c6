// The priority the visitor at the desk claimed at the kiosk: the category, the document
// to ask for, and the two judgements (staff_desk/panel/claim_desk.py).
import QtQuick

Rectangle {
    id: claim
    required property var view
    required property Theme theme
    required property real u
    readonly property var claims: view.claims
    visible: claims.has
    // One band between the buttons above and the desk's own row below: it must fit 84 px.
    height: visible ? (claims.claimed ? 84 : 56) * u : 0
    radius: 10 * u
    color: claim.claims.claimed ? claim.theme.surface : claim.theme.background
    border.width: 2 * u
    border.color: claim.claims.claimed ? claim.theme.pause : claim.theme.good

    Column {
        x: 16 * claim.u
        anchors.verticalCenter: parent.verticalCenter
        width: (claim.claims.claimed ? judge.x - 16 * claim.u : claim.width) - 32 * claim.u
        spacing: 4 * claim.u
        Text {
            objectName: "priorityText"
            width: parent.width
            text: claim.claims.text
            color: claim.claims.claimed ? claim.theme.text : claim.theme.good
            font.family: claim.theme.face
            font.pixelSize: 19 * claim.u * claim.theme.f
            font.bold: true
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        Text {
            width: parent.width
            visible: claim.claims.document !== ""
            text: claim.claims.document
            color: claim.theme.muted
            font.family: claim.theme.face
            font.pixelSize: 16 * claim.u * claim.theme.f
            elide: Text.ElideRight
        }
    }
    Row {
        id: judge
        visible: claim.claims.claimed
        anchors.right: parent.right
        anchors.rightMargin: 10 * claim.u
        anchors.verticalCenter: parent.verticalCenter
        spacing: 10 * claim.u
        Btn {
            objectName: "confirmPriority"
            theme: claim.theme; u: claim.u
            width: 170 * claim.u; height: 64 * claim.u
            primary: true; textSize: 18
            text: claim.claims.labels.confirm
            active: claim.view.canAct
            onClicked: claim.claims.confirm()
        }
        Btn {
            objectName: "removePriority"
            theme: claim.theme; u: claim.u
            width: 150 * claim.u; height: 64 * claim.u
            danger: true; textSize: 18
            text: claim.claims.labels.remove
            active: claim.view.canAct
            onClicked: claim.claims.ask()
        }
    }
}
