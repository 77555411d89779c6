"""The queue engine: commands in, events out, every rule checked before anything changes.

The engine holds the branch's live state in memory and is the only thing that changes
it. Each command either raises a HubError and changes nothing, or returns the events it
caused, numbered in one gap-free sequence. Persisting them is the caller's job: the hub
acknowledges a command only once its events are committed.

Its commands come in families, each a module: issuing tickets (``issuing.py``), desk
work (``deskwork.py``), the day's end and a new configuration (``rollover.py``), the
events of appointments, ratings and payments (``records.py``), over the state they
share (``hall.py``).
"""

from __future__ import annotations

from hub.domain.claims import PriorityClaims
from hub.domain.deskwork import DeskWork
from hub.domain.issuing import Issuing
from hub.domain.records import Records


class QueueEngine(Issuing, DeskWork, PriorityClaims, Records):
    """The branch's queue: every command of every family, on one state."""
