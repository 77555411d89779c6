"""The driver against virtual cards in pcscd's vsmartcard reader: real PC/SC, real wire protocol."""

from __future__ import annotations

import logging
import threading

import pytest
from smartcard import scard

from card_reader import codec, errors
from card_reader.channel import CardChannel
from card_reader.codec import Response
from card_reader.driver import CardReader, ReaderEvent, State
from card_reader.identity import BankCardHolder, Identity
from card_reader.part10 import FEATURE_VERIFY_PIN_DIRECT
from card_reader.pin import KeypadEntry, PinPadEntry, PinPrompt, choose_entry
from card_reader.profiles.base import PinEntryFactory
from card_reader.profiles.emv import VISA
from card_reader.profiles.uec import TAG_BIRTH_DATE, UEC_ID_AID
from card_reader.sim import (
    SAMPLE_HOLDER,
    VPCD_READER,
    BlankApplet,
    EmvApplet,
    SimulatedCard,
    UecApplet,
    UecState,
    simulated_card,
)
from card_reader.transport import PcscLink, parse_url, pcsc_error
from tests.card_reader.conftest import (
    READER_URL,
    REFUSALS,
    WAIT_S,
    Insert,
    ScriptedKeypad,
    link_threads_end,
    wait_reader,
)


def uec(
    state: UecState, *, mute_after: int | None = None, remove_after: int | None = None
) -> SimulatedCard:
    return SimulatedCard(UecApplet(state), mute_after=mute_after, remove_after=remove_after)


def test_the_identity_is_read_after_the_right_pin(insert: Insert) -> None:
    state = UecState(pin="2580")
    card = insert(uec(state))
    keypad = ScriptedKeypad("2580")
    result = CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert result.profile == "uec"
    assert result.holder == SAMPLE_HOLDER
    assert result.pin_verified
    assert [p.tries_left for p in keypad.prompts] == [3]
    # What the keypad handed over was wiped once the card had answered.
    assert keypad.handed == [bytearray(4)]
    # SELECT, GET RESPONSE (61xx), VERIFY (tries), VERIFY, READ BINARY (6Cxx), again, GET RESPONSE.
    assert [h.hex() for h in card.headers] == [
        "00a40400",
        "00c00000",
        "00200001",
        "00200001",
        "00b08100",
        "00b08100",
        "00c00000",
    ]
    assert result.apdus == 7


def test_wrong_pins_count_the_tries_down_and_the_right_one_resets_them(insert: Insert) -> None:
    state = UecState(pin="2580")
    insert(uec(state))
    keypad = ScriptedKeypad("0000", "1111", "2580")
    result = CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert result.pin_verified
    assert [(p.attempt, p.tries_left, p.last_wrong) for p in keypad.prompts] == [
        (1, 3, False),
        (2, 2, True),
        (3, 1, True),
    ]
    assert state.tries_left == 3


def test_three_wrong_pins_block_the_card_and_it_stays_blocked(insert: Insert) -> None:
    state = UecState(pin="2580")
    insert(uec(state))
    keypad = ScriptedKeypad("0000", "1111", "2222")
    with pytest.raises(errors.PinBlocked) as blocked:
        CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert blocked.value.sw == 0x63C0
    assert state.tries_left == 0
    # The same card again: blocked at once, the visitor is not asked.
    again = ScriptedKeypad("2580")
    with pytest.raises(errors.PinBlocked):
        CardReader(READER_URL, keypad=again).read_card(VPCD_READER)
    assert again.prompts == []


def test_a_blocked_card_is_refused_without_asking(insert: Insert) -> None:
    card = insert(uec(UecState(tries_left=0)))
    keypad = ScriptedKeypad("1234")
    with pytest.raises(errors.PinBlocked) as blocked:
        CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert blocked.value.sw == 0x6983
    assert keypad.prompts == []
    assert [h.hex() for h in card.headers][-1] == "00200001"


def test_wrong_pins_stop_after_the_attempts_allowed_per_insertion(insert: Insert) -> None:
    state = UecState(pin="2580", max_tries=10, tries_left=10)
    insert(uec(state))
    keypad = ScriptedKeypad("0000", "0000", "0000", "2580")
    with pytest.raises(errors.WrongPin) as wrong:
        CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert wrong.value.tries_left == 7
    assert len(keypad.prompts) == 3


