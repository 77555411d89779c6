"""Appointments: slots, the book of who holds which seat, booking codes and contacts."""

from hub.domain.appointments.book import AppointmentBook
from hub.domain.appointments.calendar import Slot, SlotCalendar
from hub.domain.appointments.seats import SlotView

__all__ = ["AppointmentBook", "Slot", "SlotCalendar", "SlotView"]
