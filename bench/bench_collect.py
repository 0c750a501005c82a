"""Collect over the network: 500 feeds on loopback, 100 ms added to every response.

    python bench/bench_collect.py [--feeds 500] [--latency 0.1] [--items 20] [--repeat 3]

In one run, against the same server:
  1. a sequential fetch-and-parse loop, `feedparser.parse(url)` per feed, as simple
     digest tools do;
  2. the `newsdesk collect` command as a user runs it: a new process (`python -m
     newsdesk --config newsdesk.toml collect`) whose newsdesk.toml lists the feeds, into
     a fresh store, timed from start to exit (start-up, imports, parse workers and all);
     `--repeat` times (3), each into a fresh store, as the machine may be noisy;
  3. the same command again right after the last of them, nothing changed (conditional GET);
  4. `collect()` called in this process (imports done, settings loaded), into another
     fresh store, then again: the library's share of the time.

The feeds are spread over 50 loopback addresses (127.0.0.1 to 127.0.0.50), as real
feeds are spread over many sites, so the per-host limit works as it would. The server
runs in its own process and counts the bytes it sends (status line, headers, body).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import hashlib
import json
import multiprocessing
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

HOSTS = 50
WORDS = (
    "model open weights agent inference chip training data lab release benchmark reasoning "
    "context window safety policy funding startup cloud GPU cluster research paper robot "
    "voice vision code assistant enterprise pricing API developer platform partnership "
    "regulation evaluation dataset token latency memory scale alignment license"
).split()


def make_feed(n: int, items: int) -> bytes:
    rng = random.Random(n)
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    entries = []
    for i in range(items):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        summary = ". ".join(
            " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() for _ in range(5)
        )
        when = email.utils.format_datetime(now - dt.timedelta(minutes=37 * i + n))
        entries.append(
            f"<item><title>{title}</title><link>https://site{n}.example/post/{i}</link>"
            f"<guid>https://site{n}.example/post/{i}</guid><pubDate>{when}</pubDate>"
            f"<description>&lt;p&gt;{summary}.&lt;/p&gt;</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Site {n}</title><link>https://site{n}.example/</link>"
        f"<description>Feed {n}</description>{''.join(entries)}</channel></rss>"
    ).encode()


def serve(
    feeds: int, items: int, latency: float, ports: Any, sent: Synchronized, ready: Any
) -> None:
    bodies = {f"/feed/{n}.xml": make_feed(n, items) for n in range(feeds)}
    tags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for path, body in bodies.items()}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(latency)
            body = bodies.get(self.path)
            if body is None:
                status, headers, body = 404, {}, b""
            elif self.headers.get("If-None-Match") == tags[self.path]:
                status, headers, body = 304, {"ETag": tags[self.path]}, b""
            else:
                headers = {"ETag": tags[self.path], "Content-Type": "application/rss+xml"}
                status = 200
            headers["Content-Length"] = str(len(body))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
            size = len(f"HTTP/1.1 {status} OK\r\n") + 2 + len(body)
            size += sum(len(f"{k}: {v}\r\n") for k, v in headers.items()) + 80  # Server, Date
            with lock:
                sent.value += size

        def log_message(self, *args: object) -> None:
            pass

    servers = []
    for host in range(1, HOSTS + 1):
        httpd = ThreadingHTTPServer((f"127.0.0.{host}", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        ports[host - 1] = httpd.server_address[1]
        servers.append(httpd)
    ready.set()
    threading.Event().wait()


def urls(feeds: int, ports: Any) -> list[str]:
    return [f"http://127.0.0.{n % HOSTS + 1}:{ports[n % HOSTS]}/feed/{n}.xml" for n in range(feeds)]


def sequential(feed_urls: list[str]) -> tuple[float, int]:
    import feedparser

    started = time.perf_counter()
    entries = sum(len(feedparser.parse(url).entries) for url in feed_urls)
    return time.perf_counter() - started, entries


def newsdesk_collect(
    feed_urls: list[str], folder: Path, sent: Synchronized, fetch: dict[str, Any]
) -> list[dict[str, float]]:
    from newsdesk.collect import collect
    from newsdesk.config import load_settings
    from newsdesk.http import HttpClient
    from newsdesk.models import RunReport
    from newsdesk.store import Store

    sources = [{"name": f"feed {n}", "url": url} for n, url in enumerate(feed_urls)]
    settings = load_settings(None, sources=sources, database=str(folder / "bench.db"), fetch=fetch)
    runs = []
    for _ in range(2):
        now = dt.datetime.now(dt.UTC)
        with Store(settings.path(settings.database)) as store, HttpClient(settings.fetch) as client:
            report = RunReport(id=store.start_run("bench", now), command="bench", started=now)
            before = sent.value
            usage = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            outcomes = collect(settings, store, client=client, report=report, now=now)
            seconds = time.perf_counter() - started
            transferred = sent.value - before
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        statuses = {
            s: sum(o.status == s for o in outcomes) for s in ("ok", "not_modified", "error")
        }
        items = sum(o.items for o in outcomes)
        runs.append(
            {
                "seconds": seconds,
                "bytes": transferred,
                "items": items,
                "cpu": cpu,
                **statuses,
            }
        )
    return runs


def write_config(feed_urls: list[str], folder: Path, fetch: dict[str, Any]) -> Path:
    """A newsdesk.toml listing the feeds, with its store in `folder`."""
    lines = ['database = "bench.db"', "", "[fetch]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in fetch.items()]
    for n, url in enumerate(feed_urls):
        lines += ["", "[[sources]]", f'name = "feed {n}"', f'url = "{url}"']
    path = folder / "newsdesk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def command_collect(config: Path, sent: Synchronized) -> dict[str, Any]:
    """`newsdesk collect` in a new process, timed from its start to its exit."""
    command = [sys.executable, "-m", "newsdesk", "--config", str(config), "collect"]
    before = sent.value
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"newsdesk collect failed ({done.returncode}):\n{done.stderr}")
    # The process itself: the fork server and the parse workers are not children it waits for.
    cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    *trouble, said = done.stderr.strip().splitlines()
    for line in trouble[:3]:  # a source that needed a retry or failed would skew the time
        print(f"  (newsdesk said: {line})")
    return {"seconds": seconds, "bytes": sent.value - before, "cpu": cpu, "said": said}


def whole_process(
    feed_urls: list[str], folder: Path, sent: Synchronized, fetch: dict[str, Any], repeat: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`repeat` first runs of the command, each into a fresh store, then one more run
    right after the last of them (nothing changed)."""
    firsts = []
    for n in range(repeat):
        (folder / str(n)).mkdir()
        config = write_config(feed_urls, folder / str(n), fetch)
        firsts.append(command_collect(config, sent))
    return firsts, command_collect(config, sent)


