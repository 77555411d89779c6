"""Errors of the ticket printer package, each saying what a person can do about it.

The specific errors also inherit a builtin, so code that knows nothing of okno still
catches them sensibly (a lost link is a ``ConnectionError``, a bad URL a ``ValueError``).
``code`` is stable: the agent reports it to the hub and tests match on it.
"""

from __future__ import annotations

from okno.errors import OknoError


class PrinterError(OknoError):
    """Root of the ticket printer's errors."""

    code = "printer_error"


class PaperOut(PrinterError):
    """The roll is empty: the job was not printed and must be printed again after a refill."""

    code = "paper_out"


class CoverOpen(PrinterError):
    """The cover is open: nothing prints until someone closes it."""

    code = "cover_open"


class PrinterOffline(PrinterError, ConnectionError):
    """The link is up but the printer does not answer (switched off, or in an error)."""

    code = "printer_offline"


class LinkLost(PrinterError, ConnectionError):
    """The serial, USB or TCP link itself is gone (cable pulled, device unplugged)."""

    code = "link_lost"


class BadStatus(PrinterError, ValueError):
    """The printer answered a status request with bytes that cannot be a status."""

    code = "bad_status"


class PrintTimeout(PrinterError, TimeoutError):
    """The printer took the job but did not confirm it in time; it may not be printed."""

    code = "print_timeout"


class TemplateError(PrinterError, ValueError):
    """A ticket cannot be laid out from the data given (too long, wrong characters)."""

    code = "template_error"


class BadPrinterUrl(PrinterError, ValueError):
    """The printer's URL names no transport this package can open."""

    code = "bad_printer_url"


class BadSettings(PrinterError, ValueError):
    """A setting from the technician the printer cannot take; the previous ones stay."""

    code = "bad_settings"


class JobDamaged(PrinterError, ValueError):
    """A job file in the agent's queue cannot be read (half written by an older okno)."""

    code = "job_damaged"
