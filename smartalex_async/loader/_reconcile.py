"""Settle rows whose create outcome is unknown by reading the account's contacts back.

Rule: a listed contact settles an unknown row when its phone, in E.164 without punctuation,
equals the row's phone, its first name equals the row's first name after trimming and
ignoring case, and no other journal row records that contact id. The row becomes created
with that contact's id. Once the listing is complete, every unknown row that no contact
matched returns to pending, because the read-back showed that its create did not take
effect, and the load may create it.

A contact that existed before the load and has the same phone and first name also settles
the row. The campaign then gets that contact, and no duplicate is created.

NOTE: The list endpoint has no filter, so reading back costs one request per 100 contacts
in the account. A create that the server is still processing while the listing runs is
not seen, and its row would be created again. The loader reads back only when no create of
its own is in flight, after the earlier requests completed or timed out.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._journal import Journal, RowState
from ._rows import canonical_phone

if TYPE_CHECKING:
    from ..resources.contacts import AsyncContacts

__all__ = ["reconcile_unknown"]

logger = logging.getLogger("smartalex.bulk")


async def reconcile_unknown(journal: Journal, contacts: AsyncContacts) -> list[tuple[int, str]]:
    """Settle unknown rows by listing contacts, and return (position, contact id) of matches.

    Rows left unmatched after a complete listing return to pending. Raises the API error
    of a failed list request, and then no row changes state except those already matched.
    """
    if not journal.counts[RowState.UNKNOWN]:
        return []

    logger.info(
        "Reading contacts back to settle %d rows whose create outcome is unknown.",
        journal.counts[RowState.UNKNOWN],
    )
    matched: list[tuple[int, str]] = []
    async for contact in contacts.iter_all():
        seq = _match(journal, contact.id, contact.phone, contact.first_name)
        if seq is not None:
            journal.record_created(seq, contact.id, current=RowState.UNKNOWN)
            matched.append((seq, contact.id))
        if not journal.counts[RowState.UNKNOWN]:
            break

    released = journal.release_unknown()
    logger.info(
        "Read-back matched %d rows to existing contacts, and %d rows had no contact, so they "
        "will be created.",
        len(matched),
        released,
    )
    return matched


def _match(journal: Journal, contact_id: str, phone: str | None, first_name: str) -> int | None:
    key = canonical_phone(phone)
    if key is None:
        return None

    seq = journal.unknown_row_for(key, first_name)
    if seq is None or journal.knows_contact(contact_id):
        return None
    return seq
