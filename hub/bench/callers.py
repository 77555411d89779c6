"""The benchmarks' callers, let in through the hub's doors as a real hall's are.

Kiosks and hall displays are devices enrolled as a technician would enroll them
(okno.provision.enroll_devices) and call on the device port over mutual TLS, each with
its own certificate; each desk is worked by its desk unit, enrolled and given its desk
through the admin socket. No benchmark has a door of its own, so what they measure
includes the TLS and the checks every real call pays.
"""

from __future__ import annotations

from pathlib import Path

from okno.provision import configure_devices, enroll_devices

SERIALS = "BENCH"


async def enrolled(address: str, socket: Path, kind: str, count: int, root: Path) -> list[Path]:
    """``count`` devices of ``kind`` admitted by the hub at ``address``; their state folders."""
    return await enroll_devices(address, socket, count, root / kind, kind=kind, serials=SERIALS)


async def desk_units(address: str, socket: Path, desks: list[str], root: Path) -> dict[str, Path]:
    """A desk unit admitted for each of ``desks`` and set to work it; state folders by desk."""
    folders = await enrolled(address, socket, "staff_desk", len(desks), root)
    await configure_devices(
        socket,
        {
            f"staff_desk-{SERIALS}-{folder.name}": {"desk": desk}
            for desk, folder in zip(desks, folders, strict=True)
        },
    )
    return dict(zip(desks, folders, strict=True))
