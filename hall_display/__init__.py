"""Hall boards, desk displays and the voice that calls visitors."""
