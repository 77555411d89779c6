"""The hall's 22,050 Hz voice brought to the 8,000 Hz Asterisk plays: pure Python, no numpy.

Telephony is 8 kHz, so everything above 4 kHz must go *before* samples are dropped, or it
folds back into the band as a whistle (a 5 kHz hiss becomes a 3 kHz tone). Two stages,
each chosen so that pure Python stays fast (a 3 s prompt in 30-50 ms on the shared
2-core box, about 15 ms of it the one multiplication, 20 ms the interpolation):

1. A long, steep low-pass FIR at the input rate (Kaiser window, flat to 3.4 kHz, at least
   about 60 dB down from 4 kHz): 135 taps for every one of 66,150 samples would be 9 million
   multiplications in the interpreter. Instead the samples and the taps are packed into two
   big integers, 32 bits a slot, and multiplied once: CPython's Karatsuba multiplication
   *is* the convolution, in C, and each 32-bit slot of the product is one output sample.
2. A short windowed-sinc interpolator (8 taps, one table row per output phase: 160 phases
   for 22,050 -> 8,000) picks the output instants off the filtered signal. The signal has
   nothing above 4 kHz left, so 8 taps reject its images (18 kHz and up) by more than
   60 dB while staying flat across the speech band.

``audioop`` would do it in C but is deprecated (gone in Python 3.13) and its ``ratecv``
does no low-pass at all: exactly the folding this module exists to prevent.
"""

from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass
from functools import cache
from math import gcd

from ivr.errors import BadAudio

PHONE_RATE = 8_000
VOICE_RATE = 22_050
_PASS = 0.425  # of the output rate: 3.4 kHz at 8 kHz, the top of the telephone band
_STOP = 0.5  # of the output rate: its Nyquist frequency
_ATTENUATION_DB = 60.0
_INTERPOLATOR_TAPS = 8
_INTERPOLATOR_BETA = 6.8  # Kaiser beta for about 70 dB over the interpolator's wide transition
_SMALL_INT = 1 << 30  # CPython keeps integers below this in one 30-bit digit
_SLOT = 32
_OFFSET = 32768  # samples as offset binary (0..65535) so the packed integer is unsigned
_FLIP_SIGN = bytes(b ^ 0x80 for b in range(256))


def _bessel_i0(x: float) -> float:
    """The modified Bessel function I0 by its power series (the Kaiser window's kernel)."""
    total, term, k = 1.0, 1.0, 1
    while term > 1e-12 * total:
        term *= (x / (2 * k)) ** 2
        total += term
        k += 1
    return total


def _kaiser(position: float, half_width: float, beta: float) -> float:
    """The Kaiser window at ``position`` from its centre; 0 beyond ``half_width``."""
    ratio = position / half_width
    if abs(ratio) > 1:
        return 0.0
    return _bessel_i0(beta * math.sqrt(1 - ratio * ratio)) / _bessel_i0(beta)


def _sinc(x: float) -> float:
    return 1.0 if x == 0 else math.sin(math.pi * x) / (math.pi * x)


@dataclass(frozen=True, slots=True)
class _Design:
    """Both stages for one pair of rates, computed once."""

    up: int  # output phases per input period (160 for 22,050 -> 8,000)
    down: int  # input samples per ``up`` output samples (441)
    packed_taps: int  # the low-pass taps, signed, 32 bits a slot
    lift: bytes  # one slot's lift, added to every slot of the product
    tap_count: int
    weights: tuple[tuple[float, ...], ...]  # interpolator row per phase, scaled back to PCM
    corrections: tuple[float, ...]  # per phase: the offset and bias those weights pick up


