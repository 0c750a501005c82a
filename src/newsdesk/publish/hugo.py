"""Hugo: TOML front matter between +++, posts under content/posts/."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from newsdesk.publish import PostMeta
from newsdesk.write import escape_markdown


class Hugo:
    name = "hugo"

    def escape(self, text: str) -> str:
        """Entities against the template language and the typographer, backslashes
        against Markdown."""
        return escape_markdown(text)

    def front_matter(self, meta: PostMeta) -> str:
        data = {
            "title": meta.title,
            "date": meta.date.replace(microsecond=0),
            "tags": meta.tags,
            "categories": meta.categories,
            "draft": meta.draft,
        }
        if meta.description:
            data["description"] = meta.description
        return f"+++\n{tomli_w.dumps(data)}+++\n\n"

    def path(self, out: Path, meta: PostMeta) -> Path:
        return out / "content" / "posts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def draft_path(self, out: Path, meta: PostMeta) -> Path:
        # `draft = true`: Hugo builds it only with --buildDrafts (-D), for a preview.
        return out / "content" / "drafts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def url(self, meta: PostMeta) -> str:
        return f"/posts/{meta.day.isoformat()}-{meta.slug}/"

    def page_path(self, out: Path, name: str) -> Path:
        return out / "content" / f"{name}.md"

    def page_url(self, name: str) -> str:
        return f"/{name.lower()}/"  # Hugo lower-cases addresses by default

    def static_path(self, out: Path, name: str) -> Path:
        return out / "static" / name

    def static_url(self, name: str) -> str:
        return f"/{name}"
