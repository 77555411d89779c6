"""Finding each other on the branch LAN with zeroconf (mDNS/DNS-SD), before any TLS exists.

The hub announces ``_okno-hub._tcp.local.``; a device announces ``_okno-device._tcp.local.``
with what a technician needs to recognise it, and its pairing code while unenrolled.
Host and port travel in the SRV and A records; the TXT record carries the rest, encoded and
decoded by the pure ``*_txt`` functions below (RFC 6763 section 6: short keys, each
``key=value`` string at most 255 bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from zeroconf import DNSQuestionType, IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from okno.logtext import oneline
from okno.runtime.errors import HubNotFound, InvalidAdvert

__all__ = [
    "DEVICE_TYPE",
    "HUB_TYPE",
    "Announcer",
    "DeviceAdvert",
    "HubAdvert",
    "decode_device_txt",
    "decode_hub_txt",
    "encode_device_txt",
    "encode_hub_txt",
    "find_hub",
    "list_devices",
]

log = logging.getLogger(__name__)

HUB_TYPE = "_okno-hub._tcp.local."
DEVICE_TYPE = "_okno-device._tcp.local."
RESOLVE_TIMEOUT_MS = 3000
# How long an announcer listens for another host answering for its name before taking
# it: a responder that multicast the record in the last second keeps quiet (RFC 6762
# section 6), so the second question, about 1 s in, is the first sure to be answered.
TAKEN_WAIT_MS = 1500

# Longest value per TXT key in UTF-8 bytes; branch, kind and serial also name the instance,
# whose DNS label must stay under 63 bytes (RFC 6763 section 4.1.1). Required unless optional.
_HUB_LIMITS = {"branch": 48, "name": 128, "ver": 32}
_DEVICE_LIMITS = {"kind": 16, "model": 64, "serial": 40, "ver": 32, "code": 16}
_OPTIONAL = frozenset({"code"})


@dataclass(frozen=True)
class HubAdvert:
    """What a device needs to reach its branch's hub."""

    branch_id: str
    name: str
    host: str
    port: int
    version: str


@dataclass(frozen=True)
class DeviceAdvert:
    """What a technician needs to tell a new device apart and approve it."""

    kind: str
    model: str
    serial: str
    version: str
    pairing_code: str | None
    host: str
    port: int


def encode_hub_txt(advert: HubAdvert) -> dict[bytes, bytes]:
    """The TXT properties of a hub advert; raises InvalidAdvert rather than announce junk."""
    return _encode(
        {"branch": advert.branch_id, "name": advert.name, "ver": advert.version}, _HUB_LIMITS
    )


def decode_hub_txt(properties: Mapping[bytes, bytes | None], *, host: str, port: int) -> HubAdvert:
    """A hub advert from TXT properties heard on the LAN, which nobody vouches for yet."""
    fields = _decode(properties, _HUB_LIMITS)
    return HubAdvert(
        branch_id=fields["branch"],
        name=fields["name"],
        host=host,
        port=port,
        version=fields["ver"],
    )


def encode_device_txt(advert: DeviceAdvert) -> dict[bytes, bytes]:
    """The TXT properties of a device advert; an enrolled device sends no pairing code."""
    return _encode(
        {
            "kind": advert.kind,
            "model": advert.model,
            "serial": advert.serial,
            "ver": advert.version,
            "code": advert.pairing_code,
        },
        _DEVICE_LIMITS,
    )


def decode_device_txt(
    properties: Mapping[bytes, bytes | None], *, host: str, port: int
) -> DeviceAdvert:
    """A device advert from TXT properties heard on the LAN, which nobody vouches for yet."""
    fields = _decode(properties, _DEVICE_LIMITS)
    return DeviceAdvert(
        kind=fields["kind"],
        model=fields["model"],
        serial=fields["serial"],
        version=fields["ver"],
        pairing_code=fields.get("code"),
        host=host,
        port=port,
    )


def _encode(values: Mapping[str, str | None], limits: Mapping[str, int]) -> dict[bytes, bytes]:
    """Check every value against its limit so both ends enforce the same table."""
    encoded: dict[bytes, bytes] = {}
    for key, value in values.items():
        if value is None or value == "":
            if key not in _OPTIONAL:
                raise InvalidAdvert(f"advert field {key!r} is empty; set it before announcing")
            continue
        raw = value.encode()
        if len(raw) > limits[key]:
            raise InvalidAdvert(
                f"advert field {key!r} is {len(raw)} bytes; at most {limits[key]} fit"
            )
        encoded[key.encode()] = raw
    return encoded


