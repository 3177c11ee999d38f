"""Map the header names of a contacts export to contact fields.

Header names match case-insensitively after trimming whitespace. The aliases cover the usual
exports of Google Contacts, HubSpot, Outlook and the SmartAlex format
`phone,first_name,last_name,email,company`.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from smartalex_async.cli._contacts_csv_errors import MissingColumnsError

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("first_name", "First Name"),
    "last_name": ("last_name", "Last Name"),
    # Priority order: a row takes its phone from the first of these columns that is not empty.
    "phone": (
        "phone",
        "Phone 1 - Value",
        "Phone 2 - Value",
        "Phone Number",
        "Mobile Phone Number",
        "Mobile Phone",
        "Business Phone",
        "Home Phone",
    ),
    # "email" also matches HubSpot's "Email", and "company" matches Outlook's "Company".
    "email": ("email", "E-mail 1 - Value", "E-mail Address"),
    "company": ("company", "Organization Name", "Company Name"),
}
"""Header names recognized for each contact field. A single-value field takes the first match."""

REQUIRED_FIELDS = ("first_name", "phone")


@attrs.frozen
class HeaderMapping:
    """Source headers, spelled as in the file, that feed each contact field."""

    first_name: str
    phone: tuple[str, ...]
    """Phone columns in priority order."""

    last_name: str | None = None
    email: str | None = None
    company: str | None = None

    def items(self) -> list[tuple[str, str]]:
        """List (field, source header) pairs in field order, one pair per phone column."""
        pairs = [("first_name", self.first_name)]
        if self.last_name is not None:
            pairs.append(("last_name", self.last_name))

        pairs.extend(("phone", header) for header in self.phone)

        if self.email is not None:
            pairs.append(("email", self.email))
        if self.company is not None:
            pairs.append(("company", self.company))

        return pairs


def map_headers(headers: Sequence[str]) -> HeaderMapping:
    """Build the mapping for a header row.

    When two columns have the same name after trimming and case folding, the leftmost one wins.

    Raises:
        MissingColumnsError: no column feeds first_name or no column feeds phone.
    """
    columns_by_key: dict[str, str] = {}
    for header in headers:
        columns_by_key.setdefault(_header_key(header), header)

    sources = {
        field: tuple(
            columns_by_key[_header_key(alias)]
            for alias in aliases
            if _header_key(alias) in columns_by_key
        )
        for field, aliases in FIELD_ALIASES.items()
    }
    _check_required(sources, headers)

    return HeaderMapping(
        first_name=sources["first_name"][0],
        phone=sources["phone"],
        last_name=_first_or_none(sources["last_name"]),
        email=_first_or_none(sources["email"]),
        company=_first_or_none(sources["company"]),
    )


def _check_required(sources: dict[str, tuple[str, ...]], headers: Sequence[str]) -> None:
    missing = tuple(field for field in REQUIRED_FIELDS if not sources[field])
    if not missing:
        return

    found = ", ".join(repr(header) for header in headers) or "no headers"
    expected = "; ".join(
        f"{field} from one of {', '.join(repr(alias) for alias in FIELD_ALIASES[field])}"
        for field in missing
    )
    raise MissingColumnsError(
        f"The header row has no column for {' or '.join(missing)}. Found: {found}. "
        f"Expected {expected} (case and surrounding spaces are ignored). "
        "Rename the column in the file, and check that columns are separated by commas "
        "or semicolons.",
        missing=missing,
        headers=tuple(headers),
    )


def _header_key(header: str) -> str:
    return header.strip().casefold()


def _first_or_none(columns: tuple[str, ...]) -> str | None:
    return columns[0] if columns else None
