"""What the visitors' forms share: contacts read from a form, errors shown at their field.

A form sent with a mistake comes back as it was typed, with the error beside the input
it is about (``aria-describedby``), so the visitor corrects one field rather than typing
everything again; the templates do that with ``_field.html``.
"""

from __future__ import annotations

from typing import Any

from hub.domain.appointments import contacts
from hub.errors import InvalidRequest
from hub.web.site import FormError


def contact(fields: dict[str, str]) -> tuple[str, str]:
    """The phone and e-mail of a form as the hub keeps them; FormError names the field."""
    try:
        phone = contacts.phone(fields.get("phone", ""))
    except InvalidRequest:
        raise FormError("err_bad_phone", "phone") from None
    try:
        email = contacts.email(fields.get("email", ""))
    except InvalidRequest:
        raise FormError("err_bad_email", "email") from None
    return phone, email


def shown(error: FormError | None, fields: dict[str, str] | None = None) -> dict[str, Any]:
    """A page's context for a form sent back: its error, the field it is about, and what
    was typed (to fill the inputs again)."""
    return {
        "error": error.key if error else "",
        "error_field": error.field if error else "",
        "fields": fields or {},
    }
