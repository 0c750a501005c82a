"""The bundled sample week: sources written by us, collected offline into a fresh store."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from newsdesk.config import Settings
from newsdesk.errors import ConfigError
from newsdesk.store import Store

DEMO_DIR = "data/demo"


def demo_folder() -> Path:
    return Path(str(resources.files("newsdesk").joinpath(DEMO_DIR)))


def demo_sources() -> list[dict[str, Any]]:
    text = (demo_folder() / "sources.toml").read_text(encoding="utf-8")
    return list(tomllib.loads(text)["sources"])


def demo_settings(settings: Settings, out: Path, *, fmt: str | None = None) -> Settings:
    """The user's settings with the sample sources, a store and a site inside `out`."""
    site = settings.site.model_copy(update={"out": out, "format": fmt or settings.site.format})
    data = settings.model_dump()
    data.update(
        sources=demo_sources(),
        base_dir=demo_folder(),
        database=out / "newsdesk.db",
        site=site.model_dump(),
    )
    return Settings.model_validate(data)


# PRAGMA application_id of a store the demo made ("ndem"): only such a store is replaced.
DEMO_MARK = 0x6E64656D
STORE_NAME = "newsdesk.db"


def fresh_store(out: Path, *, force: bool = False) -> Path:
    """Make `out` ready for a demo: remove the store of an earlier demo there and return
    the store's path. Refuse (ConfigError, exit 2) a folder that is neither empty nor an
    earlier demo's, unless `force`: the demo must never destroy a real store or litter a
    folder with sample posts."""
    path = out / STORE_NAME
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder for the demo")
    contents = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    if contents and not force and not is_demo_store(path):
        what = (
            f"{path} is not a demo store (it may hold your collected news)"
            if path.exists()
            else f"{out} is not empty ({', '.join(contents[:3])}{', …' if len(contents) > 3 else ''})"
        )
        raise ConfigError(
            f"{what}; the demo writes a fresh store and sample posts. Give an empty or new "
            "folder with --out, or pass --force to write there anyway"
        )
    out.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def is_demo_store(path: Path) -> bool:
    """Whether `path` is a store an earlier `newsdesk demo` made: read from the file's
    header (the application id at byte 68), without opening it as a database."""
    try:
        with path.open("rb") as file:
            header = file.read(72)
    except OSError:
        return False
    return header.startswith(b"SQLite format 3\0") and header[68:72] == DEMO_MARK.to_bytes(4, "big")


def mark_demo(store: Store) -> None:
    """Mark the demo's store, so the next demo may replace it (and nothing else)."""
    store.db.execute(f"PRAGMA application_id = {DEMO_MARK}")