def test_a_cancelled_pin_never_reaches_the_card(insert: Insert) -> None:
    card = insert(uec(UecState()))
    with pytest.raises(errors.PinCancelled):
        CardReader(READER_URL, keypad=ScriptedKeypad()).read_card(VPCD_READER)
    assert [h.hex() for h in card.headers].count("00200001") == 1


def test_a_card_pulled_out_mid_read_is_reported_removed(insert: Insert) -> None:
    # SELECT, GET RESPONSE, two VERIFYs answered; pulled out during the READ BINARY.
    card = insert(uec(UecState(), remove_after=4))
    with pytest.raises(errors.CardRemoved) as removed:
        CardReader(READER_URL, keypad=ScriptedKeypad("1234")).read_card(VPCD_READER)
    assert isinstance(removed.value, ConnectionError)
    assert card.headers[-1].hex() == "00b08100"
    assert card.gone.wait(WAIT_S)
    wait_reader(False)


def test_a_mute_card_times_out_and_frees_the_reader_once_pulled(insert: Insert) -> None:
    card = insert(uec(UecState(), mute_after=0))
    reader = CardReader(READER_URL, keypad=ScriptedKeypad("1234"), apdu_timeout_s=0.3)
    with pytest.raises(errors.CardMute) as mute:
        reader.read_card(VPCD_READER)
    assert isinstance(mute.value, TimeoutError)
    card.remove()
    link_threads_end()
    # The reader works again for the next card.
    wait_reader(False)
    insert(simulated_card("emv"))
    assert reader.read_card(VPCD_READER).profile == "emv"


def test_an_unknown_card_is_told_apart(insert: Insert) -> None:
    card = insert(SimulatedCard(BlankApplet()))
    with pytest.raises(errors.UnknownCard):
        CardReader(READER_URL).read_card(VPCD_READER)
    # Every profile tried its applications: UEC, then the PPSE and three known AIDs.
    assert len(card.headers) == 5


UEC_SELECT = "00a40400"


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_bank_card_that_refuses_the_uec_select_oddly_is_still_read(
    insert: Insert, refusal: int
) -> None:
    # No PPSE either: the UEC, the PPSE and Mir are refused the same way, then Visa answers.
    card = insert(SimulatedCard(EmvApplet(aid=VISA, with_ppse=False, absent_sw=refusal)))
    result = CardReader(READER_URL).read_card(VPCD_READER)
    assert result.profile == "emv"
    assert result.holder == BankCardHolder("MARIA IVANOVA", "476173******0010")
    assert [h.hex() for h in card.headers[:4]] == [UEC_SELECT] * 4


@pytest.mark.parametrize("refusal", REFUSALS)
def test_a_card_every_profile_refuses_is_unknown(insert: Insert, refusal: int) -> None:
    card = insert(SimulatedCard(BlankApplet(absent_sw=refusal)))
    with pytest.raises(errors.UnknownCard) as unknown:
        CardReader(READER_URL).read_card(VPCD_READER)
    assert unknown.value.code == "unknown_card"
    assert [h.hex() for h in card.headers] == [UEC_SELECT] * 5


def test_a_wrong_pin_answered_with_a_bare_6300_is_a_wrong_pin(insert: Insert) -> None:
    state = UecState(pin="2580", hides_tries=True)
    insert(uec(state))
    keypad = ScriptedKeypad("0000", "2580")
    result = CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert result.pin_verified and result.holder == SAMPLE_HOLDER
    assert [(p.attempt, p.tries_left, p.last_wrong) for p in keypad.prompts] == [
        (1, None, False),
        (2, None, True),
    ]
    assert state.tries_left == 3


def test_wrong_pins_answered_with_6300_stop_as_a_wrong_pin(insert: Insert) -> None:
    state = UecState(pin="2580", hides_tries=True, max_tries=10, tries_left=10)
    insert(uec(state))
    keypad = ScriptedKeypad("0000", "1111", "2222")
    with pytest.raises(errors.WrongPin) as wrong:
        CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert (wrong.value.code, wrong.value.tries_left, wrong.value.sw) == ("wrong_pin", None, 0x6300)
    assert len(keypad.prompts) == 3 and state.tries_left == 7


def test_a_ppse_entry_with_an_empty_priority_is_read(insert: Insert) -> None:
    insert(SimulatedCard(EmvApplet(priority=b"")))
    result = CardReader(READER_URL).read_card(VPCD_READER)
    assert result.holder == BankCardHolder("MARIA IVANOVA", "476173******0010")


