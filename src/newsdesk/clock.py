"""The one place that reads the system clock; everything else is handed a clock (a run's
`now`), so tests and replays set the time once. Cheap to import: the CLI needs it at
start-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """Now, in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
