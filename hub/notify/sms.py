"""The HTTP SMS gateway adapter: one JSON POST per message, with an idempotency key.

The gateway's API (what ``SimulatedSmsGateway`` speaks, and what a real provider's
adapter must offer; docs/notifications.md):

    POST {sms_url}
    Authorization: Bearer {OKNO_SMS_TOKEN}        (when set)
    Idempotency-Key: {key}                         the same for every attempt of a message
    {"to": "+79161234567", "from": "MFC", "text": "..."}

    200/201/202 {"id": "..."}     accepted; a repeated key answers the first id, sends nothing
    400/422 {"error": "..."}      refused for good (a bad number): not retried
    other, or no answer           try again later
"""

from __future__ import annotations

import logging

import httpx

from hub.notify.errors import DeliveryFailed, MessageRefused
from hub.notify.outgoing import Outgoing

log = logging.getLogger(__name__)
TIMEOUT_S = 10.0


class SmsGateway:
    channel = "sms"
    # Requests in flight at once: each has its idempotency key, so a retry is harmless.
    # A burst of notices (the information system's changes) is drained this many per
    # commit; fewer made the drain fall behind the changes (docs/benchmarks.md, issue 21).
    at_once = 32
    # Every attempt carries the message's idempotency key: a retry never sends twice.
    idempotent = True

    def __init__(
        self, url: str, sender: str, *, token: str = "", timeout_s: float = TIMEOUT_S
    ) -> None:
        self.url = url
        self.sender = sender
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    async def send(self, message: Outgoing) -> str:
        if self._client is None:
            # Opened at the first message (and again after close): one pool of connections.
            self._client = httpx.AsyncClient(headers=self._headers, timeout=self._timeout_s)
        try:
            response = await self._client.post(
                self.url,
                json={"to": message.to, "from": self.sender, "text": message.text},
                headers={"Idempotency-Key": message.key},
            )
        except httpx.HTTPError as err:
            raise DeliveryFailed(
                f"the SMS gateway {self.url} did not answer ({type(err).__name__}): will retry"
            ) from err
        if response.status_code in (200, 201, 202):
            try:
                return str(response.json().get("id", ""))
            except ValueError:
                return ""
        reason = _reason(response)
        if response.status_code in (400, 422):
            raise MessageRefused(f"the SMS gateway refused the message: {reason}")
        raise DeliveryFailed(
            f"the SMS gateway answered {response.status_code} ({reason}): will retry"
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:120]
    except ValueError:
        return response.text[:120]