def start_up() -> float:
    """Seconds for `python -m newsdesk --version`: the interpreter and the CLI's start."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsdesk", "--version"], capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--skip-sequential", action="store_true", help="newsdesk runs only")
    parser.add_argument(
        "--repeat", type=int, default=3, help="first runs of the command, each into a fresh store"
    )
    parser.add_argument(
        "--fetch", nargs="*", default=[], metavar="KEY=VALUE", help="[fetch] settings to change"
    )
    args = parser.parse_args()
    fetch = {k: int(v) if v.isdigit() else v for k, v in (kv.split("=", 1) for kv in args.fetch)}
    context = multiprocessing.get_context("spawn")
    ports = context.Array("i", HOSTS)
    sent = context.Value("q", 0)
    ready = context.Event()
    server = context.Process(
        target=serve, args=(args.feeds, args.items, args.latency, ports, sent, ready), daemon=True
    )
    server.start()
    ready.wait(60)
    feed_urls = urls(args.feeds, ports)
    print(
        f"{args.feeds} feeds × {args.items} items on {HOSTS} loopback hosts, "
        f"{args.latency * 1000:.0f} ms per response",
        flush=True,
    )

    seq_seconds, entries = (1.0, 0) if args.skip_sequential else sequential(feed_urls)
    seq_bytes = sent.value
    print(
        f"sequential feedparser.parse(url): {seq_seconds:.2f} s, {entries} entries, "
        f"{seq_bytes / 1e6:.2f} MB",
        flush=True,
    )

    launch = start_up()
    print(f"python -m newsdesk --version: {launch:.2f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        firsts, again = whole_process(feed_urls, Path(tmp), sent, fetch, args.repeat)
    report_whole(firsts, again, seq_seconds)
    with tempfile.TemporaryDirectory() as tmp:
        first, second = newsdesk_collect(feed_urls, Path(tmp), sent, fetch)
    server.terminate()
    report_in_process(first, second, seq_seconds)


def report_whole(firsts: list[dict[str, Any]], again: dict[str, Any], seq_seconds: float) -> None:
    times = [run["seconds"] for run in firsts]
    middle = statistics.median(times)
    for run in firsts:
        print(
            f"newsdesk collect (whole process), first run into a fresh store: "
            f"{run['seconds']:.2f} s, {run['bytes'] / 1e6:.2f} MB, {run['cpu']:.2f} s CPU in "
            f"the newsdesk process itself; it said: {run['said']}"
        )
    print(
        f"newsdesk collect (whole process), run again at once: {again['seconds']:.2f} s, "
        f"{again['bytes'] / 1e6:.3f} MB; it said: {again['said']}"
    )
    print(
        f"speed-up of the whole process over the sequential loop: {seq_seconds / middle:.1f}× "
        f"(median of {len(times)} first runs, {middle:.2f} s; best {seq_seconds / min(times):.1f}×, "
        f"worst {seq_seconds / max(times):.1f}×)",
        flush=True,
    )


def report_in_process(
    first: dict[str, float], second: dict[str, float], seq_seconds: float
) -> None:
    print(
        f"collect() in this process, first run:  {first['seconds']:.2f} s, "
        f"{first['items']:.0f} items, {first['ok']:.0f} ok, {first['error']:.0f} errors, "
        f"{first['bytes'] / 1e6:.2f} MB, {first['cpu']:.2f} s CPU in the collecting process "
        "(parse workers not counted)"
    )
    print(
        f"collect() in this process, second run: {second['seconds']:.2f} s, "
        f"{second['not_modified']:.0f} not modified, {second['error']:.0f} errors, "
        f"{second['bytes'] / 1e6:.3f} MB"
    )
    print(
        "speed-up of collect() in this process over the sequential loop: "
        f"{seq_seconds / first['seconds']:.1f}×"
    )
    print(
        f"second run / first run: time {second['seconds'] / first['seconds']:.3f}, "
        f"bytes {second['bytes'] / first['bytes']:.4f}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
