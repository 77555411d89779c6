"""``okno bench hub``: the hub's figures, measured over real gRPC against a real process."""
