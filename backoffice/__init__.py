"""The region's back office: every branch's events in one database, reports, live view.

Hubs push their event logs (``hub/sync``) to ``Sync.PushBatch`` (``server``); ``store``
keeps each event once and updates the aggregates (``aggregate``) in the same
transaction; ``reports`` reads only those. See docs/backoffice.md.
"""