def _decode(properties: Mapping[bytes, bytes | None], limits: Mapping[str, int]) -> dict[str, str]:
    """Known, non-empty fields as text; unknown keys are ignored for newer peers' sake."""
    fields: dict[str, str] = {}
    for key, limit in limits.items():
        raw = properties.get(key.encode())
        if not raw:
            if key not in _OPTIONAL:
                raise InvalidAdvert(f"advert lacks field {key!r}; the peer is not an okno one")
            continue
        if len(raw) > limit:
            raise InvalidAdvert(f"advert field {key!r} is {len(raw)} bytes; at most {limit} fit")
        try:
            fields[key] = raw.decode()
        except UnicodeDecodeError as err:
            raise InvalidAdvert(f"advert field {key!r} is not UTF-8") from err
    return fields


def _open(interfaces: list[str]) -> AsyncZeroconf:
    """Zeroconf on exactly the given IPv4 addresses, never on every interface of the host."""
    return AsyncZeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)


class Announcer:
    """Announces one hub or device while the ``async with`` block runs.

    A name another host already announces is not taken twice: the advert goes out under
    the name with a random suffix (the TXT record, not the name, says what it is), so that
    a stranger on the LAN cannot stop a hub or a device by announcing its name first.
    """

    def __init__(self, advert: HubAdvert | DeviceAdvert, *, interfaces: list[str]) -> None:
        self._interfaces = interfaces
        self._zc: AsyncZeroconf | None = None
        self._advert = advert
        if isinstance(advert, HubAdvert):
            self._instance, self._type = f"okno-hub-{advert.branch_id}", HUB_TYPE
            self._properties = encode_hub_txt(advert)
        else:
            self._instance, self._type = f"{advert.kind}-{advert.serial}", DEVICE_TYPE
            self._properties = encode_device_txt(advert)
        self._info = self._service(self._instance)

    def _service(self, instance: str) -> AsyncServiceInfo:
        """The advert as a service named ``instance``, on a host of the same name."""
        return AsyncServiceInfo(
            self._type,
            f"{instance}.{self._type}",
            port=self._advert.port,
            properties=self._properties,
            server=f"{instance}.local.",
            parsed_addresses=[self._advert.host],
        )

    @property
    def name(self) -> str:
        """The service name announced: another than the advert's if the LAN had that one."""
        return self._info.name

    async def __aenter__(self) -> Self:
        self._zc = _open(self._interfaces)
        wanted = self._info.name
        try:
            if await self._taken(self._zc.zeroconf):
                # Unforeseeable, so that nobody can announce this one first as well; three
                # hex digits keep the longest instance (57 bytes), with the "-2" zeroconf
                # may add, within a DNS label (63 bytes).
                self._info = self._service(f"{self._instance}-{secrets.randbelow(0x1000):03x}")
            # Zeroconf's own probe renames too, on the rare conflict it notices itself.
            await (await self._zc.async_register_service(self._info, allow_name_change=True))
        except BaseException:
            await self._zc.async_close()
            raise
        if self._info.name != wanted:
            log.warning(
                "service name taken service=%s announced_as=%s: another host on the LAN "
                "announces it; if it is not a second hub of this branch or a device with "
                "this serial, find that host, as it may be posing as this one",
                wanted,
                self._info.name,
            )
        log.info("announced service=%s port=%d", self._info.name, self._info.port)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._zc is None:
            return
        try:
            await (await self._zc.async_unregister_service(self._info))
        finally:
            await self._zc.async_close()
            self._zc = None
        log.info("withdrawn service=%s", self._info.name)

    async def _taken(self, zeroconf: Zeroconf) -> bool:
        """Whether another host answers for our name: zeroconf's probe does not tell, as
        it only looks for a pointer record, which a probe's answer does not carry."""
        asked = AsyncServiceInfo(self._type, self._info.name)
        answered = await asked.async_request(zeroconf, TAKEN_WAIT_MS, DNSQuestionType.QM)
        return answered or bool(zeroconf.cache.async_entries_with_name(self._info.name))


