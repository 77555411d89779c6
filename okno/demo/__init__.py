"""``okno demo``: a whole simulated hall on one machine, headless-safe."""

from okno.demo.hall import DemoOptions, DemoResult, run_demo, run_until_signalled

__all__ = ["DemoOptions", "DemoResult", "run_demo", "run_until_signalled"]
