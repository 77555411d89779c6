"""The hub's durable state: SQLite in WAL mode, one transaction per batch of events."""
