"""The service catalogue in known states (test_catalogue*.py, test_screens.py): the example
branch's services with their pages, built from the hub's own messages."""

from __future__ import annotations

from dataclasses import replace

from kiosk.catalogue import Catalogue
from kiosk.catalogue_info import Guide, guide_from
from kiosk.states import PrintState
from protos.okno.v1 import catalogue_pb2 as pb
from tests.kiosk.scenes import Scene

PASSPORT = pb.CatalogueEntry(
    service_id="passport",
    description_ru="Выдача и замена паспорта гражданина РФ: в 14, 20 и 45 лет, при смене "
    "фамилии, утрате или порче.",
    description_en="Issue and replacement of the internal passport: at 14, 20 and 45, "
    "after a change of name, loss or damage.",
    who_may_apply="Граждане РФ с 14 лет, лично",
    documents=[
        pb.DocumentEntry(name="Паспорт гражданина РФ", kind="original"),
        pb.DocumentEntry(name="Свидетельство о рождении", kind="original_and_copy", copies=1),
        pb.DocumentEntry(
            name="Свидетельство о браке", kind="original", conditions="при смене фамилии"
        ),
        pb.DocumentEntry(name="Фотография 35×45 мм", kind="original", copies=2),
        pb.DocumentEntry(name="Квитанция об уплате госпошлины", kind="copy", copies=1),
    ],
    result="Паспорт гражданина РФ",
    processing_days=10,
    fee_kopecks=150_000,
    how_to_pay="картой в терминале МФЦ или по квитанции в банке",
    forms=[pb.FormInfo(id="passport-form-1p", title="Заявление по форме 1П", kind="blank")],
    keywords=["паспорт", "замена паспорта", "14 лет"],
)
FOREIGN = pb.CatalogueEntry(
    service_id="foreign-passport",
    description_ru="Заграничный паспорт на 5 лет (старого образца).",
    who_may_apply="Граждане РФ",
    documents=[
        pb.DocumentEntry(name="Паспорт гражданина РФ", kind="original_and_copy", copies=1),
        pb.DocumentEntry(name="Военный билет", kind="original", conditions="для мужчин 18–27 лет"),
    ],
    result="Заграничный паспорт",
    processing_days=30,
    fee_kopecks=200_000,
    how_to_pay="картой в терминале МФЦ",
    keywords=["загран", "загранпаспорт", "выезд за границу"],
)
SNILS = pb.CatalogueEntry(
    service_id="snils",
    description_ru="Регистрация в системе индивидуального учёта, новый СНИЛС или его дубликат.",
    who_may_apply="Граждане РФ, иностранные граждане",
    documents=[pb.DocumentEntry(name="Паспорт или свидетельство о рождении", kind="original")],
    result="Уведомление о регистрации (СНИЛС)",
    how_to_pay="",
    keywords=["пенсионное страховое свидетельство", "страховой номер"],
)
BENEFITS = pb.CatalogueEntry(
    service_id="child-benefits",
    description_ru="Единое пособие на детей до 17 лет семьям с доходом ниже прожиточного минимума.",
    who_may_apply="Родители, усыновители, опекуны",
    documents=[
        pb.DocumentEntry(name="Паспорт заявителя", kind="original"),
        pb.DocumentEntry(name="Свидетельство о рождении ребёнка", kind="original"),
        pb.DocumentEntry(name="Справка о доходах", kind="original", conditions="если нет в ФНС"),
    ],
    result="Решение о назначении пособия",
    processing_days=10,
    keywords=["детские", "выплаты на ребенка"],
)
MATERNITY = pb.CatalogueEntry(
    service_id="maternity-capital",
    description_ru="Сертификат на материнский капитал и распоряжение его средствами.",
    who_may_apply="Мать или отец второго (первого) ребёнка",
    documents=[
        pb.DocumentEntry(name="Паспорт заявителя", kind="original"),
        pb.DocumentEntry(name="Свидетельство о рождении ребёнка", kind="original"),
    ],
    result="Сертификат на материнский капитал",
    processing_days=5,
    keywords=["маткапитал"],
)
RESIDENCE = pb.CatalogueEntry(
    service_id="residence",
    description_ru="Постоянная регистрация по месту жительства (прописка).",
    who_may_apply="Граждане РФ",
    documents=[
        pb.DocumentEntry(name="Паспорт гражданина РФ", kind="original"),
        pb.DocumentEntry(
            name="Выписка из ЕГРН или договор найма", kind="original_and_copy", copies=1
        ),
        pb.DocumentEntry(
            name="Согласие собственника", kind="original", conditions="если вы не собственник"
        ),
    ],
    result="Отметка о регистрации в паспорте",
    processing_days=3,
    keywords=["прописка", "переезд"],
)
INFO = pb.CatalogueInfo(
    version="v1",
    entries=[PASSPORT, FOREIGN, SNILS, BENEFITS, MATERNITY, RESIDENCE],
    situations=[
        pb.LifeSituation(
            id="birth",
            name_ru="Рождение ребёнка",
            name_en="A child is born",
            service_ids=["snils", "child-benefits", "maternity-capital"],
        ),
        pb.LifeSituation(
            id="moving",
            name_ru="Переезд",
            name_en="Moving house",
            service_ids=["residence", "passport", "no-such-service"],
        ),
        pb.LifeSituation(
            id="elsewhere", name_ru="Чужая ситуация", name_en="Not here", service_ids=["x"]
        ),
    ],
)


