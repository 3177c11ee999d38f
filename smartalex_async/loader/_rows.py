"""Turn a ContactInput into the row the journal stores: checked fields, skip reason, hash."""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from .._errors import InvalidParameterError
from ._models import ContactInput

__all__ = ["ContactFields", "PreparedRow", "RowState", "canonical_phone", "prepare_row"]

MISSING_FIRST_NAME = "missing_first_name"
MISSING_PHONE = "missing_phone"
INVALID_PHONE = "invalid_phone"
DUPLICATE_PHONE = "duplicate_phone"

_PHONE_PUNCTUATION = str.maketrans("", "", " \t.-()/")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class RowState(str, enum.Enum):
    """The state of one row in the journal. Only the journal writes it.

    It lives here rather than in `_journal`, so that `import smartalex_async` skips sqlite3.
    """

    PENDING = "pending"
    CREATING = "creating"
    CREATED = "created"
    ADDED = "added"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNKNOWN = "unknown"


@attrs.frozen
class ContactFields:
    """The fields of one create-contact request, trimmed, with the phone in E.164."""

    first_name: str
    phone: str
    last_name: str | None = None
    email: str | None = None
    company: str | None = None
    tags: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            [self.first_name, self.phone, self.last_name, self.email, self.company, self.tags]
        )

    @classmethod
    def from_json(cls, text: str) -> ContactFields:
        first_name, phone, last_name, email, company, tags = json.loads(text)
        return cls(first_name, phone, last_name, email, company, tuple(tags))

    def create_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of AsyncContacts.create, leaving out empty fields."""
        arguments: dict[str, Any] = {"first_name": self.first_name, "phone": self.phone}
        optional = {"last_name": self.last_name, "email": self.email, "company": self.company}
        arguments.update((name, value) for name, value in optional.items() if value is not None)
        if self.tags:
            arguments["tags"] = list(self.tags)
        return arguments


@attrs.frozen
class PreparedRow:
    """An input row at position `seq` (from 1), ready for the journal.

    Exactly one of `fields` and `skip_reason` is set. `content_hash` changes when any input
    value of the row changes, so a resumed load can tell that its input is not the same.
    """

    seq: int
    row_number: int
    key: str
    values: dict[str, str]
    content_hash: str
    fields: ContactFields | None
    skip_reason: str | None


def canonical_phone(raw: str | None) -> str | None:
    """Return `raw` without spaces and punctuation when it is E.164, else None.

    "+1 (415) 555-0132" becomes "+14155550132". A number without "+" and a country code is
    rejected rather than guessed.
    """
    if raw is None:
        return None

    text = raw.strip().translate(_PHONE_PUNCTUATION)
    return text if _E164.fullmatch(text) else None


def prepare_row(item: ContactInput, seq: int) -> PreparedRow:
    """Check one input row and build its journal row. Raises InvalidParameterError for a
    value of the wrong type, which is a bug in the caller rather than a bad row."""
    _check_types(item, seq)
    row_number = item.row_number if item.row_number is not None else seq
    values = _original_values(item)

    fields, skip_reason = _classify(item)
    return PreparedRow(
        seq=seq,
        row_number=row_number,
        key=item.key if item.key is not None else str(row_number),
        values=values,
        content_hash=_content_hash(item, values),
        fields=fields,
        skip_reason=skip_reason,
    )


def _classify(item: ContactInput) -> tuple[ContactFields | None, str | None]:
    if item.skip_reason is not None:
        return None, item.skip_reason

    first_name = _clean(item.first_name)
    if first_name is None:
        return None, MISSING_FIRST_NAME

    raw_phone = _clean(item.phone)
    if raw_phone is None:
        return None, MISSING_PHONE

    phone = canonical_phone(raw_phone)
    if phone is None:
        return None, INVALID_PHONE

    fields = ContactFields(
        first_name=first_name,
        phone=phone,
        last_name=_clean(item.last_name),
        email=_clean(item.email),
        company=_clean(item.company),
        tags=item.tags,
    )
    return fields, None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None

    text = value.strip()
    return text or None


def _original_values(item: ContactInput) -> dict[str, str]:
    if item.values is not None:
        return dict(item.values)

    fields = {
        "first_name": item.first_name,
        "last_name": item.last_name,
        "phone": item.phone,
        "email": item.email,
        "company": item.company,
    }
    values = {name: value for name, value in fields.items() if value is not None}
    if item.tags:
        values["tags"] = ";".join(item.tags)
    return values


def _content_hash(item: ContactInput, values: Mapping[str, str]) -> str:
    content = [
        item.key,
        item.row_number,
        item.first_name,
        item.last_name,
        item.phone,
        item.email,
        item.company,
        list(item.tags),
        item.skip_reason,
        sorted(values.items()),
    ]
    encoded = json.dumps(content, ensure_ascii=False).encode()
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


_TEXT_FIELDS = ("first_name", "last_name", "phone", "email", "company", "key", "skip_reason")


def _check_types(item: ContactInput, seq: int) -> None:
    if not isinstance(item, ContactInput):
        raise InvalidParameterError(
            f"Input row {seq} must be a ContactInput; got {type(item).__name__}: {item!r:.80}."
        )

    for name in _TEXT_FIELDS:
        value = getattr(item, name)
        if value is not None and not isinstance(value, str):
            raise InvalidParameterError(
                f"Input row {seq}: {name} must be a string or None; got {value!r}."
            )

    for tag in item.tags:
        if not isinstance(tag, str):
            raise InvalidParameterError(f"Input row {seq}: tags must be strings; got {tag!r}.")

    if item.row_number is not None and (
        isinstance(item.row_number, bool) or not isinstance(item.row_number, int)
    ):
        raise InvalidParameterError(
            f"Input row {seq}: row_number must be an int or None; got {item.row_number!r}."
        )
