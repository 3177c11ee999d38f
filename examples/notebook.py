"""The sync client inside a running event loop, as in a Jupyter notebook cell.

The IPython kernel runs every cell inside an event loop that is already running, so
`asyncio.run()` and `loop.run_until_complete()` raise RuntimeError there. The sync client
runs its requests on an event-loop thread of its own, so a cell can call it directly. This
script reproduces that setting: `main()` runs inside `asyncio.run()` and calls the sync
client as a cell would.

The client reads SMARTALEX_API_KEY and SMARTALEX_BASE_URL from the environment.

    SMARTALEX_API_KEY=... python examples/notebook.py
"""

import asyncio

from smartalex_sync import SmartAlex


async def main() -> None:
    # In a notebook, this body is the cell. Each call blocks the notebook's loop until the
    # request is done, as any blocking call in a cell does.
    client = SmartAlex()

    campaign = client.campaigns.create(name="Notebook campaign", timezone="Europe/Berlin")
    print(f"Created {campaign.id} ({campaign.status}).")

    for listed in client.campaigns.iter_all():
        print(f"{listed.id:<16} {listed.status:<10} {listed.name}")

    # The notebook's own loop is still usable between the calls.
    await asyncio.sleep(0)

    # A later cell would keep using the same client; close it when the notebook is done.
    client.close()


asyncio.run(main())
