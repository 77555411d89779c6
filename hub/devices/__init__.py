"""The hub's side of the device fleet: admission, identity, presence."""
