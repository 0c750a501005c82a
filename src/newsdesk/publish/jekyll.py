"""Jekyll: YAML front matter, posts as _posts/YYYY-MM-DD-slug.md."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from newsdesk.publish import PostMeta
from newsdesk.write import escape_markdown


def dump_yaml(data: dict[str, object]) -> str:
    text = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    return f"---\n{text}---\n\n"


class Jekyll:
    name = "jekyll"

    def escape(self, text: str) -> str:
        """Entities against the template language and the typographer, backslashes
        against Markdown."""
        return escape_markdown(text)

    def front_matter(self, meta: PostMeta) -> str:
        data: dict[str, object] = {
            "layout": "post",
            "title": meta.title,
            "date": meta.date.replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S %z"),
            "author": meta.author,
            "categories": meta.categories,
            "tags": meta.tags,
        }
        if meta.source_url:
            data["source"] = meta.source_url
        if meta.draft:
            data["published"] = False
        return dump_yaml(data)

    def path(self, out: Path, meta: PostMeta) -> Path:
        return out / "_posts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def draft_path(self, out: Path, meta: PostMeta) -> Path:
        # Jekyll's drafts folder, built only with --drafts (and --unpublished).
        return out / "_drafts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def url(self, meta: PostMeta) -> str:
        # Jekyll's default permalink: /:categories/:year/:month/:day/:title:output_ext
        cats = "".join(f"/{_slugify(c)}" for c in meta.categories if _slugify(c))
        return f"{cats}/{meta.day:%Y/%m/%d}/{meta.slug}.html"

    def page_path(self, out: Path, name: str) -> Path:
        return out / f"{name}.md"

    def page_url(self, name: str) -> str:
        return f"/{name}.html"

    def static_path(self, out: Path, name: str) -> Path:
        return out / name  # Jekyll copies files without front matter as they are

    def static_url(self, name: str) -> str:
        return f"/{name}"


def _slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
