"""The centre's information system (АИС МФЦ) sending application statuses to an okno hub.

An example for integrators: the whole protocol in one page (docs/applications.md, "The
information system's API"). It needs only grpcio, protobuf and okno's generated protos
(protos/okno/v1); run it from the repository's root, with the account's PIN in the
environment (never on the command line):

    OKNO_AIS_PIN=... python examples/ais_client.py --hub 10.0.0.2:50051 \\
        --ca var/okno-pki/ca.pem changes.csv

changes.csv has a header and one change a line, in the order they were made:

    change_id,number,status,changed_at_unix_ms,planned_ready,reason
    dir-88121,261207-017,ready,1796630400000,,
    dir-88122,261207-018,suspended,1796630460000,,нужна справка о составе семьи

What it does, and what yours should do:
- signs in as the account (Staff.SignIn) and sends the token with every call; when a call
  is UNAUTHENTICATED the session has ended (end of the branch's day, a new PIN): sign in
  again and resend;
- gives every change the id it has in your system and the time it was made there: a
  resend with the same id is answered ``applied=false`` and changes nothing, so a change
  whose answer was lost (UNAVAILABLE, DEADLINE_EXCEEDED) is simply sent again;
- ``applied=false`` means the hub has the change already: it is done;
- any other error is a refusal for good, with the hub's code in the ``okno-error``
  trailer: ``stale_change`` (a later change of this application was applied: drop this
  one), ``not_allowed`` (the status cannot follow the present one), ``unknown_application``,
  ``bad_planned_date``, ``invalid_request``. Resending it will not help; a person must look.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

import grpc

from protos.okno.v1 import applications_pb2, applications_pb2_grpc, staff_pb2, staff_pb2_grpc

TIMEOUT_S = 10.0
ATTEMPTS = 6
# The hub may have applied a change whose answer never came: the same id makes the resend safe.
RESEND = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


@dataclass(frozen=True)
class Change:
    change_id: str
    number: str
    # accepted, in_work, suspended, ready, issued, refused, cancelled; "": the date only.
    status: str
    changed_at_unix_ms: int
    planned_ready: str = ""
    reason: str = ""


class Refused(Exception):
    """The hub refused the change for good: sending it again will not help."""

    def __init__(self, error: grpc.Call) -> None:
        trailers = dict(error.trailing_metadata() or ())
        self.code = str(trailers.get("okno-error") or error.code().name)
        super().__init__(f"{self.code}: {error.details()}")


class HubUnreachable(Exception):
    """No answer after every attempt: send the change again later, with the same id."""


class SignInRefused(Exception):
    """The account or its PIN is wrong: a person must fix it (okno hub staff set-pin)."""


class StatusSender:
    """Sends changes over ``channel`` signed in as ``account``; ``pause`` waits between tries."""

    def __init__(
        self,
        channel: grpc.Channel,
        account: str,
        pin: str,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self._staff = staff_pb2_grpc.StaffStub(channel)
        self._applications = applications_pb2_grpc.ApplicationsStub(channel)
        self._account = account
        self._pin = pin
        self._pause = pause
        self._token = ""
        self.sign_ins = 0

    def send(self, change: Change) -> bool:
        """Until the hub has ``change``: True if this call applied it, False if it had it."""
        status = f"APPLICATION_STATUS_{change.status.upper() or 'UNSPECIFIED'}"
        request = applications_pb2.SetApplicationStatusRequest(
            number=change.number,
            status=applications_pb2.ApplicationStatus.Value(status),
            reason=change.reason,
            planned_ready=change.planned_ready,
            change_id=change.change_id,
            changed_at_unix_ms=change.changed_at_unix_ms,
        )
        for attempt in range(ATTEMPTS):
            try:
                if not self._token:
                    self._sign_in()
                reply = self._applications.SetStatus(
                    request,
                    metadata=(("authorization", f"Bearer {self._token}"),),
                    timeout=TIMEOUT_S,
                )
            except grpc.RpcError as failed:
                error = cast(grpc.Call, failed)
                if error.code() == grpc.StatusCode.UNAUTHENTICATED:
                    self._token = ""  # the session ended: sign in again
                elif error.code() in RESEND:
                    self._pause(min(0.5 * 2**attempt, 30.0))
                else:
                    raise Refused(error) from None
            else:
                return reply.applied
        raise HubUnreachable(f"no answer for change {change.change_id} after {ATTEMPTS} tries")

    def _sign_in(self) -> None:
        try:
            answer = self._staff.SignIn(
                staff_pb2.SignInRequest(operator_id=self._account, pin=self._pin),
                timeout=TIMEOUT_S,
            )
        except grpc.RpcError as failed:
            error = cast(grpc.Call, failed)
            if error.code() in RESEND:
                raise
            # A wrong PIN is not tried again: five in a row lock the account for 15 minutes.
            raise SignInRefused(f"{self._account}: {error.details()}") from None
        self._token = answer.token
        self.sign_ins += 1


def read_changes(lines: Iterable[str]) -> list[Change]:
    return [
        Change(
            change_id=row["change_id"],
            number=row["number"],
            status=row["status"],
            changed_at_unix_ms=int(row["changed_at_unix_ms"]),
            planned_ready=row.get("planned_ready") or "",
            reason=row.get("reason") or "",
        )
        for row in csv.DictReader(lines)
    ]


def main(argv: list[str] | None = None) -> int:
    """0: every change done; 1: some refused; 2: the hub did not answer."""
    parser = argparse.ArgumentParser(description="Send application statuses to an okno hub.")
    parser.add_argument("changes", help="CSV of changes, in the order they were made")
    parser.add_argument("--hub", required=True, help="host:port of the hub's network port")
    parser.add_argument("--ca", required=True, help="the branch CA (PEM) the hub presents")
    parser.add_argument("--account", default="ais-mfc", help="the information system's account")
    args = parser.parse_args(argv)
    pin = os.environ.get("OKNO_AIS_PIN") or parser.error("set OKNO_AIS_PIN to the account's PIN")
    with open(args.ca, "rb") as ca, open(args.changes, encoding="utf-8", newline="") as lines:
        credentials = grpc.ssl_channel_credentials(root_certificates=ca.read())
        changes = read_changes(lines)
    refused = 0
    with grpc.secure_channel(args.hub, credentials) as channel:
        sender = StatusSender(channel, args.account, pin)
        for change in changes:
            try:
                said = "applied" if sender.send(change) else "applied before"
            except Refused as refusal:
                refused += 1
                said = f"refused {refusal}"
            except (HubUnreachable, SignInRefused) as stopped:
                print(stopped, file=sys.stderr)
                return 2
            print(f"{change.change_id} {change.number}: {said}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