@cache
def _design(from_rate: int, to_rate: int) -> _Design:
    common = gcd(from_rate, to_rate)
    up, down = to_rate // common, from_rate // common
    # Stage 1: Kaiser-windowed sinc low-pass, its length by Kaiser's formula.
    passband, stopband = _PASS * to_rate / from_rate, _STOP * to_rate / from_rate
    beta = 0.1102 * (_ATTENUATION_DB - 8.7)
    width = 2 * math.pi * (stopband - passband)
    count = math.ceil((_ATTENUATION_DB - 8) / (2.285 * width)) | 1
    cutoff = (passband + stopband) / 2
    centre = (count - 1) / 2
    taps = [
        2 * cutoff * _sinc(2 * cutoff * (k - centre)) * _kaiser(k - centre, centre, beta)
        for k in range(count)
    ]
    gain = sum(taps)
    # Taps as integers as fine as the slots allow: the largest slot (full-scale samples
    # under every tap, each tap rounded up by at most half a unit) stays below 2**30, so
    # each slot is a one-digit integer to the interpreter, which halves the time of stage
    # 2. About 13 bits a tap: a floor near -70 dB.
    room = (_SMALL_INT - 1) // (2 * _OFFSET - 1) - count // 2 - 1
    scale = math.floor(room * gain / sum(abs(t) for t in taps))
    quantised = [round(t * scale / gain) for t in taps]
    packed = sum(q << (_SLOT * k) for k, q in enumerate(quantised))
    # The lowest a slot can go is full-scale samples under the negative taps: every slot
    # is lifted by that much so that none borrows from the next.
    lift = (2 * _OFFSET - 1) * -sum(q for q in quantised if q < 0)
    # Stage 2: one interpolator row per output phase, reading taps j = -3..4 around floor(t).
    half = _INTERPOLATOR_TAPS // 2
    weights, corrections = [], []
    constant = lift + _OFFSET * sum(quantised)
    for phase in range(up):
        fraction = phase / up
        row = [
            _sinc(j - fraction) * _kaiser(j - fraction, half, _INTERPOLATOR_BETA)
            for j in range(1 - half, half + 1)
        ]
        total = sum(row)
        row = [w / total / scale for w in row]  # unity gain at DC, and back from integer taps
        weights.append(tuple(row))
        corrections.append(constant * sum(row))
    return _Design(
        up, down, packed, lift.to_bytes(4, "little"), count, tuple(weights), tuple(corrections)
    )


def _offset_slots(frames: bytes, pad: int) -> bytes:
    """16-bit signed little-endian samples as 32-bit offset-binary slots, zeros around."""
    source = bytearray(frames)
    source[1::2] = bytes(source[1::2]).translate(_FLIP_SIGN)  # x + 32768, as unsigned
    silence = b"\x00\x80\x00\x00" * pad  # a zero sample in offset binary
    slots = bytearray(4 * (len(source) // 2))
    slots[0::4] = source[0::2]
    slots[1::4] = source[1::2]
    return silence + bytes(slots) + silence


def resample(frames: bytes, from_rate: int = VOICE_RATE, to_rate: int = PHONE_RATE) -> bytes:
    """Mono 16-bit little-endian PCM at ``from_rate`` as the same sound at ``to_rate``.

    Only downward: a telephone never needs more than the voice has. BadAudio for an odd
    byte count (not 16-bit frames) or rates that would need upsampling.
    """
    if len(frames) % 2:
        raise BadAudio(f"{len(frames)} bytes are not whole 16-bit samples")
    if not 0 < to_rate <= from_rate:
        raise BadAudio(f"cannot resample {from_rate} Hz to {to_rate} Hz; only down is supported")
    if sys.byteorder == "big":
        raise BadAudio("resampling needs a little-endian machine")
    if not frames:
        return b""
    design = _design(from_rate, to_rate)
    count = len(frames) // 2
    half = _INTERPOLATOR_TAPS // 2
    pad = design.tap_count + _INTERPOLATOR_TAPS
    packed = int.from_bytes(_offset_slots(frames, pad), "little")
    slots = count + 2 * pad + design.tap_count - 1
    product = packed * design.packed_taps + int.from_bytes(design.lift * slots, "little")
    filtered = array("I")
    filtered.frombytes(product.to_bytes(4 * slots, "little"))
    # filtered[k] is the low-passed input at k - pad - (tap_count - 1) / 2.
    start = pad + (design.tap_count - 1) // 2 + 1 - half
    up, down = design.up, design.down
    total = count * up // down
    out = array("h", bytes(2 * total))
    # Outputs n, n + up, n + 2 up... share one phase and lie `down` input samples apart:
    # each tap's inputs for all of them are one strided slice, so the interpreter runs one
    # short expression per output instead of a loop.
    for first_output in range(min(up, total)):
        base, phase = divmod(first_output * down, up)
        outputs = len(range(first_output, total, up))
        first = start + base
        taps = [
            filtered[first + j : first + j + down * outputs : down]
            for j in range(_INTERPOLATOR_TAPS)
        ]
        w0, w1, w2, w3, w4, w5, w6, w7 = design.weights[phase]
        c = design.corrections[phase]
        values = [
            round(a * w0 + b * w1 + d * w2 + e * w3 + f * w4 + g * w5 + h * w6 + i * w7 - c)
            for a, b, d, e, f, g, h, i in zip(*taps, strict=True)
        ]
        out[first_output::up] = _pcm(values)
    return out.tobytes()


def _pcm(values: list[int]) -> array[int]:
    """Samples as 16-bit PCM, clipped only when the filter's ripple overshot full scale."""
    try:
        return array("h", values)
    except OverflowError:
        return array("h", (max(-32768, min(32767, v)) for v in values))
