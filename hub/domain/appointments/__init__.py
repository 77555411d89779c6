"""Appointments: slots, the book of who holds which seat, booking codes and contacts."""

from hub.domain.appointments.book import AppointmentBook, SlotView
from hub.domain.appointments.calendar import Slot, SlotCalendar

__all__ = ["AppointmentBook", "Slot", "SlotCalendar", "SlotView"]
