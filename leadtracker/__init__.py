"""Preforeclosure Lead Tracker: a follow-up system inside the agent's own spreadsheet."""

__version__ = "0.1.0"
