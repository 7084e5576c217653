"""One base error for everything a user can fix; each message names the file, sheet, row and value.

    LeadTrackerError
    ├── WorkbookError          the workbook cannot be opened, read or saved as asked
    │   ├── WorkbookLockedError    open in Excel or LibreOffice (a lock file sits beside it)
    │   └── SheetError             a sheet is missing something the tool needs
    └── UsageError             the command was called with something that cannot work
"""

from __future__ import annotations


class LeadTrackerError(Exception):
    """Something went wrong that the user can fix."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else (self.__doc__ or "")
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class WorkbookError(LeadTrackerError):
    """The workbook cannot be used."""


class WorkbookLockedError(WorkbookError):
    """The workbook is open in another program."""


class SheetError(WorkbookError):
    """A sheet is missing something the tool needs."""


class UsageError(LeadTrackerError):
    """The command cannot run as asked."""
