"""The hub's gRPC face: thin servicers over :class:`hub.service.Hub`."""
