"""``okno kiosk bench catalogue``: search as people type, keystroke to results painted.

A generated catalogue of 500 services with 5,000 document entries (ten each, from the
documents МФЦ ask for), built as the hub sends it (``okno.v1.CatalogueInfo``), goes
into the real kiosk view and QML offscreen (no hub: the search is the kiosk's own).
Realistic queries, typos included ("пасспорт", "загрн паспорт", "свидетельство о
рожднии"), are typed one key at a time on the search screen; each keystroke is timed
from the key's slot (as the on-screen keyboard calls it) to the next frame swapped
(``QQuickWindow.frameSwapped``): the flow's search, the view's rows and the render all
count. Target p99 < 50 ms. Also reported: the index's build when the catalogue arrives,
and the search alone per keystroke.

Qt needs the main thread: call :func:`measure_search` from it.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import replace
from typing import cast

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal

from kiosk.catalogue import Catalogue, Group, Service, Wait
from kiosk.catalogue_info import guide_from
from kiosk.catalogue_search import normalise
from kiosk.core import Requests, Screen
from kiosk.errors import KioskError
from kiosk.flow import KioskFlow
from kiosk.screen import KioskWindow, ensure_app
from kiosk.settings import KioskSettings
from kiosk.view import KioskView
from okno.bench import Figure, percentile
from okno.qt import emit
from protos.okno.v1 import catalogue_pb2 as pb

log = logging.getLogger(__name__)

SERVICES = 500
DOCUMENTS_EACH = 10
TARGET_MS = 50.0
FRAME_WAIT_S = 2.0
# What visitors type, typos and all; each is typed from an empty field.
QUERIES = (
    "пасспорт",
    "загрн паспорт",
    "снилс",
    "полис омс",
    "водительское удастоверение",
    "свидетельство о рожднии",
    "материнский капитал",
    "справка о доходах",
    "прописка",
    "пособие на рбенка",
    "выписка из егрн",
    "инн",
)
QUICK_QUERIES = QUERIES[:2]

_ACTIONS = (
    ("Выдача", "Issue of"),
    ("Замена", "Replacement of"),
    ("Восстановление", "Restoration of"),
    ("Получение", "Obtaining"),
    ("Оформление", "Arranging"),
    ("Переоформление", "Re-registration of"),
    ("Продление", "Extension of"),
    ("Дубликат", "Duplicate of"),
    ("Изменение сведений", "Changing the details of"),
    ("Консультация", "Consultation on"),
)
_SUBJECTS = (
    ("паспорта гражданина РФ", "the internal passport", "паспорт"),
    ("заграничного паспорта", "the international passport", "загран"),
    ("СНИЛС", "SNILS", "пенсионное"),
    ("полиса ОМС", "the health insurance policy", "медицинский полис"),
    ("ИНН", "the taxpayer number", "налоговый номер"),
    ("водительского удостоверения", "the driving licence", "права"),
    ("свидетельства о рождении", "the birth certificate", "загс"),
    ("свидетельства о браке", "the marriage certificate", "свадьба"),
    ("сертификата на материнский капитал", "the maternity capital certificate", "маткапитал"),
    ("пособия на ребёнка", "the child benefit", "детские"),
    ("регистрации по месту жительства", "the permanent registration", "прописка"),
    ("регистрации по месту пребывания", "the temporary registration", "временная прописка"),
    ("выписки из ЕГРН", "the EGRN extract", "недвижимость"),
    ("права собственности на квартиру", "the title to a flat", "квартира"),
    ("права собственности на земельный участок", "the title to land", "участок"),
    ("справки о доходах", "the income statement", "2-ндфл"),
    ("справки об отсутствии судимости", "the clean record certificate", "судимость"),
    ("социальной карты", "the social card", "льготы"),
    ("компенсации за ЖКУ", "the utilities compensation", "субсидия"),
    ("пенсионного удостоверения", "the pension certificate", "пенсия"),
    ("удостоверения многодетной семьи", "the large family certificate", "многодетные"),
    ("охотничьего билета", "the hunting licence", "охота"),
    ("разрешения на строительство", "the building permit", "стройка"),
    ("регистрации ИП", "sole trader registration", "бизнес"),
    ("лицензии такси", "the taxi licence", "такси"),
    ("парковочного разрешения", "the parking permit", "парковка"),
    ("карты школьника", "the school card", "школа"),
    ("места в детском саду", "a kindergarten place", "детсад"),
    ("статуса безработного", "unemployed status", "биржа труда"),
    ("выплаты по уходу за ребёнком", "the childcare allowance", "декрет"),
    ("льготного проезда", "reduced fares", "проездной"),
    ("технического паспорта БТИ", "the BTI technical passport", "бти"),
    ("кадастрового паспорта", "the cadastral passport", "кадастр"),
    ("ветеранского удостоверения", "the veteran's certificate", "ветеран"),
    ("справки о составе семьи", "the family composition certificate", "семья"),
    ("страхового полиса ОСАГО", "the OSAGO policy", "осаго"),
    ("регистрации транспортного средства", "vehicle registration", "машина"),
    ("опеки над ребёнком", "guardianship of a child", "опека"),
    ("усыновления", "adoption", "усыновить"),
    ("свидетельства о смерти", "the death certificate", "похороны"),
    ("налогового вычета", "the tax deduction", "вычет"),
    ("электронной подписи", "the electronic signature", "эцп"),
    ("учётной записи Госуслуг", "the Gosuslugi account", "госуслуги"),
    ("военного билета", "the military ID", "военкомат"),
    ("приписного свидетельства", "the conscription certificate", "призыв"),
    ("визы", "a visa", "виза"),
    ("патента иностранца", "a foreign worker's patent", "мигрант"),
    ("вида на жительство", "the residence permit", "внж"),
    ("гражданства РФ", "Russian citizenship", "гражданство"),
    ("пропуска на кладбище", "the cemetery pass", "кладбище"),
)
_DOCUMENTS = (
    ("Паспорт гражданина РФ", "original", 0, ""),
    ("Свидетельство о рождении", "original_and_copy", 1, ""),
    ("Свидетельство о браке", "original", 0, "при смене фамилии"),
    ("Фотография 35×45 мм", "original", 2, ""),
    ("Квитанция об уплате госпошлины", "copy", 1, ""),
    ("СНИЛС", "original", 0, ""),
    ("Полис ОМС", "original", 0, ""),
    ("ИНН", "copy", 1, "если есть"),
    ("Справка о доходах за 12 месяцев", "original", 0, "если нет в ФНС"),
    ("Выписка из ЕГРН", "original", 0, ""),
    ("Договор купли-продажи", "original_and_copy", 2, ""),
    ("Военный билет", "original", 0, "для мужчин 18–27 лет"),
    ("Трудовая книжка", "copy", 1, ""),
    ("Медицинская справка 003-В/у", "original", 0, ""),
    ("Водительское удостоверение", "original", 0, ""),
    ("Согласие собственника", "original", 0, "если вы не собственник"),
    ("Доверенность", "original", 0, "если обращается представитель"),
    ("Решение суда", "copy", 1, "если есть"),
    ("Справка о составе семьи", "original", 0, ""),
    ("Заявление", "original", 0, ""),
)


def generated(seed: int = 22) -> Catalogue:
    """500 services, ten documents each, as the hub would send them."""
    rng = random.Random(seed)
    services: list[Service] = []
    entries: list[pb.CatalogueEntry] = []
    for n in range(SERVICES):
        (act_ru, act_en), (what_ru, what_en, word) = _pick(n)
        service_id = f"service-{n:03d}"
        name_ru, name_en = f"{act_ru} {what_ru}", f"{act_en} {what_en}"
        services.append(Service(service_id, chr(ord("А") + n % 28), name_ru, name_en, "all"))
        documents = [
            pb.DocumentEntry(name=name, kind=kind, copies=copies, conditions=conditions)
            for name, kind, copies, conditions in rng.sample(_DOCUMENTS, DOCUMENTS_EACH)
        ]
        entries.append(
            pb.CatalogueEntry(
                service_id=service_id,
                description_ru=f"{name_ru}: приём заявления, проверка документов и выдача "
                "результата в МФЦ по месту жительства или пребывания.",
                description_en=f"{name_en}: the application taken, the documents checked "
                "and the result handed over at the centre.",
                who_may_apply="Граждане РФ и их представители по доверенности",
                documents=documents,
                result=what_ru,
                processing_days=rng.choice((1, 5, 10, 30)),
                fee_kopecks=rng.choice((0, 0, 35_000, 150_000)),
                how_to_pay="картой в терминале МФЦ",
                keywords=[word],
            )
        )
    guide = guide_from(pb.CatalogueInfo(version="bench", entries=entries))
    catalogue = Catalogue(
        "МФЦ (бенчмарк)",
        "Europe/Moscow",
        tuple(services),
        (Group("all", "Все услуги", "All services"),),
    )
    return replace(catalogue, guide=guide)


def _pick(n: int) -> tuple[tuple[str, str], tuple[str, str, str]]:
    """The ``n``-th service's action and subject: every pairing once."""
    subject, action = divmod(n, len(_ACTIONS))
    return _ACTIONS[action], _SUBJECTS[subject % len(_SUBJECTS)]


