"""The centre's information system (АИС МФЦ) played against the hub: a simulator of its side
of ``okno.v1.Applications/SetStatus`` for tests, the benchmark and ``okno hub sim ais``."""
