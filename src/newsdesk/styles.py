"""The catalogue of post styles: cheap to import, so the CLI's --help lists them without
loading the template engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    kind: str  # daily or weekly
    reference: str  # the reference post it follows
    about: str


STYLE_LIST = (
    Style(
        "roundup", "daily", "000", "news roundup: main stories with sources, analysis, conclusion"
    ),
    Style(
        "weekly-axes", "weekly", "001", "the week as 4-6 axes: evidence, impact, advice, outlook"
    ),
    Style("weekly-overview", "weekly", "002", "the week by theme, two paragraphs each, outlook"),
    Style("daily-deep", "daily", "003", "deep report: what / why / impact / advice per story"),
    Style("daily-brief", "daily", "004", "brief by category with a concept and a pick"),
)
STYLES = tuple(s.name for s in STYLE_LIST)
DAILY_STYLES = tuple(s.name for s in STYLE_LIST if s.kind == "daily")
WEEKLY_STYLES = tuple(s.name for s in STYLE_LIST if s.kind == "weekly")
LANGUAGES = ("zh", "en")


def template_origin(user_templates: Path, style: str, lang: str) -> str:
    """Where a style's template comes from: the user's templates folder, or built in."""
    path = user_templates / f"{style}.{lang}.md.j2"
    return str(path) if path.is_file() else "built in"
