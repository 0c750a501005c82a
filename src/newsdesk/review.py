"""Review before publishing (`[review]`): drafts wait for an editor, approval publishes.

With `[review] required = true`, `newsdesk daily`, `newsdesk weekly` and the desk's
scheduled runs write each post as a draft: in a place the site generator does not build
(Hugo `content/drafts/` with `draft = true`, Jekyll `_drafts/`, Eleventy and plain
Markdown `drafts/`, Eleventy's with `permalink: false`), recorded in the `drafts` table,
with no feed entry and no delivery. Approving a draft (`newsdesk approve`, or Approve
in `newsdesk serve`) publishes what the editor saw:

- the draft as written, when nothing changed since (the file moves to its place, marked
  published, and the stored post is the one rendered for the draft);
- the draft file as the editor changed it by hand: the site shows the edited file; the
  feed and the channels, which publish the stored digest (its links from the store),
  carry the digest as written, and approving says so;
- the day rendered again with the desk's edits, when the editor changed the day in the
  desk (or with `newsdesk edit`) after the draft was written. A draft changed both ways
  is not guessed at: approving says how to choose.

Then the feed is updated, and the caller delivers the posts to the channels.
`auto_publish_after` publishes drafts nobody reviewed after that long (`overdue`), from
the desk's scheduler or `newsdesk approve --due`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsdesk import publish
from newsdesk.errors import NewsdeskError, NothingToDo, PublishError
from newsdesk.publish.post import Draft, StoredPost

if TYPE_CHECKING:
    from newsdesk.models import Item
    from newsdesk.run import Run
    from newsdesk.store import Store

_MEANWHILE = (
    "the draft of {post.key} {post.style} ({post.lang}) was approved or written again "
    "meanwhile; see `newsdesk approve --list`"
)
# Front matter at the start of a file: TOML between +++ (Hugo) or YAML between ---.
_FRONT = re.compile(r"\A(\+\+\+|---)[ \t]*\r?\n.*?\n\1[ \t]*\r?\n(?:\r?\n)?", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Approved:
    """What approving one draft did: `how` it was published (`as written`, `edited by
    hand`, `with the desk's edits`), the file written and the stored post; or, with
    `problem`, why it was not."""

    draft: Draft
    how: str = ""
    path: Path | None = None
    post: StoredPost | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def approve(
    run: Run,
    key: str,
    *,
    lang: str | None = None,
    style: str | None = None,
    fmt: str | None = None,
) -> list[Approved]:
    """Publish the drafts of a day or week (`key`); each is approved or says why not,
    and the others go on. NothingToDo when none awaits approval."""
    drafts = [
        d for d in run.store.drafts(key=key, lang=lang, style=style) if fmt is None or d.fmt == fmt
    ]
    if not drafts:
        waiting = sorted({d.post.key for d in run.store.drafts()})
        hint = f"; drafts await approval for {', '.join(waiting)}" if waiting else ""
        raise NothingToDo(f"no draft awaits approval for {key}{hint}")
    return [approve_draft(run, draft) for draft in drafts]


def approve_draft(run: Run, draft: Draft) -> Approved:
    """Publish one draft (see the module's docstring for how)."""
    store = run.store
    post = draft.post
    current = [
        d.post.updated
        for d in store.drafts(key=post.key, lang=post.lang, style=post.style)
        if d.fmt == draft.fmt
    ]
    if current != [post.updated]:
        return Approved(draft, problem=_MEANWHILE.format(post=post))
    try:
        text = draft.path.read_text(encoding="utf-8")
    except OSError as exc:
        return Approved(
            draft,
            problem=f"its file {draft.path} cannot be read ({exc.strerror or exc}); write the "
            f"draft again with `newsdesk {post.kind} --{_option(post)} {post.key}`",
        )
    by_hand = draft.edited_by_hand(text)
    in_desk = post.kind == "daily" and store.edit_mark(post.day, post.lang) > draft.edits_seen
    if by_hand and in_desk:
        return Approved(
            draft,
            problem=f"{draft.path} was edited by hand, and the day in the desk since the "
            "draft was written; newsdesk will not choose between them. Write the draft "
            f"again with the desk's edits (`newsdesk daily --date {post.key} --no-collect`; "
            "the changes to the file are replaced) and approve that, or copy your changes "
            "into the desk",
        )
    try:
        if in_desk:
            path, stored = _render_again(run, draft), None
            how = "with the desk's edits"
        else:
            path, stored = _promote(run, draft, text, by_hand=by_hand)
            how = "edited by hand" if by_hand else "as written"
    except NewsdeskError as exc:
        return Approved(draft, problem=str(exc))
    if stored is None:
        stored = next(
            (p for p in store.posts(key=post.key, lang=post.lang, fmt=draft.fmt)
             if p.style == post.style),
            None,
        )  # fmt: skip
    return Approved(draft, how=how, path=path, post=stored)


def _published_front(front: str, fmt: str, path: Path, site_draft: bool) -> str:
    """An editor's front matter with the draft markings of a review draft turned into
    those of a published post (`site.draft` still marks every post a draft)."""
    import tomllib

    import tomli_w
    import yaml

    from newsdesk.publish.jekyll import dump_yaml

    fence = front[:3]
    inner = front.split("\n", 1)[1].rstrip().removesuffix(fence)
    try:
        data = tomllib.loads(inner) if fence == "+++" else yaml.safe_load(inner) or {}
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise PublishError(
            f"the front matter of {path} cannot be read ({exc}); correct it and approve again"
        ) from None
    if not isinstance(data, dict):
        raise PublishError(f"the front matter of {path} is not a table; correct it")
    if fence == "+++":
        data["draft"] = site_draft
        return f"+++\n{tomli_w.dumps(data)}+++\n\n"
    for key in ("published", "draft", "eleventyExcludeFromCollections"):
        data.pop(key, None)
    if data.get("permalink") is False:
        del data["permalink"]
    if site_draft and fmt == "jekyll":
        data["published"] = False
    elif site_draft:
        data.update(draft=True, permalink=False, eleventyExcludeFromCollections=True)
    return dump_yaml(data)


def _option(post: StoredPost) -> str:
    return "week" if post.kind == "weekly" else "date"


def _promote(run: Run, draft: Draft, text: str, *, by_hand: bool) -> tuple[Path, StoredPost]:
    """Move the draft file to its published place, marked published, and store its post.
    A file edited by hand keeps all its front matter but the draft markings."""
    from newsdesk.pipeline import drop_stale_weekly

    settings, store, now = run.settings, run.store, run.now()
    fmt = publish.registry[draft.fmt]
    meta, out = publish.meta_from_values(draft.meta)
    text = text.removeprefix("\ufeff")
    found = _FRONT.match(text)
    if found is None and text.lstrip().startswith(("+++", "---")):
        raise PublishError(
            f"the front matter of {draft.path} cannot be found: it must open the file "
            "between two +++ (or ---) lines; correct it and approve again"
        )
    body = text[found.end() :] if found else text
    meta = replace(meta, draft=settings.site.draft)
    head = fmt.front_matter(meta)
    if by_hand and found:
        head = _published_front(found.group(0), fmt.name, draft.path, settings.site.draft)
    post = replace(draft.post, published=meta.date, updated=now)
    path = publish.write_file(fmt.path(out, meta), head + body)
    # The post is recorded and the draft forgotten in one transaction, before the draft
    # file goes: a store that fails here leaves the draft to approve again.
    channels = publish.deliver_to(run, post)
    if not store.publish_draft(draft, post, path=path, run_id=run.report.id, deliver_to=channels):
        raise PublishError(_MEANWHILE.format(post=post))
    if path != draft.path:
        draft.path.unlink(missing_ok=True)
    if draft.kind == "weekly":
        drop_stale_weekly(path, meta.slug)
    publish.publish_stored(run, post, fmt=fmt, out=out)  # the feed, and others
    return path, post


def _render_again(run: Run, draft: Draft) -> Path:
    """The day rendered again from the store with the desk's edits, and published (the
    sources that failed in the draft's run still noted). Items the editor restored, or
    stories joined or taken apart (`newsdesk edit`), since the day was prepared bring it
    to be prepared again."""
    from newsdesk.dedupe import regroup
    from newsdesk.pipeline import DailyRequest, prepare_day, triage_for, write_day

    store, post = run.store, draft.post
    _, out = publish.meta_from_values(draft.meta)
    outcomes = store.run_outcomes(draft.run_id) if draft.run_id else []
    request = DailyRequest(post.day, post.style, post.lang, draft.fmt, out)
    stories = store.stories_between(post.day, post.day)
    shown = {item.id for story in stories for item in story.items}
    changes = store.story_changes(post.day)
    groups = [list(story.items) for story in stories]
    regrouped = regroup(groups, joined=changes.joined, apart=changes.apart)
    if store.restored_items(post.day) - shown or _ids(regrouped) != _ids(groups):
        triage = triage_for(run, post.lang)
        stories = prepare_day(run.settings, store, post.day, triage=triage)
    return write_day(run, request, outcomes=outcomes, stories=stories, fetch=False, approved=True)


def _ids(groups: list[list[Item]]) -> set[frozenset[int | None]]:
    return {frozenset(item.id for item in group) for group in groups}


def overdue(store: Store, now: dt.datetime, minutes: int | None) -> list[Draft]:
    """The drafts written at least `minutes` ago (none when `minutes` is None)."""
    if minutes is None:
        return []
    limit = now - dt.timedelta(minutes=minutes)
    return [d for d in store.drafts() if d.post.updated <= limit]


def publish_overdue(run: Run, skip: Callable[[Draft], bool] | None = None) -> list[Approved]:
    """Approve the drafts nobody reviewed within `auto_publish_after` (but those to
    `skip`), and say so on the run's report."""
    minutes = run.settings.review.auto_publish_minutes()
    done = []
    for draft in overdue(run.store, run.now(), minutes):
        if skip is not None and skip(draft):
            continue
        result = approve_draft(run, draft)
        post = draft.post
        what = f"{post.key} {post.style} ({post.lang})"
        if result.ok:
            run.report.warn(
                f"{what} was published without review, "
                f"{run.settings.review.auto_publish_after} after its draft was written"
            )
        else:
            run.report.warn(f"{what} could not be published: {result.problem}")
        done.append(result)
    return done
