"""E-mail through an SMTP server (smtplib, on a thread): one connection per message.

``smtp_url``: ``smtp://host:25`` (plain), ``smtp+starttls://host:587`` or
``smtps://host:465``. Every attempt of one message carries the same Message-ID, so the
one duplicate SMTP cannot rule out (the server took the message but its "250 OK" was
lost) is recognisably the same message (docs/notifications.md, "Exactly once").
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from hub.notify.errors import DeliveryFailed, MessageRefused
from hub.notify.outgoing import Outgoing

TIMEOUT_S = 15.0


class SmtpSender:
    channel = "email"
    # One at a time, each recorded sent before the next: SMTP has no idempotency, so the
    # window for a duplicate stays one message wide (docs/notifications.md).
    at_once = 1
    # SMTP has no idempotency: each attempt is claimed before it is made.
    idempotent = False

    def __init__(
        self,
        url: str,
        mail_from: str,
        *,
        user: str = "",
        password: str = "",
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError(f'smtp_url must look like "smtp://mail.example.ru:25", not "{url}"')
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
        self.mail_from = mail_from
        self._user = user
        self._password = password
        self._timeout_s = timeout_s

    async def send(self, message: Outgoing) -> str:
        return await asyncio.to_thread(self._send, message)

    async def close(self) -> None:
        return None

    def compose(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = message.message_id
        if message.stop_url:
            # RFC 8058: mail programs offer "unsubscribe" and may POST it in one click.
            mail["List-Unsubscribe"] = f"<{message.stop_url}>"
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(message.text)
        return mail

    def _send(self, message: Outgoing) -> str:
        mail = self.compose(message)
        try:
            with self._connect() as server:
                if self.scheme == "smtp+starttls":
                    server.starttls(context=ssl.create_default_context())
                if self._user:
                    server.login(self._user, self._password)
                server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as err:
            raise MessageRefused("the mail server refused the address") from err
        except (smtplib.SMTPConnectError, smtplib.SMTPSenderRefused) as err:
            # Not this message's fault: the server is busy, or our sender is misconfigured.
            raise DeliveryFailed(f"the mail server answered {err.smtp_code}: will retry") from err
        except smtplib.SMTPResponseException as err:
            if 500 <= err.smtp_code < 600:
                raise MessageRefused(
                    f"the mail server refused the message ({err.smtp_code})"
                ) from err
            raise DeliveryFailed(f"the mail server answered {err.smtp_code}: will retry") from err
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryFailed(
                f"the mail server {self.host}:{self.port} could not take the message "
                f"({type(err).__name__}): will retry"
            ) from err
        return message.message_id

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self._timeout_s, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self._timeout_s)
