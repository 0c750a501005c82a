"""newsdesk: analysed daily and weekly AI-news digests for static sites, feeds and chat."""

from newsdesk.config import Settings, load_settings
from newsdesk.errors import ConfigError, NewsdeskError, NothingToDo, PublishError, StoreError
from newsdesk.models import Digest, Item, RunReport, SourceOutcome, Story

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Digest",
    "Item",
    "NewsdeskError",
    "NothingToDo",
    "PublishError",
    "RunReport",
    "Settings",
    "SourceOutcome",
    "Store",
    "StoreError",
    "Story",
    "__version__",
    "load_settings",
]

from newsdesk.store import Store
