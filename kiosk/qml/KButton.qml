// Every touch target of the kiosk: never smaller than view.minTarget (15 mm at the
// screen's DPI), whatever the scale. At normal size its text shrinks to fit rather than
// spill over; in large type the text keeps its size, wraps, and the button grows to hold
// it: a screen gives a button in large type the width its longest word needs.
import QtQuick

Rectangle {
    id: button
    required property var view
    required property Theme theme
    required property real u
    property string text: ""
    property string sub: ""
    property string side: ""
    property string sideSub: ""
    // primary, secondary, checkin, key, toggle
    property string kind: "secondary"
    property bool selected: false
    property bool active: true
    property bool alignLeft: false
    property real w: 300
    property real h: 120
    property real fontSize: 40
    property bool bold: kind !== "key"
    readonly property bool touchTarget: true
    // The keypad's focus is on this button (kiosk/keys_guide.py): a thick frame around it.
    // (Its text without a leading sign: "← Назад" is the keys' "Назад".)
    readonly property bool focused: view.focusText !== ""
                                    && (view.focusText === text
                                        || view.focusText === text.replace(/^[←⌕▭]\s*/, ""))
    // Space between the border and the text.
    property real inset: 18
    readonly property real s: view.scale
    readonly property bool grows: s > 1
    readonly property real textHeight: mainText.implicitHeight
                                       + (sub !== "" ? 4 * u + subText.implicitHeight : 0)
    readonly property real sideHeight: (side !== "" ? sideText.implicitHeight : 0)
                                       + (sideSub !== "" ? sideSubText.implicitHeight : 0)
    signal tapped()

    width: Math.max(view.minTarget, w * u)
    height: Math.max(view.minTarget, h * u,
                     grows ? Math.max(textHeight, sideHeight) + 2 * inset * u : 0)
    radius: 14 * u
    opacity: active ? 1 : 0.4
    border.width: (selected ? 3 : 1) * theme.borderWidth
    border.color: selected ? theme.primary
                  : kind === "checkin" ? theme.checkinBorder
                  : kind === "primary" ? theme.primary : theme.border
    color: {
        var base = kind === "primary" || (kind === "toggle" && selected) ? theme.primary
                 : kind === "checkin" ? theme.checkin : theme.surface
        return area.pressed && active ? Qt.darker(base, theme.contrast ? 1.0 : 1.15) : base
    }
    readonly property color ink: kind === "primary" || (kind === "toggle" && selected) ? theme.primaryInk
                               : kind === "checkin" ? theme.checkinInk
                               : kind === "key" ? theme.text : theme.secondaryInk

    Item {
        id: label
        anchors.left: parent.left
        anchors.right: sideBox.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: button.inset * button.u
        Text {
            id: mainText
            y: button.grows ? (parent.height - button.textHeight) / 2 : 0
            width: parent.width
            height: button.grows ? implicitHeight
                    : button.sub !== "" ? parent.height * 0.6 : parent.height
            text: button.text
            color: button.ink
            font.family: button.theme.face
            font.pixelSize: button.fontSize * button.u * button.s
            font.bold: button.bold
            wrapMode: Text.WordWrap
            maximumLineCount: 3
            fontSizeMode: button.grows ? Text.FixedSize : Text.Fit
            minimumPixelSize: 14
            horizontalAlignment: button.alignLeft ? Text.AlignLeft : Text.AlignHCenter
            verticalAlignment: button.sub !== "" ? Text.AlignBottom : Text.AlignVCenter
        }
        Text {
            id: subText
            anchors.top: mainText.bottom
            anchors.topMargin: 4 * button.u
            width: parent.width
            height: button.grows ? implicitHeight : parent.height * 0.4 - 4 * button.u
            visible: button.sub !== ""
            text: button.sub
            color: button.kind === "secondary" ? button.theme.muted : button.ink
            font.family: button.theme.face
            font.pixelSize: button.fontSize * 0.7 * button.u * button.s
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            fontSizeMode: button.grows ? Text.FixedSize : Text.Fit
            minimumPixelSize: 12
            horizontalAlignment: button.alignLeft ? Text.AlignLeft : Text.AlignHCenter
            verticalAlignment: Text.AlignTop
        }
    }
    Item {
        id: sideBox
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.rightMargin: button.side !== "" ? 22 * button.u : 0
        width: button.side !== "" ? 250 * button.u * button.s : 0
        Text {
            id: sideText
            y: button.grows ? (parent.height - button.sideHeight) / 2 : 0
            width: parent.width
            height: button.grows ? implicitHeight
                    : button.sideSub !== "" ? parent.height * 0.55 : parent.height
            text: button.side
            color: button.ink
            font.family: button.theme.face
            font.pixelSize: button.fontSize * button.u * button.s
            font.bold: true
            fontSizeMode: button.grows ? Text.FixedSize : Text.Fit
            minimumPixelSize: 12
            horizontalAlignment: Text.AlignRight
            verticalAlignment: button.sideSub !== "" ? Text.AlignBottom : Text.AlignVCenter
        }
        Text {
            id: sideSubText
            y: button.grows ? sideText.y + sideText.height : parent.height * 0.55
            width: parent.width
            height: button.grows ? implicitHeight : parent.height * 0.4
            text: button.sideSub
            color: button.theme.muted
            font.family: button.theme.face
            font.pixelSize: button.fontSize * 0.72 * button.u * button.s
            wrapMode: Text.WordWrap
            fontSizeMode: button.grows ? Text.FixedSize : Text.Fit
            minimumPixelSize: 12
            horizontalAlignment: Text.AlignRight
            verticalAlignment: Text.AlignTop
        }
    }
    Rectangle {
        anchors.fill: parent
        anchors.margins: -12 * button.u
        visible: button.focused
        color: "transparent"
        radius: button.radius + 12 * button.u
        border.width: 10 * button.u
        border.color: button.theme.focus
        z: 2
    }
    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.active
        onClicked: button.tapped()
    }
}
