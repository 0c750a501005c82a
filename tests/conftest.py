"""Shared test fixtures: a real HTTP server on 127.0.0.1, the shared fixture folder, configs."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from newsdesk.demo import demo_folder
from tests.model_server import ModelServer, serve

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 whose routes a test sets."""

    def __init__(self) -> None:
        # A route, or a function of the request headers that returns one.
        self.routes: dict[str, Route | Callable[[dict[str, str]], Route]] = {}
        self.hits: list[str] = []
        self.agents: list[str] = []
        # Every request's path (query included) and headers (names in lower case).
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                server.agents.append(self.headers.get("User-Agent", ""))
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((self.path, headers))
                # A route for the exact path and query, else for the path alone.
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if callable(route):
                    route = route(headers)
                if route is None:
                    route = Route(b"not found", 404)
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                length = len(route.body) * (2 if route.truncate else 1)
                headers = {
                    "Content-Type": "application/xml",
                    "Content-Length": str(length),
                    **route.headers,
                }
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd, self.thread = serve(Handler)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path


_real_getaddrinfo = socket.getaddrinfo
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


def _local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    """Tests never resolve a name: only loopback addresses and numeric IPs are looked up."""
    name = host.decode() if isinstance(host, bytes) else str(host or "")
    try:
        ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        if name not in LOCAL_NAMES:
            raise socket.gaierror(
                socket.EAI_NONAME, f"tests do not resolve names ({name})"
            ) from None
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every test: a DNS look-up of a real name fails at once, and is counted, so a test
    that would touch the network fails instead of waiting on it."""
    asked: list[str] = []

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _local_getaddrinfo(host, *args, **kwargs)
        except socket.gaierror:
            asked.append(str(host))
            raise

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield asked
    assert not asked, f"the test tried to resolve {sorted(set(asked))}"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    local.thread.start()
    yield local
    local.httpd.shutdown()
    local.httpd.server_close()


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    folder = SHARED / "fixtures"
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing: CI must run with shared/ beside the repository")
        pytest.skip("../shared/fixtures is not present")
    return folder


def write_config(folder: Path, text: str) -> Path:
    path = folder / "newsdesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    """A scripted OpenAI-compatible endpoint on 127.0.0.1 (tests/model_server.py)."""
    endpoint = ModelServer().start()
    yield endpoint
    endpoint.stop()


def demo_site(folder: Path, extra: str = "") -> Path:
    """A site whose sources are copies of the bundled demo feeds (read from files, offline);
    `extra` is appended to its newsdesk.toml."""
    feeds = folder / "feeds"
    shutil.copytree(demo_folder(), feeds)
    sources = (
        (feeds / "sources.toml").read_text(encoding="utf-8").replace('url = "', 'url = "feeds/')
    )
    write_config(
        folder,
        'database = "news.db"\n[site]\nout = "site"\nauthor = "Desk"\ntags = ["AI", "daily"]\n'
        + sources
        + extra,
    )
    return folder
