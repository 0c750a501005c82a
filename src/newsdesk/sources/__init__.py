"""Kinds of source, one module each, registered here as a third-party kind would be."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

from newsdesk.http import FetchError, Response, Validators
from newsdesk.registry import Registry

if TYPE_CHECKING:
    from newsdesk.config import Settings, SourceSettings
    from newsdesk.http import HttpClient


class SourceError(Exception):
    """One source could not be read; the reason goes on the run report."""

    def __init__(
        self, reason: str, fault: str = "parse_error", *, retries: int = 0, waited: float = 0.0
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fault = fault
        self.retries = retries
        self.waited = waited

    @classmethod
    def from_fetch(cls, error: FetchError, reason: str | None = None) -> SourceError:
        """The source's failure for a failed fetch, keeping its fault, retries and wait."""
        return cls(reason or error.reason, error.fault, retries=error.retries, waited=error.waited)


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry as a source gives it, before normalisation."""

    link: str
    title: str
    summary: str
    published: dt.datetime | None
    markup: bool = True
    lang: str | None = None
    # The page where the source's readers discuss the entry, when not `link` (a Reddit
    # link post's comment thread; a Hacker News item page).
    discussion: str = ""


@dataclass(slots=True)
class SourceResult:
    entries: list[Entry]
    bytes: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FetchContext:
    """What a kind's `fetch` may use: the one HTTP client, the settings, the run's time,
    the validators stored for the source (for a conditional GET), and the links already
    stored for it (so a kind that fetches each entry can skip those)."""

    client: HttpClient
    settings: Settings
    now: dt.datetime
    validators: Validators | None = None
    seen: frozenset[str] = frozenset()


class SourceKind(Protocol):
    """A kind of source in two steps: `fetch` waits on the network, `parse` uses the CPU.

    `parse` may run in a worker process, so the kind object and the Response it gets
    must pickle (a module-level class does), and it must not touch the network.
    `remembers_links`: whether `fetch` wants the links already stored for the source
    (FetchContext.seen); collect reads them from the store only for such kinds.
    """

    remembers_links: bool

    def fetch(self, source: SourceSettings, context: FetchContext) -> Response:
        """Read what the source serves (a 304 Response when the validators still hold);
        raise SourceError when it cannot be read at all."""
        ...

    def parse(self, response: Response, source: SourceSettings) -> SourceResult:
        """Entries from what `fetch` read; raise SourceError when nothing in it is usable."""
        ...


registry: Registry[SourceKind] = Registry()


def register(name: str, kind: SourceKind | str) -> None:
    """Register a kind: an object, or "module:factory" imported on first use."""
    if isinstance(kind, str):
        registry.register_lazy(name, kind)
    else:
        registry.register(name, kind)


def read_location(location: str, context: FetchContext) -> Response:
    """Bytes from an http(s) URL (through the client, conditionally) or a local file (relative
    to the config's folder), within fetch.max_bytes."""
    client = context.client
    scheme = urlsplit(location).scheme.lower()
    if scheme in {"http", "https"}:
        try:
            return client.get(location, validators=context.validators)
        except FetchError as exc:
            raise SourceError.from_fetch(exc) from None
    path = (
        Path(unquote(urlsplit(location).path)) if scheme == "file" else Path(location).expanduser()
    )
    if not path.is_absolute():
        path = context.settings.base_dir / path
    cap = client.settings.max_bytes
    try:
        size = path.stat().st_size
        if size > cap:
            raise SourceError(f"file of {size} bytes is over fetch.max_bytes ({cap})", "too_large")
        return Response(url=path.as_uri(), status=200, content=path.read_bytes())
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}", "unreachable") from None


def load_json(response: Response, what: str) -> Any:
    """The JSON document in a response; SourceError naming what came instead."""
    try:
        return json.loads(response.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
        head = response.content[:60].decode("utf-8", "replace").strip()
        raise SourceError(f"{what} answered {kind}, not JSON: {head!r}") from None


def api_key(source: SourceSettings) -> str:
    """The key named by `api_key_env`, read from the environment (never logged)."""
    name = source.api_key_env or ""
    value = os.environ.get(name, "").strip()
    if not value:
        raise SourceError(
            f"environment variable {name} is not set; export it with the API key", "config"
        )
    return value


def _register_builtins() -> None:
    register("feed", "newsdesk.sources.feed:FeedSource")
    register("hackernews", "newsdesk.sources.hackernews:HackerNewsSource")
    register("search", "newsdesk.sources.search:SearchSource")
    register("page", "newsdesk.sources.page:PageSource")


_register_builtins()
