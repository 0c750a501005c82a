"""The one HTTP client: user agent, timeouts, limits, conditional GET, retries, size cap.

Every network access in newsdesk goes through `HttpClient.get`. It holds a global
limit on requests in flight (`fetch.concurrency`) and a limit per host
(`fetch.per_host`), so one slow site never takes every slot. A 429 or 503 is retried
after the server's Retry-After (seconds or an HTTP date) when that is within
`fetch.max_wait`; other passing faults (a timeout, a dropped connection, a 5xx) after
an exponential backoff with jitter; at most `fetch.retries` times. What happened is
kept on the Response (or the FetchError): retries, the time waited, the fault.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:  # httpx is imported when the first client is made, not with this module
    import httpx

logger = logging.getLogger(__name__)
MAX_REDIRECTS = 5
POOL_SIZE = 16  # requests in flight per httpx connection pool
RETRY_AFTER_STATUSES = frozenset({429, 503})
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
Fault = Literal[
    "", "timeout", "rate_limited", "http_error", "unreachable", "too_large", "redirects", "refused"
]


# Names that never resolve on the public internet (RFC 2606, RFC 6761): refused at once,
# without a DNS look-up.
RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


class HttpOptions(Protocol):
    """What the client needs to know; config's `[fetch]` section (FetchSettings) is one."""

    @property
    def timeout(self) -> float: ...
    @property
    def max_bytes(self) -> int: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def per_host(self) -> int: ...
    @property
    def retries(self) -> int: ...
    @property
    def backoff(self) -> float: ...
    @property
    def max_wait(self) -> float: ...
    @property
    def allow_private(self) -> bool: ...
    @property
    def user_agent(self) -> str: ...