class Buggy:
    """A profile with a fault of okno's own: it selects the UEC, then trips over the holder."""

    name = "buggy"

    def select(self, channel: CardChannel) -> bytes | None:
        return channel.send(codec.select_aid(UEC_ID_AID)).data

    def read(
        self, channel: CardChannel, fci: bytes, pin_entry: PinEntryFactory
    ) -> tuple[Identity, bool]:
        raise KeyError(SAMPLE_HOLDER.surname)


def test_any_failure_reading_a_card_is_that_cards_malformed_data(
    insert: Insert, caplog: pytest.LogCaptureFixture
) -> None:
    insert(uec(UecState()))
    with pytest.raises(errors.MalformedData) as malformed:
        CardReader(READER_URL, profiles=[Buggy()]).read_card(VPCD_READER)
    assert malformed.value.code == "malformed_data"
    assert isinstance(malformed.value.__cause__, KeyError)
    assert "error=KeyError at test_driver.py:" in caplog.text
    # The failure's text, which may quote what the card holds, stays out of the log.
    assert SAMPLE_HOLDER.surname not in caplog.text + str(malformed.value)


def test_a_bank_card_gives_only_a_name_and_a_masked_number(insert: Insert) -> None:
    insert(SimulatedCard(EmvApplet()))
    keypad = ScriptedKeypad("1234")
    result = CardReader(READER_URL, keypad=keypad).read_card(VPCD_READER)
    assert result.holder == BankCardHolder("MARIA IVANOVA", "476173******0010")
    assert not result.pin_verified and keypad.prompts == []


def test_the_virtual_reader_has_no_pin_pad_so_the_keypad_asks(insert: Insert) -> None:
    insert(simulated_card("uec"))
    with PcscLink(VPCD_READER) as link:
        channel = CardChannel(link)
        assert channel.features() == {}
        assert isinstance(choose_entry(channel, ScriptedKeypad()), KeypadEntry)


class PinPadReader:
    """A reader with a PIN pad, in memory: lists the feature and answers VERIFY_PIN_DIRECT."""

    reader = "pin pad"
    atr = b""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.controls: list[tuple[int, bytes]] = []

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        raise AssertionError("a PIN pad reader's PIN never passes through transmit")

    def control(self, code: int, data: bytes) -> bytes:
        self.controls.append((code, data))
        if code == scard.SCARD_CTL_CODE(3400):
            return bytes.fromhex("060442330006")
        return self.answer

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [("9000", None), ("63C2", None), ("6400", errors.PinTimeout), ("6401", errors.PinCancelled)],
)
def test_a_pin_pad_reader_takes_the_pin_itself(
    answer: str, outcome: type[errors.CardError] | None
) -> None:
    reader = PinPadReader(bytes.fromhex(answer))
    announced: list[PinPrompt] = []
    entry = choose_entry(CardChannel(reader), ScriptedKeypad("1234"), announced.append)
    assert isinstance(entry, PinPadEntry)
    prompt = PinPrompt("uec", 3)
    if outcome is None:
        response = entry.verify(CardChannel(reader), 0x01, prompt)
        assert response == Response.parse(bytes.fromhex(answer))
    else:
        with pytest.raises(outcome):
            entry.verify(CardChannel(reader), 0x01, prompt)
    code, structure = reader.controls[-1]
    assert code == 0x42330006 and structure.endswith(bytes.fromhex("0020000108 20FFFFFFFFFFFFFF"))
    assert announced == [PinPrompt("uec", 3, on_reader=True)]
    assert FEATURE_VERIFY_PIN_DIRECT == 0x06


def test_the_spy_logs_headers_and_status_never_data(
    insert: Insert, caplog: pytest.LogCaptureFixture
) -> None:
    insert(uec(UecState(pin="2580")))
    caplog.set_level(logging.DEBUG, logger="card_reader")
    CardReader(f"{READER_URL}?spy=1", keypad=ScriptedKeypad("2580")).read_card(VPCD_READER)
    assert "apdu 00 20 00 01 len=13 -> len=0 sw=9000" in caplog.text
    assert "2580" not in caplog.text and "25 80" not in caplog.text
    assert "Иванова" not in caplog.text


