"""newsdesk: analysed daily and weekly AI-news digests for static sites, feeds and chat.

The names below load on first use (PEP 562), so `import newsdesk` (and the CLI's
start-up) costs almost nothing.
"""

from __future__ import annotations

import importlib

# Not `from typing import TYPE_CHECKING`: importing typing costs milliseconds during
# which Ctrl-C would still print a traceback; type checkers honour this constant too.
TYPE_CHECKING = False

__version__ = "0.1.0"

_EXPORTS = {
    "ConfigError": "newsdesk.errors",
    "Digest": "newsdesk.models",
    "Item": "newsdesk.models",
    "NewsdeskError": "newsdesk.errors",
    "NothingToDo": "newsdesk.errors",
    "PublishError": "newsdesk.errors",
    "Run": "newsdesk.run",
    "RunReport": "newsdesk.models",
    "Settings": "newsdesk.config",
    "SourceOutcome": "newsdesk.models",
    "Store": "newsdesk.store",
    "StoreError": "newsdesk.errors",
    "Story": "newsdesk.models",
    "load_settings": "newsdesk.config",
}

__all__ = [*sorted(_EXPORTS), "__version__"]

if TYPE_CHECKING:
    from newsdesk.config import Settings as Settings
    from newsdesk.config import load_settings as load_settings
    from newsdesk.errors import ConfigError as ConfigError
    from newsdesk.errors import NewsdeskError as NewsdeskError
    from newsdesk.errors import NothingToDo as NothingToDo
    from newsdesk.errors import PublishError as PublishError
    from newsdesk.errors import StoreError as StoreError
    from newsdesk.models import Digest as Digest
    from newsdesk.models import Item as Item
    from newsdesk.models import RunReport as RunReport
    from newsdesk.models import SourceOutcome as SourceOutcome
    from newsdesk.models import Story as Story
    from newsdesk.run import Run as Run
    from newsdesk.store import Store as Store


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'newsdesk' has no attribute {name!r}")
