"""The service catalogue over gRPC: read by kiosks and staff, printed as a checklist at a
kiosk, sent as a link to a visitor's phone (docs/catalogue.md).

The catalogue is the hub's in memory (``Hub.catalogue``), replaced whole by a reload; each
call reads the one it finds, so an answer never mixes two versions.
"""

from __future__ import annotations

import logging

from hub.api.doorkeeper import current
from hub.api.printing import Printers, print_text
from hub.api.status import Context, rpc
from hub.catalogue import Catalogue, Entry, Form, checklist
from hub.domain.branch import Service
from hub.errors import InvalidRequest, NoCatalogueEntry, NotificationsOff, UnknownForm
from hub.service import Hub
from okno.logtext import oneline
from protos.okno.v1 import catalogue_pb2, catalogue_pb2_grpc, common_pb2, printing_pb2

log = logging.getLogger(__name__)
LANGUAGES = ("ru", "en")
NO_SMS = "SMS is not set up at this branch ([notifications] sms_url): print the checklist instead"


def service_url(base: str, service_id: str) -> str:
    """The service's page on the hub's web ("" without a public address)."""
    return f"{base}/services/{service_id}" if base else ""


class CatalogueServicer(catalogue_pb2_grpc.CatalogueServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._printers = Printers(hub.fleet)
        # The answer for the catalogue last asked for, built once per version.
        self._built: tuple[str, catalogue_pb2.CatalogueInfo] | None = None

    @rpc
    async def GetCatalogue(
        self, request: catalogue_pb2.GetCatalogueRequest, context: Context
    ) -> catalogue_pb2.CatalogueInfo:
        catalogue = self._hub.catalogue
        if request.known_version == catalogue.version:
            return catalogue_pb2.CatalogueInfo(version=catalogue.version, unchanged=True)
        if self._built is None or self._built[0] != catalogue.version:
            self._built = (catalogue.version, _info(catalogue))
        return self._built[1]

    @rpc
    async def GetForm(
        self, request: catalogue_pb2.GetFormRequest, context: Context
    ) -> catalogue_pb2.Form:
        form = self._hub.catalogue.forms.get(request.form_id)
        if form is None:
            raise UnknownForm(f"no form {request.form_id!r} in the catalogue")
        return catalogue_pb2.Form(info=_form_info(form), pdf=form.pdf)

    @rpc
    async def PrintChecklist(
        self, request: catalogue_pb2.PrintChecklistRequest, context: Context
    ) -> common_pb2.PrintJob:
        service, entry = self._entry(request.service_id)
        branch = self._hub.loaded.branch
        url = service_url(branch.public_base(), service.id)
        title, lines = checklist(service, entry, _language(request.language), url)
        job = await print_text(
            self._printers,
            printing_pb2.PrintSlipRequest(
                printer_id=request.printer_id,
                request_id=request.request_id,
                title=title,
                lines=lines,
            ),
        )
        log.info(
            "checklist printed service=%s printer=%s job=%d",
            service.id,
            oneline(request.printer_id),
            job.job_id,
        )
        return job

    @rpc
    async def SendLink(
        self, request: catalogue_pb2.SendLinkRequest, context: Context
    ) -> catalogue_pb2.SendLinkResponse:
        service, _ = self._entry(request.service_id)
        notifier = self._hub.notifier
        if notifier is None:
            raise NotificationsOff(NO_SMS)
        url = service_url(self._hub.loaded.branch.public_base(), service.id)
        if not url:
            raise NotificationsOff(
                "the branch has no public address for its pages ([notifications] public_url): "
                "an SMS would carry no link; print the checklist instead"
            )
        hint = await notifier.send_link(request.phone, service.id, _language(request.language), url)
        log.info("catalogue link queued service=%s by=%s", service.id, current().label)
        return catalogue_pb2.SendLinkResponse(queued=True, phone_hint=hint)

    def _entry(self, service_id: str) -> tuple[Service, Entry]:
        if not service_id:
            raise InvalidRequest("name the service: service_id")
        service = self._hub.loaded.branch.service(service_id)
        entry = self._hub.catalogue.entries.get(service_id)
        if service is None or entry is None:
            raise NoCatalogueEntry(f"the catalogue says nothing of service {service_id!r}")
        return service, entry


def _language(asked: str) -> str:
    return asked if asked in LANGUAGES else "ru"


def _info(catalogue: Catalogue) -> catalogue_pb2.CatalogueInfo:
    return catalogue_pb2.CatalogueInfo(
        version=catalogue.version,
        entries=[_entry_info(catalogue, entry) for entry in catalogue.entries.values()],
        situations=[
            catalogue_pb2.LifeSituation(
                id=s.id, name_ru=s.name_ru, name_en=s.name_en, service_ids=s.services
            )
            for s in catalogue.situations
        ],
    )


def _entry_info(catalogue: Catalogue, entry: Entry) -> catalogue_pb2.CatalogueEntry:
    made = catalogue_pb2.CatalogueEntry(
        service_id=entry.id,
        description_ru=entry.description_ru,
        description_en=entry.description_en,
        who_may_apply=entry.who_may_apply,
        documents=[
            catalogue_pb2.DocumentEntry(
                name=d.name, kind=d.kind, copies=d.copies_to_bring, conditions=d.conditions
            )
            for d in entry.documents
        ],
        result=entry.result,
        fee_kopecks=entry.fee_kopecks or 0,
        how_to_pay=entry.how_to_pay,
        forms=[_form_info(form) for form in catalogue.forms_of(entry)],
        keywords=entry.keywords,
    )
    if entry.processing_days is not None:
        made.processing_days = entry.processing_days
    return made


def _form_info(form: Form) -> catalogue_pb2.FormInfo:
    return catalogue_pb2.FormInfo(
        id=form.info.id,
        title=form.info.title,
        kind=form.info.kind,
        size_bytes=len(form.pdf),
        sha256=form.sha256,
    )
