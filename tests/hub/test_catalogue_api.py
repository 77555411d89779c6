"""The catalogue over real gRPC with real credentials: read, forms, the checklist on the
kiosk's printer once per request, a link by SMS through the simulated gateway, and a
reload that keeps the old catalogue when the new file is wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from sqlalchemy import Engine

from hub.notify.backoff import Backoff
from hub.notify.notifier import Notifier
from hub.notify.sim import SimulatedSmsGateway
from hub.notify.sms import SmsGateway
from protos.okno.v1 import admin_pb2, catalogue_pb2, catalogue_pb2_grpc, common_pb2
from tests.hub.catalogue_files import EXAMPLES, branch_with_catalogue
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device, refused
from tests.hub.test_printing import PRINTER, printer_online
from tests.polling import eventually

if TYPE_CHECKING:
    from protos.okno.v1.catalogue_pb2_grpc import CatalogueAsyncStub

CALL_CENTRE_AGENT = (
    '\n[[operators]]\nid = "belova-k"\nname = "Ксения Белова"\nroles = ["call_centre"]\n'
)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    config = branch_with_catalogue(tmp_path / "etc", extra=CALL_CENTRE_AGENT)
    async with serve_hub(config, tmp_path / "hub.db", SteppedClock()) as running:
        yield running


def stub(channel: grpc.aio.Channel) -> CatalogueAsyncStub:
    return catalogue_pb2_grpc.CatalogueStub(channel)


async def test_a_kiosk_reads_the_catalogue_and_its_forms(served: Served, tmp_path: Path) -> None:
    async with device(served, tmp_path, "kiosk", "K-1") as kiosk:
        catalogue = await stub(kiosk).GetCatalogue(catalogue_pb2.GetCatalogueRequest())
        assert not catalogue.unchanged
        assert [e.service_id for e in catalogue.entries] == [
            s.id for s in served.hub.loaded.branch.services
        ]
        passport = catalogue.entries[0]
        assert passport.processing_days == 10
        assert passport.fee_kopecks == 30000
        birth = catalogue.situations[0]
        assert (birth.name_ru, birth.service_ids[0]) == ("Рождение ребёнка", "snils")
        forms = {f.id: f for f in passport.forms}
        assert forms["passport-1p-sample"].kind == "sample"
        consultation = next(e for e in catalogue.entries if e.service_id == "consultation")
        assert not consultation.HasField("processing_days")
        form = await stub(kiosk).GetForm(catalogue_pb2.GetFormRequest(form_id="passport-1p-blank"))
        assert form.pdf == (EXAMPLES / "forms" / "passport-1p-blank.pdf").read_bytes()
        assert form.info.size_bytes == len(form.pdf)
        assert form.info.sha256 == forms["passport-1p-blank"].sha256
        again = await stub(kiosk).GetCatalogue(
            catalogue_pb2.GetCatalogueRequest(known_version=catalogue.version)
        )
        assert again.unchanged and again.version == catalogue.version and not again.entries
        assert await refused(
            stub(kiosk).GetForm(catalogue_pb2.GetFormRequest(form_id="no-such-form"))
        ) == (grpc.StatusCode.NOT_FOUND, "unknown_form")


async def test_the_call_centre_reads_it_too(served: Served) -> None:
    channel = await served.staff_channel("belova-k")
    try:
        catalogue = await stub(channel).GetCatalogue(catalogue_pb2.GetCatalogueRequest())
        assert len(catalogue.entries) == len(served.hub.loaded.branch.services)
    finally:
        await channel.close()


async def test_a_checklist_is_printed_once_per_request_on_the_kiosks_printer(
    served: Served, tmp_path: Path
) -> None:
    asked = catalogue_pb2.PrintChecklistRequest(
        service_id="passport", printer_id=PRINTER, request_id="visitor-1", language="ru"
    )
    async with (
        printer_online(served, tmp_path) as (printer, _),
        device(served, tmp_path, "kiosk", "K-1", printer=PRINTER) as kiosk,
    ):
        first = await stub(kiosk).PrintChecklist(asked)
        again = await stub(kiosk).PrintChecklist(asked)
        assert first.state == common_pb2.PRINT_JOB_STATE_QUEUED
        assert again.job_id == first.job_id
        await eventually(lambda: _true(len(printer.slips) == 1))
        slip = printer.slips[0]
        assert slip.title == "Паспорт гражданина РФ"
        assert slip.lines[0] == "Что взять с собой:"
        assert "☐ Две личные фотографии 35×45 мм — оригинал" in slip.lines
        assert "   (при замене паспорта)" in slip.lines
        assert "Госпошлина: 300 руб." in slip.lines
        assert "Срок: 10 раб. дн." in slip.lines
        assert slip.lines[-1] == "Подробнее: http://okno-hub.local:8080/services/passport"
        english = await stub(kiosk).PrintChecklist(
            catalogue_pb2.PrintChecklistRequest(
                service_id="consultation", printer_id=PRINTER, request_id="v-2", language="en"
            )
        )
        assert english.job_id != first.job_id
        await eventually(lambda: _true(len(printer.slips) == 2))
        assert printer.slips[1].title == "Consultation"
        assert "No documents needed." in printer.slips[1].lines
        assert await refused(
            stub(kiosk).PrintChecklist(
                catalogue_pb2.PrintChecklistRequest(
                    service_id="passport", printer_id="ticket_printer-P-2", request_id="v-3"
                )
            )
        ) == (grpc.StatusCode.PERMISSION_DENIED, "not_your_printer")


async def test_a_checklist_is_refused_with_the_reason_when_the_printer_cannot_print(
    served: Served, tmp_path: Path
) -> None:
    async with device(served, tmp_path, "kiosk", "K-1", printer=PRINTER) as kiosk:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub(kiosk).PrintChecklist(
                catalogue_pb2.PrintChecklistRequest(
                    service_id="passport", printer_id=PRINTER, request_id="r-1"
                )
            )
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "no printer ticket_printer-P-1" in (caught.value.details() or "")


async def test_a_link_reaches_the_visitors_phone_and_the_phone_is_erased(
    served: Served, tmp_path: Path
) -> None:
    asked = catalogue_pb2.SendLinkRequest(
        service_id="foreign-passport", phone="8 916 123-45-67", language="ru"
    )
    async with device(served, tmp_path, "kiosk", "K-1") as kiosk:
        assert await refused(stub(kiosk).SendLink(asked)) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "notifications_off",
        )
        gateway = SimulatedSmsGateway()
        await gateway.start()
        notifier = Notifier(
            served.hub,
            [SmsGateway(gateway.url, "MFC", timeout_s=0.5)],
            backoff=Backoff(first_s=0.05, factor=2, longest_s=0.3),
            tick_s=0.05,
        )
        await notifier.start()
        served.hub.notifier = notifier
        try:
            answer = await stub(kiosk).SendLink(asked)
            assert answer.queued and answer.phone_hint == "+7********67"
            await eventually(lambda: _true(len(gateway.messages) == 1))
            sms = gateway.messages[0]
            assert sms.to == "+79161234567"
            assert sms.text.startswith(
                "Заграничный паспорт: что взять с собой и образцы заявлений: "
                "http://okno-hub.local:8080/services/foreign-passport"
            )
            assert await refused(
                stub(kiosk).SendLink(
                    catalogue_pb2.SendLinkRequest(service_id="snils", phone="12345")
                )
            ) == (grpc.StatusCode.INVALID_ARGUMENT, "bad_phone")
            served.clock.advance(3 * 24 * 60)
            assert await notifier.erase_due() == 1
            assert await served.hub.read_store(lambda r: _phones_kept(r.engine)) == 0
        finally:
            await notifier.stop()
            served.hub.notifier = None
            await gateway.stop()


async def test_a_wrong_catalogue_is_refused_at_reload_and_the_old_one_kept(
    served: Served, tmp_path: Path
) -> None:
    catalogue = tmp_path / "etc" / "catalogue.toml"
    text = catalogue.read_text(encoding="utf-8")
    before = await stub(served.local).GetCatalogue(catalogue_pb2.GetCatalogueRequest())
    catalogue.write_text(text.replace('id = "inn"', 'id = "snils"'), encoding="utf-8")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    line = text.split("\n").index('id = "inn"') + 1
    assert f"catalogue.toml, line {line}: " in (caught.value.details() or "")
    kept = await stub(served.local).GetCatalogue(catalogue_pb2.GetCatalogueRequest())
    assert kept == before
    catalogue.write_text(text.replace("Выдача или замена", "Выдача и замена"), encoding="utf-8")
    answer = await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
    assert answer.changed and list(answer.applied) == ["catalogue"]
    now = await stub(served.local).GetCatalogue(catalogue_pb2.GetCatalogueRequest())
    assert now.version != before.version
    assert now.entries[0].description_ru.startswith("Выдача и замена")


def _phones_kept(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT count(*) FROM notify_watches WHERE phone != ''"
            ).scalar()
            or 0
        )


async def _true(value: bool) -> bool:
    return value
