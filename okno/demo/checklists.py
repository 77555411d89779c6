"""Visitors who look up at the kiosk what to bring, and take the printed checklist home.

The kiosk asks the hub for the catalogue once, as a real kiosk does before it shows the
"what to bring" button, and offers the checklist only for services the catalogue has an
entry for; the slip is printed by the kiosk (its own credentials) on its own printer.
The visitor goes on to take the ticket while the slip comes out: the printer prints its
jobs in order, so the ticket follows the checklist anyway, and waiting for the paper in
the kiosk's one line of arrivals would hold up every visitor behind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Set
from dataclasses import dataclass, field

from okno.demo.printer import handed_over
from okno.demo.rpc import Stubs, attempt, request_id
from protos.okno.v1 import catalogue_pb2, common_pb2

log = logging.getLogger(__name__)
# Every this many visitors one prints the checklist of their service before the ticket
# (the first visitor of the demo is the first, so a short run shows one).
CHECKLIST_EVERY = 6


def looks_up(count: int) -> bool:
    """Whether the ``count``-th visitor of the demo (from 1) prints a checklist."""
    return count % CHECKLIST_EVERY == 1


@dataclass
class Checklists:
    """The kiosk's "what to bring" button; counts the checklists visitors took."""

    kiosk: Stubs
    printer_id: str
    services: Set[str]
    printed: int = 0
    # Slips still coming out, each awaited until the printer is done with it.
    _coming: set[asyncio.Task[None]] = field(default_factory=set)

    @classmethod
    async def at(cls, kiosk: Stubs, printer_id: str) -> Checklists:
        """The button as the kiosk shows it: for the services the hub's catalogue has."""
        catalogue = await kiosk.catalogue.GetCatalogue(catalogue_pb2.GetCatalogueRequest())
        services = frozenset(entry.service_id for entry in catalogue.entries)
        log.info("kiosk catalogue version=%s services=%d", catalogue.version, len(services))
        return cls(kiosk, printer_id, services)

    async def take(self, service_id: str) -> None:
        """The visitor asks for the service's checklist on paper; a service without an
        entry (or a kiosk without a printer) has no button to press."""
        if service_id not in self.services or not self.printer_id:
            return
        request = catalogue_pb2.PrintChecklistRequest(
            service_id=service_id,
            printer_id=self.printer_id,
            request_id=request_id(),
            language="ru",
        )
        job = await attempt(
            self.kiosk.catalogue.PrintChecklist(request), "PrintChecklist", service=service_id
        )
        if job is not None:
            task = asyncio.create_task(self._hand_over(service_id, job), name="checklist")
            self._coming.add(task)
            task.add_done_callback(self._coming.discard)

    async def settled(self) -> int:
        """How many checklists came out, once the slips still printing are done (or given
        up after okno.demo.printer.HAND_OVER_S)."""
        await asyncio.gather(*self._coming)
        return self.printed

    async def _hand_over(self, service_id: str, job: common_pb2.PrintJob) -> None:
        if await handed_over(self.kiosk.printing, job, "checklist"):
            self.printed += 1
            log.debug("checklist taken service=%s job=%d", service_id, job.job_id)
