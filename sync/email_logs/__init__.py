"""Outbound email logs brought back into the tracker (issue 7): readers for each source in a plain registry,
matching to leads, and the effect of each event on the Activity ledger. Entry point: command.run_sync_email;
this tool's own log format (written by the sending code): own_log."""

from .own_log import OutboundRecord, append_records, own_log_path

__all__ = ["OutboundRecord", "append_records", "own_log_path"]
