"""Errors of the simulated information system, each saying what to do."""

from __future__ import annotations

from okno.errors import OknoError


class SimulationError(OknoError):
    """Root of the simulator's errors."""

    code = "ais_sim_error"


class BadPlan(SimulationError, ValueError):
    """The changes asked for cannot be planned (no numbers, a share out of 0..1)."""

    code = "ais_bad_plan"


class SignInRefused(SimulationError, PermissionError):
    """The hub did not let the information system's account in."""

    code = "ais_sign_in_refused"
