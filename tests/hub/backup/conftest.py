"""A hub that has served, its backup, and the region's key: what the backup tests start from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyrage
import pytest

from hub.backup.keys import identity, make_region_key, recipient
from hub.backup.layout import HubFiles
from hub.backup.take import Taken, take_backup
from protos.okno.v1 import queue_pb2
from tests.backoffice.postgres import pg_cluster, pg_url
from tests.hub.conftest import Served

__all__ = ["pg_cluster", "pg_url"]


@dataclass(frozen=True)
class Region:
    key_file: Path
    recipient: pyrage.x25519.Recipient

    @property
    def identity(self) -> pyrage.x25519.Identity:
        return identity(self.key_file)


@pytest.fixture
def region(tmp_path: Path) -> Region:
    key_file = tmp_path / "region" / "region.key"
    key_file.parent.mkdir()
    return Region(key_file, recipient(make_region_key(key_file)))


async def issue(served: Served, service: str = "passport") -> str:
    """A ticket issued over gRPC, as acknowledged to a visitor: its number."""
    reply = await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id=service))
    return str(reply.ticket.number)


def backup_of(
    served: Served, region: Region, folder: Path, secret_file: Path | None = None
) -> Taken:
    """A backup of the serving hub, taken at its own clock's time."""
    files = HubFiles(served.db, served.config, secret_file)
    return take_backup(files, folder, [region.recipient], served.clock())
