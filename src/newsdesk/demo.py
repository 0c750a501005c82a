"""The bundled sample week: sources written by us, collected offline into a fresh store."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from newsdesk.config import Settings

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


def fresh_store_path(out: Path) -> Path:
    """Remove a previous demo store in `out` so the demo starts from nothing."""
    path = out / "newsdesk.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path