class FetchError(Exception):
    """A fetch that failed; `reason` is short and readable, for the run report.
    `retryable` is False for a failure that a second try cannot mend (a name that does
    not resolve)."""

    def __init__(
        self,
        reason: str,
        fault: Fault = "unreachable",
        *,
        retries: int = 0,
        waited: float = 0.0,
        retryable: bool = True,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fault = fault
        self.retries = retries
        self.waited = waited
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0
    retries: int = 0
    waited: float = 0.0  # seconds spent in backoff before the answer
    notes: tuple[str, ...] = ()
    fault: Fault = ""  # the passing fault that was retried, if any
    # Responses read on this one's behalf: one per search query, the articles of a page.
    parts: tuple[Response, ...] = ()

    @property
    def size(self) -> int:
        """Bytes received for this response and its parts."""
        return len(self.content) + sum(part.size for part in self.parts)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies the body we have: sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HttpClient:
    """Wraps one httpx.Client with the limits, retries and size cap of `[fetch]`."""

    def __init__(self, settings: HttpOptions, transport: httpx.BaseTransport | None = None):
        import httpx

        self.settings = settings
        # httpx's connection pool does work in proportion to the requests in flight on
        # each request, so many requests at once go through a few pools, by host. They
        # share one TLS context: each would otherwise load the CA bundle (20 ms apiece).
        shards = max(1, settings.concurrency // POOL_SIZE)
        tls = httpx.create_ssl_context()
        self._clients = [
            httpx.Client(
                verify=tls,
                headers={
                    "User-Agent": settings.user_agent,
                    "Accept-Encoding": "gzip, deflate, br",
                },
                timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                limits=httpx.Limits(
                    max_connections=settings.concurrency,
                    max_keepalive_connections=max(
                        settings.per_host, settings.concurrency // shards
                    ),
                ),
                transport=transport,
            )
            for _ in range(shards)
        ]
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._hosts: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(settings.per_host)
        )
        self._lock = threading.Lock()
        self._random = random.Random()

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def _pool(self, url: str) -> httpx.Client:
        host = (urlsplit(url).hostname or "").lower()
        return self._clients[zlib.crc32(host.encode()) % len(self._clients)]

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        discovered: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """GET a URL, retrying passing faults; raise FetchError with a readable reason.

        A `discovered` URL (found inside fetched content rather than named in the
        configuration) and every redirect from it must resolve to public addresses,
        unless `fetch.allow_private` is set. `headers` are sent as given and never logged.
        """
        headers = {**(headers or {}), **(validators.headers() if validators else {})}
        waited = 0.0
        notes: list[str] = []
        retried: Fault = ""
        for attempt in range(self.settings.retries + 1):
            try:
                response = self._once(url, headers, guarded=discovered)
            except FetchError as exc:
                passing = exc.retryable and exc.fault in {"timeout", "unreachable"}
                delay = self._backoff(attempt) if passing else None
                if delay is None or attempt == self.settings.retries:
                    exc.retries, exc.waited = attempt, waited
                    raise
                notes.append(f"{exc.reason}; retried after {delay:.1f} s")
                retried = exc.fault
            else:
                if response.status not in RETRYABLE_STATUSES:
                    return replace(
                        response, retries=attempt, waited=waited, notes=tuple(notes), fault=retried
                    )
                delay, reason = self._retry_delay(response, attempt)
                retried = (
                    "rate_limited" if response.status in RETRY_AFTER_STATUSES else "http_error"
                )
                if delay is None or attempt == self.settings.retries:
                    raise FetchError(reason, retried, retries=attempt, waited=waited)
                notes.append(f"{reason}; retried after {delay:.1f} s")
            logger.info("retrying %s in %.1f s", url, delay)
            time.sleep(delay)
            waited += delay
        raise AssertionError("unreachable: the last attempt returns or raises")

    def post(
        self,
        url: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        log_url: str = "",
    ) -> Response:
        """One POST (a channel's message): any status is returned, the caller retries.
        Raise FetchError when no answer came. The URL may carry a secret: it is logged as
        `log_url` (the channel's name) and never in an error message."""
        import httpx

        started = time.monotonic()
        logger.info("POST %s", log_url or urlsplit(url).hostname)
        try:
            with self._slot(url):
                answer = self._pool(url).post(
                    url, json=json, content=content, headers=headers or {}, follow_redirects=False
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})", "timeout") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}", "unreachable") from None
        elapsed = int((time.monotonic() - started) * 1000)
        lowered = {k.lower(): v for k, v in answer.headers.items()}
        body = answer.content[: self.settings.max_bytes]
        return Response(str(answer.url), answer.status_code, body, lowered, elapsed)

    def _retry_delay(self, response: Response, attempt: int) -> tuple[float | None, str]:
        """How long to wait before retrying a 429/5xx answer (None: do not), and why."""
        status = f"HTTP {response.status}"
        if response.status in RETRY_AFTER_STATUSES:
            told = retry_after(response.headers.get("retry-after", ""))
            if told is not None:
                if told > self.settings.max_wait:
                    return None, (
                        f"{status}, Retry-After {told:.0f} s is over fetch.max_wait "
                        f"({self.settings.max_wait:.0f} s); not retried"
                    )
                return told, f"{status} with Retry-After {told:.0f} s"
        return self._backoff(attempt), status

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter (0.5–1.5 × base × 2^attempt), capped."""
        with self._lock:
            jitter = 0.5 + self._random.random()
        return float(min(self.settings.max_wait, self.settings.backoff * (2**attempt) * jitter))

    @contextmanager
    def _slot(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            per_host = self._hosts[host]
        with per_host, self._slots:
            yield

    def _once(self, url: str, headers: dict[str, str], *, guarded: bool = False) -> Response:
        """One GET. A guarded one follows redirects itself, checking every hop's addresses
        before connecting to it."""
        import httpx

        check = guarded and not self.settings.allow_private
        for _ in range(MAX_REDIRECTS + 1):
            if check:
                refuse_private(url)
            started = time.monotonic()
            logger.info("GET %s", url)
            try:
                with (
                    self._slot(url),
                    self._pool(url).stream(
                        "GET", url, headers=headers, follow_redirects=not check
                    ) as response,
                ):
                    if check and response.is_redirect:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    status = response.status_code
                    if status >= 400 and status not in RETRYABLE_STATUSES:
                        raise FetchError(
                            f"HTTP {status} {response.reason_phrase}".strip(), "http_error"
                        )
                    content = b"" if status == 304 else self._read_capped(response)
            except httpx.TooManyRedirects:
                break
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out ({type(exc).__name__})", "timeout") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}", "unreachable") from None
            elapsed = int((time.monotonic() - started) * 1000)
            lowered = {k.lower(): v for k, v in response.headers.items()}
            return Response(str(response.url), status, content, lowered, elapsed)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", "redirects")

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if (
            declared.isdigit()
            and int(declared) > cap
            and not response.headers.get("content-encoding")
        ):
            raise FetchError(
                f"body of {int(declared)} bytes is over fetch.max_bytes ({cap})", "too_large"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded: the cap holds for what we keep
            size += len(chunk)
            if size > cap:
                raise FetchError(
                    f"body is over fetch.max_bytes ({cap} bytes); stopped reading", "too_large"
                )
            chunks.append(chunk)
        return b"".join(chunks)


def retry_after(value: str, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def refuse_private(url: str) -> None:
    """Raise FetchError ("refused") when the URL's host resolves to an address that is not
    public: loopback, private, link-local (cloud metadata at 169.254.169.254 among them),
    reserved, multicast or unspecified."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in {"http", "https"} or not host:
        raise FetchError(f"refused {url}: not an http(s) URL", "refused")
    if f".{host}".endswith(RESERVED_SUFFIXES):
        raise FetchError(f"refused {url}: {host} is a reserved name that never resolves", "refused")
    try:
        infos = socket.getaddrinfo(host, parts.port or 0, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}", "unreachable", retryable=False) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise FetchError(
                f"refused {url}: {host} resolves to the non-public address {address} "
                "(set fetch.allow_private = true to allow it)",
                "refused",
            )
