"""Staff sign-in: PINs, sessions and the role rules every staff tool is held to."""

from hub.staff.access import SignedIn
from hub.staff.service import Member, Staff

__all__ = ["Member", "SignedIn", "Staff"]