def test_urls_and_pcsc_errors() -> None:
    assert parse_url("pcsc://").reader == ""
    assert parse_url("pcsc://Virtual%20PCD%2000%2000?spy=1") == parse_url(
        "pcsc://Virtual PCD 00 00?spy=yes"
    )
    with pytest.raises(ValueError, match="pcsc://"):
        parse_url("serial:///dev/ttyUSB0")
    assert isinstance(pcsc_error(scard.SCARD_E_NO_SERVICE, "x"), errors.ReaderUnavailable)
    assert isinstance(pcsc_error(scard.SCARD_W_REMOVED_CARD, "x"), errors.CardRemoved)
    assert isinstance(pcsc_error(scard.SCARD_E_NO_SMARTCARD, "x"), errors.NoCard)
    assert isinstance(pcsc_error(scard.SCARD_W_UNRESPONSIVE_CARD, "x"), errors.CardMute)
    assert isinstance(pcsc_error(scard.SCARD_E_UNKNOWN_READER, "x"), errors.NoReader)


def test_no_card_in_the_reader(pcscd: object) -> None:
    with pytest.raises(errors.NoCard):
        PcscLink(VPCD_READER)


class Watch:
    """A reader's watch loop on its own thread, its events collected."""

    def __init__(self, reader: CardReader) -> None:
        self.reader = reader
        self.events: list[ReaderEvent] = []
        self.arrived = threading.Condition()
        self.halt = threading.Event()
        self.thread = threading.Thread(target=reader.watch, args=(self.halt, self._emit))

    def _emit(self, event: ReaderEvent) -> None:
        with self.arrived:
            self.events.append(event)
            self.arrived.notify_all()

    def wait_for(self, state: State) -> ReaderEvent:
        with self.arrived:
            assert self.arrived.wait_for(
                lambda: any(e.state is state for e in self.events), WAIT_S
            ), f"no {state} in {[e.state for e in self.events]}"
            event = next(e for e in self.events if e.state is state)
            self.events = self.events[self.events.index(event) + 1 :]
            return event

    def __enter__(self) -> Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.halt.set()
        self.reader.interrupt()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


def test_the_watch_reads_each_card_once_and_sees_it_go(pcscd: object) -> None:
    keypad = ScriptedKeypad("1234", "1234")
    with Watch(CardReader(READER_URL, keypad=keypad)) as watch:
        watch.wait_for(State.EMPTY)
        for _ in range(2):
            card = simulated_card("uec")
            card.insert()
            watch.wait_for(State.READING)
            assert watch.wait_for(State.PIN).prompt == PinPrompt("uec", 3)
            done = watch.wait_for(State.DONE)
            assert done.read is not None and done.read.holder == SAMPLE_HOLDER
            card.remove()
            watch.wait_for(State.EMPTY)
    assert keypad.pins == []


def test_the_watch_refuses_an_odd_card_and_reads_the_next(pcscd: object) -> None:
    """A date of birth in 8 non-ASCII bytes killed the watch: the next card was never read."""
    odd = UecState(raw_objects={TAG_BIRTH_DATE: bytes.fromhex("D0D1D2D3D4D5D6D7")})
    keypad = ScriptedKeypad("1234", "1234")
    with Watch(CardReader(READER_URL, keypad=keypad)) as watch:
        watch.wait_for(State.EMPTY)
        with SimulatedCard(UecApplet(odd)):
            failed = watch.wait_for(State.FAILED)
            assert isinstance(failed.error, errors.MalformedData)
            assert failed.error.code == "malformed_data"
        watch.wait_for(State.EMPTY)
        with simulated_card("uec"):
            done = watch.wait_for(State.DONE)
            assert done.read is not None and done.read.holder == SAMPLE_HOLDER
        watch.wait_for(State.EMPTY)
        assert watch.thread.is_alive()


def test_the_watch_reports_a_missing_reader_and_a_failed_card(pcscd: object) -> None:
    with Watch(CardReader("pcsc://No%20Such%20Reader")) as watch:
        missing = watch.wait_for(State.NO_READER)
        assert isinstance(missing.error, errors.NoReader)
    with Watch(CardReader(READER_URL)) as watch:
        watch.wait_for(State.EMPTY)
        with simulated_card("blank"):
            failed = watch.wait_for(State.FAILED)
            assert isinstance(failed.error, errors.UnknownCard)
        watch.wait_for(State.EMPTY)
