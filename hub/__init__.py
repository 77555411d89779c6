"""The branch hub: the one source of truth of a branch's hall."""
