"""The kiosk: the touchscreen where visitors take tickets and check in appointments."""
