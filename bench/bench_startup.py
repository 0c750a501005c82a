"""Start-up: how long `newsdesk --version`, `--help` and a command's imports take.

    python bench/bench_startup.py [--runs 10]

Each command runs as its own process, as a user or cron starts it; the best and the
median of `--runs` are shown (the machine is noisy). For comparison, in the same run:
the bare interpreter, and importing every module a full run with a model uses (what
each command paid before imports were made lazy). `-X importtime` then lists which of
the heavy libraries each command imports.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("openai", "httpx", "feedparser", "trafilatura", "numpy", "scipy", "rjieba", "pydantic")
EVERYTHING = (
    "import newsdesk.cli, newsdesk.pipeline, newsdesk.analyze, newsdesk.llm, newsdesk.doctor, "
    "newsdesk.sources.feed, newsdesk.sources.page, newsdesk.axes, openai"
)


def timed(command: list[str], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def heavy_imports(args: list[str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newsdesk", *args],
        capture_output=True,
        text=True,
    )
    found = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return [name for name in HEAVY if name in found]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("newsdesk --version", [sys.executable, "-m", "newsdesk", "--version"]),
        ("newsdesk --help", [sys.executable, "-m", "newsdesk", "--help"]),
        ("newsdesk daily --help", [sys.executable, "-m", "newsdesk", "daily", "--help"]),
        ("import every module (before)", [sys.executable, "-c", EVERYTHING]),
    ]
    for name, command in rows:
        best, median = timed(command, runs)
        print(f"{name:<32} best {best:.3f} s   median {median:.3f} s")
    for args in (["--help"], ["--version"]):
        print(f"heavy imports of newsdesk {' '.join(args)}: {heavy_imports(args) or 'none'}")


if __name__ == "__main__":
    main()
