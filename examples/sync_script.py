"""Create two contacts and a campaign, add the contacts, start the campaign, print the result.

The client reads SMARTALEX_API_KEY and SMARTALEX_BASE_URL from the environment. To run the
script without an account, start `smartalex emulator` in another terminal and use the URL
and key that it prints.

    SMARTALEX_API_KEY=... python examples/sync_script.py
"""

from smartalex_sync import SmartAlex

# An agent id from your SmartAlex dashboard; the emulator accepts this one.
AGENT_ID = "agent_def456"

with SmartAlex() as client:
    contacts = [
        client.contacts.create(first_name="Ada", last_name="Lovelace", phone="+14155550132"),
        client.contacts.create(first_name="Grace", last_name="Hopper", phone="+14155550133"),
    ]
    campaign = client.campaigns.create(
        name="Spring leads", agent_id=AGENT_ID, timezone="America/New_York"
    )
    added = client.campaigns.add_contacts(campaign.id, [contact.id for contact in contacts])
    if not added.ok:
        raise SystemExit(f"Could not add these contacts: {added.failed_ids}")

    started = client.campaigns.start(campaign.id)
    # The status is "active" inside the campaign's business hours, else "scheduled".
    print(f"Campaign {started.id} is {started.status} with {len(added.added_ids)} contacts.")
