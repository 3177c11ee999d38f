"""Map the header names of a contacts export to contact fields.

Header names match case-insensitively after trimming whitespace. The aliases cover the usual
exports of Google Contacts, HubSpot, Outlook, Salesforce reports and the SmartAlex format
`phone,first_name,last_name,email,company`. Overrides, such as `--map "Cell=phone"` on the
command line, assign a column to a field by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from smartalex_async.cli._contacts_csv_errors import ContactsCsvError, MissingColumnsError

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
        # Salesforce reports; their "Phone" column matches "phone" above.
        "Mobile",
    ),
    # "email" also matches HubSpot's "Email", and "company" matches Outlook's "Company".
    "email": ("email", "E-mail 1 - Value", "E-mail Address"),
    "company": ("company", "Organization Name", "Company Name", "Account Name"),
}
"""Header names recognized for each contact field. A single-value field takes the first match."""

FULL_NAME_ALIASES = ("name", "Full Name", "Contact Name")
"""Header names of a single full-name column, used when `split_full_name` is on and the file
has no first-name column."""

MAPPABLE_FIELDS = (*FIELD_ALIASES, "name")
"""Fields that an override may name; "name" is a full name split into first and last."""

REQUIRED_FIELDS = ("first_name", "phone")


@attrs.frozen
class HeaderMapping:
    """Source headers, spelled as in the file, that feed each contact field."""

    first_name: str | None
    phone: tuple[str, ...]
    """Phone columns in priority order."""

    last_name: str | None = None
    email: str | None = None
    company: str | None = None
    name: str | None = None
    """A full-name column, split into first and last name; used only without `first_name`."""

    def items(self) -> list[tuple[str, str]]:
        """List (field, source header) pairs in field order, one pair per phone column."""
        pairs = [("first_name", self.first_name)] if self.first_name else []
        if self.name is not None:
            pairs.append(("name", self.name))
        if self.last_name is not None:
            pairs.append(("last_name", self.last_name))

        pairs.extend(("phone", header) for header in self.phone)

        if self.email is not None:
            pairs.append(("email", self.email))
        if self.company is not None:
            pairs.append(("company", self.company))

        return pairs


def map_headers(
    headers: Sequence[str],
    overrides: Mapping[str, str] | None = None,
    *,
    split_full_name: bool = False,
) -> HeaderMapping:
    """Build the mapping for a header row.

    When two columns have the same name after trimming and case folding, the leftmost one wins.
    `overrides` maps a source header to the field it feeds, and takes that column away from
    any field it would feed otherwise. Overrides of phone replace the detected phone columns,
    in the order of `overrides`. With `split_full_name`, a file without a first-name column may give
    a full-name column (such as "Name") instead.

    Raises:
        ContactsCsvError: an override names a header the file lacks, or an unknown field.
        MissingColumnsError: no column feeds first_name (or name) or no column feeds phone.
    """
    columns_by_key: dict[str, str] = {}
    for header in headers:
        columns_by_key.setdefault(_header_key(header), header)

    chosen = _resolve_overrides(overrides or {}, columns_by_key, headers)
    overridden = {_header_key(header) for columns in chosen.values() for header in columns}
    available = {key: header for key, header in columns_by_key.items() if key not in overridden}

    sources = {field: _detect(aliases, available) for field, aliases in FIELD_ALIASES.items()}
    sources["name"] = _detect(FULL_NAME_ALIASES, available) if split_full_name else ()
    sources.update(chosen)
    if sources["first_name"]:
        sources["name"] = ()
    _check_required(sources, headers, split_full_name=split_full_name)

    return HeaderMapping(
        first_name=_first_or_none(sources["first_name"]),
        phone=sources["phone"],
        last_name=_first_or_none(sources["last_name"]),
        email=_first_or_none(sources["email"]),
        company=_first_or_none(sources["company"]),
        name=_first_or_none(sources["name"]),
    )


def _detect(aliases: Sequence[str], columns_by_key: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(
        columns_by_key[_header_key(alias)]
        for alias in aliases
        if _header_key(alias) in columns_by_key
    )


def _resolve_overrides(
    overrides: Mapping[str, str], columns_by_key: Mapping[str, str], headers: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Return the columns that the overrides assign, by field, in the order given."""
    chosen: dict[str, tuple[str, ...]] = {}
    for source, field in overrides.items():
        if field not in MAPPABLE_FIELDS:
            raise ContactsCsvError(
                f"Cannot map the column {source!r} to {field!r}: the fields are "
                f"{', '.join(MAPPABLE_FIELDS)}. Write the override as 'Column Header=field'."
            )
        column = columns_by_key.get(_header_key(source))
        if column is None:
            found = ", ".join(repr(header) for header in headers)
            raise ContactsCsvError(
                f"Cannot map the column {source!r}: the header row has no such column. "
                f"Found: {found}."
            )
        chosen[field] = (*chosen.get(field, ()), column)

    return chosen


def _check_required(
    sources: dict[str, tuple[str, ...]], headers: Sequence[str], *, split_full_name: bool
) -> None:
    has_name = bool(sources["first_name"] or sources["name"])
    missing = tuple(
        field
        for field in REQUIRED_FIELDS
        if not (has_name if field == "first_name" else sources[field])
    )
    if not missing:
        return

    found = ", ".join(repr(header) for header in headers) or "no headers"
    expected = "; ".join(_expected_columns(field, split_full_name) for field in missing)
    raise MissingColumnsError(
        f"The header row has no column for {' or '.join(missing)}. Found: {found}. "
        f"Expected {expected} (case and surrounding spaces are ignored). "
        "Rename the column in the file, and check that columns are separated by commas "
        "or semicolons.",
        missing=missing,
        headers=tuple(headers),
    )


def _expected_columns(field: str, split_full_name: bool) -> str:
    aliases = FIELD_ALIASES[field]
    if field == "first_name" and split_full_name:
        aliases = (*aliases, *FULL_NAME_ALIASES)
    return f"{field} from one of {', '.join(repr(alias) for alias in aliases)}"


def _header_key(header: str) -> str:
    return header.strip().casefold()


def _first_or_none(columns: tuple[str, ...]) -> str | None:
    return columns[0] if columns else None
