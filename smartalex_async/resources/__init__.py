"""API resources, reached as attributes of the client (`client.campaigns`, `client.contacts`)."""

from .campaigns import AsyncCampaigns
from .contacts import AsyncContacts

__all__ = ["AsyncCampaigns", "AsyncContacts"]
