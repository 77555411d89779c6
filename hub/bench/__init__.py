"""``okno hub bench queue``: the hub's figures, measured over real gRPC against a real process."""