class _Offline:
    """The bench's hub: none. The visitor only searches, so any request is the bench's
    own fault, and says so."""

    def __getattr__(self, name: str) -> object:
        raise KioskError(f"the catalogue bench sent a request ({name}): it only types")


class _Silent:
    def say(self, text: str, language: str) -> None:
        """Voice guidance is off in the bench: nothing is said."""


class _Swapped(QObject):
    done = Signal()


class _Frames:
    """The first frame swapped after a keystroke, waited for in Qt's loop."""

    def __init__(self, window: KioskWindow) -> None:
        self.at: float | None = None
        self._signal = _Swapped()
        self._loop = QEventLoop()
        self._signal.done.connect(self._loop.quit, Qt.ConnectionType.QueuedConnection)
        self._guard = QTimer()
        self._guard.setSingleShot(True)
        self._guard.timeout.connect(self._loop.quit)
        window.frameSwapped.connect(self._swapped, Qt.ConnectionType.DirectConnection)

    def _swapped(self) -> None:
        if self.at is None:
            self.at = time.perf_counter()
            emit(self._signal.done)

    def next(self) -> float | None:
        """When the next frame was swapped (None: none within ``FRAME_WAIT_S``)."""
        self._guard.start(int(FRAME_WAIT_S * 1000))
        if self.at is None:
            self._loop.exec()
        self._guard.stop()
        return self.at


