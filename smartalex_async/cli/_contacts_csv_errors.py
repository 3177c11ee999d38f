"""Exceptions raised while opening or reading a contacts CSV file."""

from __future__ import annotations


class ContactsCsvError(ValueError):
    """Error for a file that cannot be imported as a contacts CSV.

    The message names the problem and the change that fixes it.
    """


class MissingColumnsError(ContactsCsvError):
    """The header row has no column for a required contact field."""

    def __init__(self, message: str, *, missing: tuple[str, ...], headers: tuple[str, ...]) -> None:
        super().__init__(message)
        self.missing = missing
        self.headers = headers
