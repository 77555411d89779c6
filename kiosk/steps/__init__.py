"""The kiosk's visits of several steps, each handled by its own class over the flow's core.

``lists.py`` pages through the groups, a group's services and the search,
``booking.py`` books a time, ``payment.py`` takes a service's fee at the terminal,
``card.py`` checks in by card and takes the card's PIN. Their state (``kiosk.booking``,
``kiosk.payment``) is pure; these classes decide what a tap or an answer does to it.
"""
