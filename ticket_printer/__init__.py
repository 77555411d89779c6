"""Ticket printers: ESC/POS codec, transports, driver, agent and a virtual printer."""
