// "Оформить заявление": the form (service, consent, contacts, notices, SNILS), then the
// application recorded, its number and its receipt. Errors from the hub show above the
// buttons, in words.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: dialog
    required property var view
    required property Theme theme
    required property real u
    readonly property var form: view.applications
    readonly property var draft: form.draft
    readonly property bool failed: view.message !== ""
                                   && (view.messageKind === "error" || view.messageKind === "lost")
    color: "#99000000"

    MouseArea { anchors.fill: parent }  // nothing behind the dialog takes clicks

    component Field: Column {
        id: field
        property string label: ""
        property string key: ""
        property int inputHints: Qt.ImhNone
        spacing: 4 * dialog.u
        Text {
            text: field.label
            color: dialog.theme.muted
            font.family: dialog.theme.face
            font.pixelSize: 17 * dialog.u * dialog.theme.f
            font.bold: true
        }
        TextField {
            objectName: "application-" + field.key
            width: field.width
            height: 56 * dialog.u
            text: dialog.draft[field.key]
            inputMethodHints: field.inputHints
            maximumLength: 120
            font.family: dialog.theme.face
            font.pixelSize: 22 * dialog.u * dialog.theme.f
            onTextEdited: dialog.form.setText(field.key, text)
        }
    }

    Rectangle {
        id: frame
        anchors.centerIn: parent
        width: parent.width - 120 * dialog.u
        height: parent.height - 80 * dialog.u
        radius: 12 * dialog.u
        color: dialog.theme.surface
        border.width: 2 * dialog.u
        border.color: dialog.theme.line

        Text {
            id: title
            x: 24 * dialog.u; y: 16 * dialog.u
            width: parent.width - 48 * dialog.u
            text: dialog.form.stage === "done" ? dialog.view.labels.accepted_title
                                               : dialog.form.title
            color: dialog.form.stage === "done" ? dialog.theme.good : dialog.theme.text
            font.family: dialog.theme.face
            font.pixelSize: 28 * dialog.u * dialog.theme.f
            font.bold: true
            elide: Text.ElideRight
        }

        // -- the form -------------------------------------------------------------------
        Item {
            id: formPart
            visible: dialog.form.stage === "form"
            anchors.top: title.bottom
            anchors.topMargin: 12 * dialog.u
            anchors.bottom: errorText.visible ? errorText.top : buttons.top
            anchors.bottomMargin: 8 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u

            Text {
                id: serviceHead
                text: dialog.view.labels.application_service
                color: dialog.theme.muted
                font.family: dialog.theme.face
                font.pixelSize: 20 * dialog.u * dialog.theme.f
                font.bold: true
            }
            ListView {
                id: services
                anchors.top: serviceHead.bottom
                anchors.topMargin: 8 * dialog.u
                anchors.bottom: parent.bottom
                width: 430 * dialog.u
                clip: true
                spacing: 6 * dialog.u
                model: dialog.form.services
                delegate: Btn {
                    required property var modelData
                    objectName: "service-" + modelData.id
                    theme: dialog.theme; u: dialog.u
                    width: services.width; height: 68 * dialog.u
                    textSize: 17
                    primary: dialog.draft.service === modelData.id
                    text: modelData.label + "\n" + modelData.detail
                    onClicked: dialog.form.chooseService(modelData.id)
                }
            }
            MoreBelow {
                list: services
                theme: dialog.theme; u: dialog.u
                text: dialog.view.labels.more_below
            }

            Column {
                id: contacts
                anchors.left: services.right
                anchors.leftMargin: 24 * dialog.u
                anchors.right: parent.right
                anchors.top: parent.top
                spacing: 10 * dialog.u

                Toggle {
                    objectName: "application-consent"
                    theme: dialog.theme; u: dialog.u
                    width: parent.width; height: 64 * dialog.u
                    text: dialog.view.labels.consent
                    checked: dialog.draft.consent
                    onToggled: on => dialog.form.setFlag("consent", on)
                }
                Text {
                    objectName: "consentText"
                    width: parent.width
                    text: dialog.form.consentText
                    color: dialog.theme.text
                    font.family: dialog.theme.face
                    font.pixelSize: 16 * dialog.u * dialog.theme.f
                    wrapMode: Text.WordWrap
                }
                Row {
                    width: parent.width
                    spacing: 16 * dialog.u
                    Field {
                        width: (parent.width - parent.spacing) / 2
                        label: dialog.view.labels.phone_label
                        key: "phone"
                        inputHints: Qt.ImhDialableCharactersOnly
                    }
                    Field {
                        width: (parent.width - parent.spacing) / 2
                        label: dialog.view.labels.email_label
                        key: "email"
                        inputHints: Qt.ImhEmailCharactersOnly
                    }
                }
                Row {
                    width: parent.width
                    spacing: 16 * dialog.u
                    Text {
                        width: parent.width - 2 * (180 * dialog.u + parent.spacing)
                        anchors.verticalCenter: parent.verticalCenter
                        text: dialog.view.labels.notices
                        color: dialog.theme.muted
                        font.family: dialog.theme.face
                        font.pixelSize: 17 * dialog.u * dialog.theme.f
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                    Toggle {
                        objectName: "application-sms"
                        theme: dialog.theme; u: dialog.u
                        width: 180 * dialog.u; height: 64 * dialog.u
                        text: dialog.view.labels.sms
                        checked: dialog.draft.sms
                        onToggled: on => dialog.form.setFlag("sms", on)
                    }
                    Toggle {
                        objectName: "application-mail"
                        theme: dialog.theme; u: dialog.u
                        width: 180 * dialog.u; height: 64 * dialog.u
                        text: dialog.view.labels.mail
                        checked: dialog.draft.mail
                        onToggled: on => dialog.form.setFlag("mail", on)
                    }
                }
                Field {
                    width: (parent.width - parent.spacing) / 2
                    label: dialog.view.labels.snils_label
                    key: "snils"
                    inputHints: Qt.ImhDigitsOnly
                }
            }
        }

        // -- the application recorded -------------------------------------------------
        Column {
            visible: dialog.form.stage === "done"
            anchors.top: title.bottom
            anchors.topMargin: 8 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u
            spacing: 10 * dialog.u

            Text {
                objectName: "applicationNumber"
                text: dialog.form.result.number || ""
                color: dialog.theme.text
                font.family: dialog.theme.face
                font.pixelSize: 96 * dialog.u
                font.bold: true
            }
            Repeater {
                model: [
                    [dialog.view.labels.application_service, dialog.form.result.service],
                    [dialog.view.labels.authority, dialog.form.result.authority],
                    [dialog.view.labels.accepted_at, dialog.form.result.accepted],
                    [dialog.view.labels.planned, dialog.form.result.planned],
                    [dialog.view.labels.notices, dialog.form.result.notices]
                ]
                delegate: Row {
                    required property var modelData
                    spacing: 16 * dialog.u
                    Text {
                        width: 340 * dialog.u
                        text: parent.modelData[0]
                        color: dialog.theme.muted
                        font.family: dialog.theme.face
                        font.pixelSize: 22 * dialog.u * dialog.theme.f
                    }
                    Text {
                        width: 700 * dialog.u
                        text: parent.modelData[1] || "—"
                        color: dialog.theme.text
                        font.family: dialog.theme.face
                        font.pixelSize: 22 * dialog.u * dialog.theme.f
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                }
            }
            Text {
                objectName: "receiptState"
                width: parent.width
                visible: text !== ""
                text: dialog.form.printText
                color: dialog.form.printKind === "error" ? dialog.theme.alarm : dialog.theme.good
                font.family: dialog.theme.face
                font.pixelSize: 20 * dialog.u * dialog.theme.f
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }

        Text {
            id: errorText
            objectName: "applicationError"
            anchors.bottom: buttons.top
            anchors.bottomMargin: 10 * dialog.u
            x: 24 * dialog.u
            width: parent.width - 48 * dialog.u
            visible: dialog.failed && dialog.form.stage === "form"
            text: "⚠ " + dialog.view.message
            color: dialog.theme.alarm
            font.family: dialog.theme.face
            font.pixelSize: 20 * dialog.u * dialog.theme.f
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Row {
            id: buttons
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 16 * dialog.u
            anchors.right: parent.right
            anchors.rightMargin: 24 * dialog.u
            spacing: 16 * dialog.u
            Btn {
                objectName: "applicationCancel"
                visible: dialog.form.stage === "form"
                theme: dialog.theme; u: dialog.u
                width: 220 * dialog.u
                text: dialog.view.labels.cancel
                onClicked: dialog.form.close()
            }
            Btn {
                objectName: "applicationSubmit"
                visible: dialog.form.stage === "form"
                theme: dialog.theme; u: dialog.u
                width: 300 * dialog.u
                primary: true
                text: dialog.view.labels.do_accept
                active: dialog.view.canAct
                onClicked: dialog.form.submit()
            }
            Btn {
                objectName: "applicationPrintAgain"
                visible: dialog.form.stage === "done"
                theme: dialog.theme; u: dialog.u
                width: 300 * dialog.u
                text: dialog.view.labels.print_again
                active: dialog.view.canAct
                onClicked: dialog.form.printAgain()
            }
            Btn {
                objectName: "applicationAnother"
                visible: dialog.form.stage === "done"
                theme: dialog.theme; u: dialog.u
                width: 300 * dialog.u
                text: dialog.view.labels.another
                active: dialog.view.canAct
                onClicked: dialog.form.another()
            }
            Btn {
                objectName: "applicationDone"
                visible: dialog.form.stage === "done"
                theme: dialog.theme; u: dialog.u
                width: 220 * dialog.u
                primary: true
                text: dialog.view.labels.done
                onClicked: dialog.form.close()
            }
        }
    }
}
