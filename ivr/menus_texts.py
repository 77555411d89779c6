"""Every fixed sentence the voice menu says, each one prompt clip.

The menus say a sentence from these pieces and from ``ivr.words`` (numbers, days, times),
so ``okno ivr prepare`` can synthesise all of them before the first call (``FIXED``).
"""

from __future__ import annotations

GREETING = "Здравствуйте! Вы позвонили в центр госуслуг «Мои документы»."
MAIN_MENU = (
    "Чтобы узнать очередь в центре сейчас, нажмите 1.",
    "Чтобы узнать, сколько ждать по вашему талону, нажмите 2.",
    "Чтобы записаться на приём, нажмите 3.",
    "Чтобы отменить или перенести запись, нажмите 4.",
    "Чтобы узнать статус заявления, нажмите 5.",
    "Чтобы прослушать меню ещё раз, нажмите 9.",
    "Для связи с оператором нажмите 0.",
)
NO_SUCH = "Нет такого пункта."
NOTHING_PRESSED = "Вы ничего не выбрали. Позвоните нам ещё раз, когда будет удобно. До свидания!"
TO_OPERATOR = "Соединяю с оператором. Пожалуйста, оставайтесь на линии."
UNAVAILABLE = "К сожалению, сервис сейчас недоступен."
BUSY = "Все линии сейчас заняты. Пожалуйста, позвоните чуть позже. До свидания!"
PRESS = tuple(f"нажмите {key}." for key in range(1, 9))

QUEUE_EMPTY = "Сейчас в центре никто не ждёт."
IN_QUEUE = "в очереди"
NOBODY_WAITING = "никто не ждёт."
WAIT = "ожидание"
WAIT_UNKNOWN = "время ожидания сейчас назвать нельзя: окна закрыты."

TYPE_TICKET = "Наберите номер вашего талона: только цифры, без буквы, и нажмите решётку."
TICKET_NOT_FOUND = "Талона с таким номером сегодня нет. Проверьте номер на талоне."
TICKET = "Талон"
TICKET_CALLED = "уже вызван к окну. Посмотрите на табло в зале."
TICKET_NEXT = "вы следующий."
AHEAD = "перед вами"

NO_BOOKING = "Записаться по телефону сейчас нельзя: услуг для записи нет."
TYPE_PHONE = (
    "Ваш номер скрыт. Наберите номер телефона для записи: одиннадцать цифр, начиная с восьмёрки."
)
NOT_A_PHONE = "Это не номер телефона."
CHOOSE_SERVICE = "Выберите услугу."
CHOOSE_DAY = "Выберите день."
NO_FREE_DAYS = "Свободного времени для этой услуги в ближайшие дни нет."
DAY_TAKEN = "Время этого дня уже заняли. Выберите другой день."
FREE_TIMES = "Свободное время:"
AND_OTHERS = "Есть и другое свободное время."
TYPE_TIME = (
    "Наберите время четырьмя цифрами, например ноль девять два ноль — это девять часов "
    "двадцать минут."
)
NO_SUCH_TIME = "Такого свободного времени в этот день нет."
YOU_BOOK = "Вы записываетесь на услугу"
CONFIRM_SMS = "Чтобы подтвердить запись и получить код по SMS, нажмите 1."
CONFIRM_NO_SMS = "Чтобы подтвердить запись без SMS, нажмите 2."
OTHER_TIME_3 = "Чтобы выбрать другое время, нажмите 3."
CONFIRM = "Чтобы подтвердить, нажмите 1."
OTHER_TIME_2 = "Чтобы выбрать другое время, нажмите 2."
SLOT_TAKEN = "Это время только что заняли. Выберите другое."
BOOKING_LIMIT = "На ваш номер уже записано столько раз, сколько можно. Новая запись невозможна."
CANNOT_BOOK = "Записать не получилось. Оператор поможет."
BOOKED = "Вы записаны"
YOUR_CODE = "Ваш код записи:"
CODE_AGAIN = "Повторяю код:"
CODE_SENT = "Код отправлен вам по SMS."
CODE_AT_KIOSK = "Когда придёте, наберите код на инфомате или назовите его в окне."

MANAGE_NEEDS_NUMBER = (
    "Ваш номер скрыт. Отменить или перенести запись можно, только позвонив с номера, "
    "указанного при записи."
)
TYPE_CODE = (
    "Наберите код записи: каждую букву — клавишей, на которой она написана, цифры — как есть."
)
CODE_NOT_FOUND = "Записи с таким кодом на ваш номер нет."
TOO_MANY_TRIES = "Слишком много неверных попыток. Попробуйте позже."
YOUR_BOOKING = "Ваша запись: услуга"
CANCEL_OR_MOVE = ("Чтобы отменить запись, нажмите 1.", "Чтобы перенести её, нажмите 2.")
MOVE_TO = "Перенести запись на"
CANCELLED = "Запись отменена."
MOVED = "Запись перенесена на"
SAME_CODE = "Код записи прежний."

STATUS_NEEDS_NUMBER = (
    "Ваш номер скрыт. Статус заявления сообщаем, только если вы звоните с номера, "
    "указанного при подаче заявления."
)
TYPE_APPLICATION = "Наберите номер заявления с расписки, все цифры подряд, и нажмите решётку."
APPLICATION_NOT_FOUND = (
    "Заявления с таким номером для вашего номера телефона нет. Проверьте номер на расписке."
)
APPLICATION = "Ваше заявление"
READY_BY = "Будет готово"

FIXED: tuple[str, ...] = (
    GREETING,
    *MAIN_MENU,
    NO_SUCH,
    NOTHING_PRESSED,
    TO_OPERATOR,
    UNAVAILABLE,
    BUSY,
    *PRESS,
    QUEUE_EMPTY,
    IN_QUEUE,
    NOBODY_WAITING,
    WAIT,
    WAIT_UNKNOWN,
    TYPE_TICKET,
    TICKET_NOT_FOUND,
    TICKET,
    TICKET_CALLED,
    TICKET_NEXT,
    AHEAD,
    NO_BOOKING,
    TYPE_PHONE,
    NOT_A_PHONE,
    CHOOSE_SERVICE,
    CHOOSE_DAY,
    NO_FREE_DAYS,
    DAY_TAKEN,
    FREE_TIMES,
    AND_OTHERS,
    TYPE_TIME,
    NO_SUCH_TIME,
    YOU_BOOK,
    CONFIRM_SMS,
    CONFIRM_NO_SMS,
    OTHER_TIME_3,
    CONFIRM,
    OTHER_TIME_2,
    SLOT_TAKEN,
    BOOKING_LIMIT,
    CANNOT_BOOK,
    BOOKED,
    YOUR_CODE,
    CODE_AGAIN,
    CODE_SENT,
    CODE_AT_KIOSK,
    MANAGE_NEEDS_NUMBER,
    TYPE_CODE,
    CODE_NOT_FOUND,
    TOO_MANY_TRIES,
    YOUR_BOOKING,
    *CANCEL_OR_MOVE,
    MOVE_TO,
    CANCELLED,
    MOVED,
    SAME_CODE,
    STATUS_NEEDS_NUMBER,
    TYPE_APPLICATION,
    APPLICATION_NOT_FOUND,
    APPLICATION,
    READY_BY,
)
