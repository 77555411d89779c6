"""The senders a branch's configuration asks for.

A sender is chosen by URL, like every transport in okno: ``sms_url`` names the HTTP SMS
gateway (``hub/notify/sms.py``), ``smtp_url`` the mail server (``hub/notify/smtp.py``).
Secrets stay out of the branch file: ``OKNO_SMS_TOKEN``, ``OKNO_SMTP_USER`` and
``OKNO_SMTP_PASSWORD`` come from the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hub.domain.branch import Branch
from hub.notify.outgoing import Sender
from hub.notify.sms import SmsGateway
from hub.notify.smtp import SmtpSender


def senders_for(branch: Branch, environ: Mapping[str, str] = os.environ) -> list[Sender]:
    """The senders the branch's [notifications] name; none when it names none."""
    rules = branch.notifications
    found: list[Sender] = []
    if rules.sms_url:
        found.append(
            SmsGateway(rules.sms_url, rules.sms_sender, token=environ.get("OKNO_SMS_TOKEN", ""))
        )
    if rules.smtp_url:
        found.append(
            SmtpSender(
                rules.smtp_url,
                rules.mail_from,
                user=environ.get("OKNO_SMTP_USER", ""),
                password=environ.get("OKNO_SMTP_PASSWORD", ""),
            )
        )
    return found
