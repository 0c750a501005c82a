"""Eleventy: YAML front matter with layouts/post.njk, posts under posts/."""

from __future__ import annotations

from pathlib import Path

from newsdesk.publish import PostMeta
from newsdesk.publish.jekyll import dump_yaml
from newsdesk.write import escape_markdown


class Eleventy:
    name = "eleventy"

    def escape(self, text: str) -> str:
        """Entities against the template language and the typographer, backslashes
        against Markdown."""
        return escape_markdown(text)

    def front_matter(self, meta: PostMeta) -> str:
        data: dict[str, object] = {
            "title": meta.title,
            "description": meta.description,
            "date": meta.day.isoformat(),
            "scheduled": meta.day.isoformat(),
            "tags": meta.tags,
            "layout": "layouts/post.njk",
        }
        if meta.draft:
            # Eleventy has no drafts of its own: no page is written and no collection
            # lists it (its documented way to keep a file out of a build).
            data["draft"] = True
            data["permalink"] = False
            data["eleventyExcludeFromCollections"] = True
        return dump_yaml(data)

    def path(self, out: Path, meta: PostMeta) -> Path:
        return out / "posts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def draft_path(self, out: Path, meta: PostMeta) -> Path:
        return out / "drafts" / f"{meta.day.isoformat()}-{meta.slug}.md"

    def url(self, meta: PostMeta) -> str:
        return f"/posts/{meta.day.isoformat()}-{meta.slug}/"

    def page_path(self, out: Path, name: str) -> Path:
        return out / f"{name}.md"

    def page_url(self, name: str) -> str:
        return f"/{name}/"

    def static_path(self, out: Path, name: str) -> Path:
        # Eleventy copies only what its configuration passes through:
        # eleventyConfig.addPassthroughCopy({"public": "/"}) (docs/publishing.md).
        return out / "public" / name

    def static_url(self, name: str) -> str:
        return f"/{name}"
