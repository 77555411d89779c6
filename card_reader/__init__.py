"""Smart-card identification at kiosks and desks: PC/SC, UEC and EMV profiles, a virtual card."""