def guide() -> Guide:
    return guide_from(INFO)


def with_guide(catalogue: Catalogue) -> Catalogue:
    return replace(catalogue, guide=guide())


def guided(s: Scene) -> None:
    """The scene's kiosk with the catalogue's pages."""
    catalogue = s.flow.catalogue
    assert catalogue is not None
    s.view.set_catalogue(with_guide(catalogue))


def passport_info(s: Scene) -> None:
    guided(s)
    s.view.openGroup("documents")
    s.view.guide.open("passport")


def snils_info(s: Scene) -> None:
    """A page that fits one screen: "1 из 2" (NavRow's, Fit to its box) is not on it."""
    guided(s)
    s.view.openGroup("social")
    s.view.guide.open("snils")


def link_phone(s: Scene) -> None:
    passport_info(s)
    s.view.guide.askPhone()
    for digit in "916123":
        s.view.guide.key(digit)


def situations(s: Scene) -> None:
    guided(s)
    s.view.guide.situations()


def checklist_printed(s: Scene) -> None:
    passport_info(s)
    s.view.guide.printChecklist()
    s.view.guide.checklist_printed(s.requests.last_id, 51, PrintState.PRINTED, "")


def checklist_refused(s: Scene) -> None:
    passport_info(s)
    s.view.guide.printChecklist()
    s.view.refused(s.requests.last_id, "refused", {"message": "no printer ticket_printer-P-1"})


def link_sent(s: Scene) -> None:
    link_phone(s)
    for digit in "4567":
        s.view.guide.key(digit)
    s.view.guide.sendLink()
    s.view.guide.link_sent(s.requests.last_id, "+7 916 ***-**-67")


def group_with_pages(s: Scene) -> None:
    guided(s)
    s.view.openGroup("documents")


def situation_services(s: Scene) -> None:
    situations(s)
    s.view.openGroup("life:birth")


CATALOGUE = (
    ("home-situations", guided),
    ("group-info", group_with_pages),
    ("info", passport_info),
    ("info-snils", snils_info),
    ("info-phone", link_phone),
    ("info-printed", checklist_printed),
    ("info-refused", checklist_refused),
    ("info-link-sent", link_sent),
    ("situations", situations),
    ("situation-services", situation_services),
)
# Also in English and in large type.
CATALOGUE_MAIN = ("home-situations", "group-info", "info", "info-phone", "situations")
