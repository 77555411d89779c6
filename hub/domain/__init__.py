"""The queue's rules: pure, no I/O, every time passed in as Unix milliseconds."""
