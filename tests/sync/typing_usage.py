"""Typical uses of the sync client, for mypy --strict only (test_sync_typing.py runs it).

pytest does not collect this file, and nothing runs it: the URL points nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from typing_extensions import assert_type

from smartalex_sync import (
    AddContactsResult,
    Campaign,
    Campaigns,
    Contact,
    Contacts,
    Page,
    SmartAlex,
    StartResult,
)


def use_campaigns(client: SmartAlex) -> None:
    assert_type(client.campaigns, Campaigns)
    assert_type(client.campaigns.get("campaign_1"), Campaign)
    assert_type(client.campaigns.list(), Page[Campaign])
    assert_type(client.campaigns.list(page=2, per_page=50), Page[Campaign])
    assert_type(client.campaigns.iter_all(), Iterator[Campaign])
    assert_type(client.campaigns.create(name="January Outreach"), Campaign)
    assert_type(client.campaigns.add_contacts("campaign_1", ["contact_1"]), AddContactsResult)
    assert_type(client.campaigns.start("campaign_1"), StartResult)

    for campaign in client.campaigns.iter_all(per_page=10):
        assert_type(campaign, Campaign)


def use_contacts(client: SmartAlex) -> None:
    assert_type(client.contacts, Contacts)
    assert_type(client.contacts.create(first_name="Ada", tags=["vip"]), Contact)
    assert_type(client.contacts.get("contact_1"), Contact)
    assert_type(client.contacts.list(), Page[Contact])
    assert_type(client.contacts.iter_all(), Iterator[Contact])


def use_client() -> None:
    with SmartAlex(api_key="sk_test", base_url="http://127.0.0.1:9/v1") as client:
        assert_type(client, SmartAlex)
        assert_type(client.base_url, str)
        use_campaigns(client)
        use_contacts(client)

    closed = SmartAlex(api_key="sk_test")
    assert_type(closed.close(), None)