class _Resolver:
    """Browses one service type and queues each instance once its records are resolved."""

    def __init__(self, interfaces: list[str], type_: str) -> None:
        self._interfaces = interfaces
        self._type = type_
        self._found: asyncio.Queue[AsyncServiceInfo] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None

    async def __aenter__(self) -> Self:
        self._zc = _open(self._interfaces)
        # QM: when several okno programs share a host's port 5353 (SO_REUSEPORT), a unicast
        # answer to a first QU question (RFC 6762 section 5.4) reaches only one of them, often
        # not the asker; measured on loopback: found in ~1.1 s with QU, 0.07-0.2 s with QM.
        self._browser = AsyncServiceBrowser(
            self._zc.zeroconf,
            self._type,
            handlers=[self._on_change],
            question_type=DNSQuestionType.QM,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._browser is not None:
            await self._browser.async_cancel()
        if self._zc is not None:
            await self._zc.async_close()

    async def next(self) -> AsyncServiceInfo:
        """The next resolved instance, in the order their records completed."""
        return await self._found.get()

    def _on_change(
        self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        """Resolve in a task: the browser calls this on the event loop and must not wait."""
        if state_change is ServiceStateChange.Removed:
            return
        task = asyncio.create_task(self._resolve(zeroconf, name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resolve(self, zeroconf: Zeroconf, name: str) -> None:
        info = AsyncServiceInfo(self._type, name)
        if await info.async_request(zeroconf, RESOLVE_TIMEOUT_MS):
            self._found.put_nowait(info)
        else:
            log.warning("unresolved service=%s timeout_ms=%d", oneline(name), RESOLVE_TIMEOUT_MS)


def _address(info: AsyncServiceInfo) -> tuple[str, int]:
    """Host and port of a resolved instance, or InvalidAdvert if it names none."""
    addresses = info.parsed_addresses(IPVersion.V4Only)
    if not addresses or not info.port:
        raise InvalidAdvert(f"service {info.name} gives no IPv4 address or port")
    return addresses[0], info.port


async def find_hub(
    *, interfaces: list[str], timeout_s: float, branch_id: str | None = None
) -> HubAdvert:
    """The first hub heard (of ``branch_id`` if given), or HubNotFound after ``timeout_s``."""
    try:
        async with _Resolver(interfaces, HUB_TYPE) as resolver, asyncio.timeout(timeout_s):
            while True:
                info = await resolver.next()
                try:
                    host, port = _address(info)
                    hub = decode_hub_txt(info.properties, host=host, port=port)
                except InvalidAdvert as err:
                    log.warning(
                        "hub advert ignored service=%s reason=%s", oneline(info.name), oneline(err)
                    )
                    continue
                if branch_id is None or hub.branch_id == branch_id:
                    log.info(
                        "hub found branch=%s host=%s port=%d",
                        oneline(hub.branch_id),
                        hub.host,
                        hub.port,
                    )
                    return hub
                log.debug("hub skipped branch=%s wanted=%s", oneline(hub.branch_id), branch_id)
    except TimeoutError as err:
        which = "an okno hub" if branch_id is None else f"the hub of branch {branch_id!r}"
        raise HubNotFound(
            f"{which} did not answer on {', '.join(interfaces)} within {timeout_s:g} s; "
            "check that the hub is running, that this device is on the same network segment, "
            "and that multicast (mDNS, UDP port 5353) is allowed"
        ) from err


async def list_devices(*, interfaces: list[str], listen_s: float) -> list[DeviceAdvert]:
    """Every device heard during ``listen_s``, latest advert per instance, in order first heard."""
    seen: dict[str, DeviceAdvert] = {}
    async with _Resolver(interfaces, DEVICE_TYPE) as resolver:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(listen_s):
                while True:
                    info = await resolver.next()
                    try:
                        host, port = _address(info)
                        seen[info.name] = decode_device_txt(info.properties, host=host, port=port)
                    except InvalidAdvert as err:
                        log.warning(
                            "device advert ignored service=%s reason=%s",
                            oneline(info.name),
                            oneline(err),
                        )
    log.info("devices listed count=%d listen_s=%g", len(seen), listen_s)
    return list(seen.values())
