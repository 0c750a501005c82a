"""Plain Markdown: no front matter, files straight in the out folder."""

from __future__ import annotations

from pathlib import Path

from newsdesk.publish import PostMeta
from newsdesk.write import escape_plain_markdown


class Markdown:
    name = "markdown"

    def escape(self, text: str) -> str:
        """Markdown's own backslash escapes: the file reads as written, raw or rendered."""
        return escape_plain_markdown(text)

    def front_matter(self, meta: PostMeta) -> str:
        return ""

    def path(self, out: Path, meta: PostMeta) -> Path:
        return out / f"{meta.day.isoformat()}-{meta.slug}.md"

    def draft_path(self, out: Path, meta: PostMeta) -> Path:
        return out / "drafts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def url(self, meta: PostMeta) -> str:
        return f"{meta.day.isoformat()}-{meta.slug}.md"

    def page_path(self, out: Path, name: str) -> Path:
        return out / f"{name}.md"

    def page_url(self, name: str) -> str:
        return f"{name}.md"

    def static_path(self, out: Path, name: str) -> Path:
        return out / name

    def static_url(self, name: str) -> str:
        return name
