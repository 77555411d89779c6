"""Backups of a branch hub and its restore on a new box (docs/backup.md).

An archive holds everything a branch needs to run again: a consistent copy of the hub's
database taken while it serves, the branch CA and the hub's keys, the configuration and
the back office secret. It is encrypted to the region's age key, so that a copy lost on
the way reveals nothing, and its manifest is signed with the branch CA, so that a
restore takes nothing that was changed after the hub wrote it. A restore checks all of
it before it writes anything, then fetches from the back office what the branch synced
after the backup was taken.
"""
