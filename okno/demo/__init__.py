"""``okno demo``: a whole simulated hall on one machine, headless-safe.

The hall is ``okno.demo.hall``; this package imports nothing itself, so mounting the
command (``okno.demo.cli``) does not start the hub's imports on ``okno --help``.
"""
