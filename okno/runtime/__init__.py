"""The device-side runtime shared by every device program."""
