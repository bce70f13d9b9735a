"""Keyplan: offline account planning, estimates and client reporting."""

__version__ = "0.1.0"
APP_NAME = "Keyplan"
ORGANISATION = "Keyplan"
