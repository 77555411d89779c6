"""Simulators of what the voice menu talks to: Asterisk's side of FastAGI."""