def measure_search(*, quick: bool = False) -> list[Figure]:
    """Type every query on the real search screen; keystroke to frame, in ms."""
    app = ensure_app()
    started = time.perf_counter()
    catalogue = generated()
    built_ms = (time.perf_counter() - started) * 1000
    documents = sum(len(e.documents) for e in catalogue.guide.entries)
    flow = KioskFlow(KioskSettings(), cast(Requests, _Offline()), _Silent())
    view = KioskView(flow)
    view.set_catalogue(catalogue)
    view.set_waits({s.id: Wait(2, 10, True) for s in catalogue.services}, 0)
    window = KioskWindow(view)
    window.show()
    frames = _Frames(window)
    painted: list[float] = []
    searched: list[float] = []
    try:
        view.openSearch()
        app.processEvents()
        for query in QUICK_QUERIES if quick else QUERIES:
            while flow.lists.query:
                view.erase()
            app.processEvents()
            for key in query:
                frames.at = None
                before = time.perf_counter()
                view.typeKey(key)
                at = frames.next()
                if at is None:
                    raise KioskError(f"no frame within {FRAME_WAIT_S:g} s of typing {key!r}")
                painted.append((at - before) * 1000)
                searched.append(_search_ms(catalogue, flow.lists.query))
            found = flow.lists.listed()
            log.info(
                "query=%r first=%s found=%d",
                query,
                found[0].name_ru if found else "-",
                len(found),
            )
            if flow.screen is not Screen.SEARCH:
                raise KioskError("the search screen was left while typing")
    finally:
        window.close()
        app.processEvents()
    return [
        Figure("services", len(catalogue.services), "services"),
        Figure("document_entries", documents, "entries"),
        Figure("catalogue_indexed_ms", built_ms, "ms"),
        Figure("keystrokes", len(painted), "keys"),
        Figure("search_p99_ms", percentile(searched, 99), "ms"),
        Figure("keystroke_to_results_painted_p50_ms", percentile(painted, 50), "ms"),
        Figure(
            "keystroke_to_results_painted_p99_ms",
            percentile(painted, 99),
            "ms",
            TARGET_MS,
            "<=",
        ),
    ]


def _search_ms(catalogue: Catalogue, query: str) -> float:
    """The search alone, past the cache of queries typed before."""
    started = time.perf_counter()
    catalogue.index.find(normalise(query))
    return (time.perf_counter() - started) * 1000
