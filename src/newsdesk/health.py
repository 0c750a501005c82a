"""Source health: each source's history of outcomes, read back from the run reports.

A source that failed `fetch.dead_after` runs in a row is *dead*: collect skips it and
says so on the run report and in the digest's note, trying it again only once every
`fetch.dead_retry_hours` (and whenever `newsdesk sources check` runs), so a site that
comes back is noticed without hammering one that is gone. A source that is read fine
but has no item newer than `fetch.stale_days` is *stale*: it may have moved its feed,
or stopped publishing. A source whose URL is changed in the config starts afresh: the
outcomes of its old address no longer count (`Store.source_history` leaves them out),
so a corrected feed is read at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from newsdesk.config import Settings, SourceSettings
from newsdesk.models import SourceOutcome
from newsdesk.store import Store, from_db_time

State = Literal["ok", "new", "failing", "dead", "stale", "disabled"]
HISTORY = 20
SUCCESS = frozenset({"ok", "empty", "not_modified"})


@dataclass(frozen=True, slots=True)
class Health:
    source: str
    kind: str
    state: State
    last: SourceOutcome | None  # the latest attempt (skipped runs left out)
    last_attempt: dt.datetime | None
    last_success: dt.datetime | None
    failures_in_a_row: int
    newest_item: dt.datetime | None
    attempts: int  # within the last HISTORY runs
    mean_ms: int
    new_items: int  # over those attempts

    @property
    def problem(self) -> str:
        """A sentence for the reader when something is wrong, else ""."""
        if self.state == "dead":
            reason = self.last.reason if self.last else ""
            return f"failed {self.failures_in_a_row} runs in a row: {reason}"
        if self.state == "failing":
            return self.last.reason if self.last else ""
        if self.state == "stale":
            when = self.newest_item.date().isoformat() if self.newest_item else "never"
            return f"read fine, but its newest item is from {when}"
        return ""


def all_health(settings: Settings, store: Store, now: dt.datetime) -> list[Health]:
    newest = store.newest_items()
    return [
        assess(settings, s, store.source_history(s.name, HISTORY), newest.get(s.name), now)
        for s in settings.sources
    ]


def assess(
    settings: Settings,
    source: SourceSettings,
    history: list[tuple[str, SourceOutcome]],
    newest: dt.datetime | None,
    now: dt.datetime,
) -> Health:
    """The health of one source from its outcomes (newest first) and its newest item."""
    attempts = [(from_db_time(t), o) for t, o in history if o.status != "skipped"]
    in_a_row = 0
    for _, outcome in attempts:
        if outcome.status != "error":
            break
        in_a_row += 1
    success = next((t for t, o in attempts if o.status in SUCCESS), None)
    stale_after = dt.timedelta(days=settings.fetch.stale_days)
    state: State
    if not source.enabled:
        state = "disabled"
    elif not attempts:
        state = "new"
    elif in_a_row >= settings.fetch.dead_after:
        state = "dead"
    elif in_a_row:
        state = "failing"
    elif newest is None or now - newest > stale_after:
        state = "stale"
    else:
        state = "ok"
    return Health(
        source=source.name,
        kind=source.kind,
        state=state,
        last=attempts[0][1] if attempts else None,
        last_attempt=attempts[0][0] if attempts else None,
        last_success=success,
        failures_in_a_row=in_a_row,
        newest_item=newest,
        attempts=len(attempts),
        mean_ms=int(sum(o.elapsed_ms for _, o in attempts) / len(attempts)) if attempts else 0,
        new_items=sum(o.new_items for _, o in attempts),
    )


def skip_dead(health: Health, settings: Settings, now: dt.datetime) -> SourceOutcome | None:
    """The skipped outcome for a dead source not due for its periodic retry, else None."""
    if health.state != "dead" or health.last_attempt is None:
        return None
    due = health.last_attempt + dt.timedelta(hours=settings.fetch.dead_retry_hours)
    if now >= due:
        return None
    last = health.last.reason if health.last else ""
    return SourceOutcome(
        health.source,
        "skipped",
        f"failed {health.failures_in_a_row} runs in a row (last: {last}); not fetched again "
        f"before {due.isoformat(timespec='minutes')} unless `newsdesk sources check` is run",
        fault="dead",
    )
