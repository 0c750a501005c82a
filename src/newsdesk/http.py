"""The one HTTP client: user agent, timeouts, redirects, and a cap on body size."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import httpx

from newsdesk.config import FetchSettings

logger = logging.getLogger(__name__)
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch that failed; `reason` is short and readable, for the run report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0


class HttpClient:
    """Wraps one httpx.Client; every network access in newsdesk goes through here."""

    def __init__(self, settings: FetchSettings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            limits=httpx.Limits(max_connections=settings.concurrency),
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET a URL; raise FetchError with a readable reason on any failure."""
        started = time.monotonic()
        logger.info("GET %s", url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code >= 400:
                    raise FetchError(
                        f"HTTP {response.status_code} {response.reason_phrase}".strip()
                    )
                content = self._read_capped(response)
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
        elapsed = int((time.monotonic() - started) * 1000)
        return Response(
            str(response.url), response.status_code, content, dict(response.headers), elapsed
        )

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"body of {int(declared)} bytes is over fetch.max_bytes ({cap})")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchError(f"body is over fetch.max_bytes ({cap} bytes); stopped reading")
            chunks.append(chunk)
        return b"".join(chunks)
