"""okno: the electronic queue and hall hardware of a public-service centre."""

__version__ = "0.1.0"
