"""An editor's changes to a day's digest, stored and applied every time the day is
rendered again (a rerun of `daily`, a re-analysis, the review page's preview).

An editor may, per story: drop it (`dropped`), restore it, give it another category
(`category`), and rewrite the text the analyst wrote (`headline`, `lead`, `what`, `why`,
`impact`, `advice`); per day: set the order stories are shown in (`order`, story ids),
choose the pick (`pick`), and rewrite the lede (`lede`) and the concept's explanation
(`concept`). Never a link, a source's title or a date: those stay from the store.

What is one story is the editor's call too, for every language (stored with lang ""):
`joined` pairs of item ids that tell one event (their stories become one), `apart` items
taken out of the story the merger put them in (each a story of its own). Both are
applied when the day is prepared again, like the `restored` items.

Edits are kept per day and language in the `edits` table (the current state: one value
per story and field) and every change in `edit_log` with its time; `newsdesk report
--date D` lists them. An edit whose story is gone (the day was merged differently) is
left unapplied and said so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from newsdesk.models import Concept, Digest, Story, StoryAnalysis

# Fields an editor may set on a story, and on the day (story id 0).
STORY_FIELDS = ("dropped", "category", "headline", "lead", "what", "why", "impact", "advice")
DAY_FIELDS = ("order", "pick", "lede", "concept")
# The items the editor brought back from those the relevance stage set aside (a JSON list
# of item ids): kept for every language (stored with lang ""), applied when the day is
# prepared again.
RESTORED = "restored"
JOINED = "joined"  # a JSON list of [item id, item id] pairs: one story
APART = "apart"  # a JSON list of item ids: each a story of its own
# The day's fields that hold for every language.
SHARED_FIELDS = (RESTORED, JOINED, APART)
TEXT_FIELDS = ("headline", "lead", "what", "why", "impact", "advice")
DAY = 0  # the story id that stands for the day itself


@dataclass(frozen=True, slots=True)
class Edit:
    story_id: int  # 0: the day
    field: str
    value: str


class EditError(ValueError):
    """An edit that cannot be made: an unknown field, a link in text, a bad value."""


def check(edit: Edit, categories: Mapping[str, str]) -> Edit:
    """The edit as stored, or EditError saying what is wrong with it."""
    allowed = (*DAY_FIELDS, *SHARED_FIELDS) if edit.story_id == DAY else STORY_FIELDS
    if edit.field not in allowed:
        raise EditError(f"{edit.field!r} cannot be edited; editable: {', '.join(allowed)}")
    value = edit.value.strip()
    if edit.field == "dropped" and value not in ("true", "false"):
        raise EditError("dropped is true or false")
    if edit.field == "category" and value not in categories:
        raise EditError(f"unknown category {value!r}; use one of {', '.join(categories)}")
    if edit.field == "pick" and not value.isdigit():
        raise EditError("pick is a story id")
    if edit.field in ("order", RESTORED, APART, JOINED):
        try:
            ids = json.loads(value)
        except ValueError:
            ids = None
        if edit.field == JOINED:
            if not isinstance(ids, list) or not all(_pair(p) for p in ids):
                raise EditError("joined is a list of [item id, item id] pairs")
        elif not isinstance(ids, list) or not all(_id(i) for i in ids):
            what = "story ids" if edit.field == "order" else "item ids"
            raise EditError(f"{edit.field} is a list of {what}")
    if edit.field in (*TEXT_FIELDS, "lede", "concept"):
        from newsdesk.screen import strip_urls

        cleaned, removed = strip_urls(value)
        if removed:
            raise EditError("write text without links: every link comes from the store")
        value = cleaned
    return replace(edit, value=value)


def _id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pair(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(map(_id, value))
        and value[0] != value[1]
    )


@dataclass(frozen=True, slots=True)
class StoryChanges:
    """The editor's word on what is one story: pairs of items joined, items set apart."""

    joined: tuple[tuple[int, int], ...] = ()
    apart: frozenset[int] = frozenset()

    def join(self, a: int, b: int) -> StoryChanges:
        """With the items' stories joined (an item set apart stays out of the story the
        merger gave it, and joins this one)."""
        pair = (min(a, b), max(a, b))
        joined = self.joined if pair in self.joined else (*self.joined, pair)
        return StoryChanges(joined, self.apart)

    def unjoin(self, a: int, b: int) -> StoryChanges:
        pair = (min(a, b), max(a, b))
        return StoryChanges(tuple(p for p in self.joined if p != pair), self.apart)

    def set_apart(self, item: int) -> StoryChanges:
        """With the item a story of its own: joins that name it are undone."""
        joined = tuple(p for p in self.joined if item not in p)
        return StoryChanges(joined, self.apart | {item})

    def rejoin(self, item: int) -> StoryChanges:
        """Without the item set apart: the merger decides again."""
        return StoryChanges(self.joined, self.apart - {item})

    def edits(self) -> tuple[Edit, Edit]:
        """As the two stored edits of the day."""
        pairs = [list(p) for p in self.joined]
        return Edit(DAY, JOINED, json.dumps(pairs)), Edit(
            DAY, APART, json.dumps(sorted(self.apart))
        )


def shortlist(stories: list[Story], top: int, edits: list[Edit]) -> list[Story]:
    """The stories a day's digest is made of: the first `top` of the ranked stories in
    the editor's order (the day's `order` edit), so a story the editor moved up from
    below the top is in it. A story the ranking held (a negative score: a forum's
    chatter past `rank.max_discussions`) is in it only where the editor placed it above
    a story that was not held; left where it was, it stays out on a thin day too."""
    order: list[int] = next(
        (json.loads(e.value) for e in reversed(edits) if e.story_id == DAY and e.field == "order"),
        [],
    )
    place = {ident: n for n, ident in enumerate(order)}
    ordered = sorted(stories, key=lambda s: place.get(s.id, len(place)))  # stable
    held = still_held(ordered)
    return [story for story in ordered if story.id not in held][:top]


def still_held(ordered: Sequence[Story]) -> set[int]:
    """The ids of the held stories (a negative score) that the editor's order, or the
    ranking's, leaves below every story that is not held."""
    held: set[int] = set()
    below = True
    for story in reversed(ordered):
        if story.score >= 0:
            below = False
        elif below:
            held.add(story.id)
    return held


def apply(digest: Digest, edits: list[Edit]) -> tuple[Digest, list[Edit]]:
    """The digest with the edits applied, and the edits that found no story."""
    known = {story.id for story in digest.stories}
    unused = [e for e in edits if e.story_id not in (DAY, *known)]
    state: dict[int, dict[str, str]] = {}
    for edit in edits:
        state.setdefault(edit.story_id, {})[edit.field] = edit.value
    day = state.get(DAY, {})
    stories = [s for s in digest.stories if state.get(s.id, {}).get("dropped") != "true"]
    order = json.loads(day["order"]) if "order" in day else []
    place = {ident: n for n, ident in enumerate(order)}
    stories.sort(key=lambda s: (place.get(s.id, len(place)),))  # stable: others keep rank
    texts = dict(digest.analysis.stories)
    for index, story in enumerate(stories):
        changes = state.get(story.id, {})
        if "category" in changes:  # a copy: the prepared story is shared
            stories[index] = replace(story, category=changes["category"])
        if any(f in changes for f in TEXT_FIELDS):
            texts[story.id] = _rewritten(texts.get(story.id), changes)
    analysis = replace(digest.analysis, stories=texts)
    gone = {i.title for s in digest.stories if s not in stories for i in s.items}
    if analysis.headline in gone:  # the day was headed by a story the editor dropped
        from newsdesk.analyze import offline_headline

        analysis = replace(analysis, headline=offline_headline(stories, digest.lang))
    if "lede" in day:
        analysis = replace(analysis, lede=day["lede"])
    if "concept" in day and analysis.concept is not None:
        analysis = replace(analysis, concept=Concept(analysis.concept.term, day["concept"]))
    if "pick" in day and int(day["pick"]) in {s.id for s in stories}:
        analysis = replace(analysis, pick_id=int(day["pick"]), pick_text="")
    elif analysis.pick_id not in {s.id for s in stories}:  # the pick was dropped
        analysis = replace(analysis, pick_id=stories[0].id if stories else None, pick_text="")
    return replace(digest, stories=stories, analysis=analysis), unused


def _rewritten(base: StoryAnalysis | None, changes: Mapping[str, str]) -> StoryAnalysis:
    """The analysis of a story with the editor's text; an edited lead replaces the
    extract that followed it."""
    base = base or StoryAnalysis(lead="", body="")
    return replace(
        base,
        headline=changes.get("headline", base.headline),
        lead=changes.get("lead", base.lead),
        body="" if "lead" in changes else base.body,
        what=changes.get("what", base.what),
        why=changes.get("why", base.why),
        impact=changes.get("impact", base.impact),
        advice=changes.get("advice", base.advice),
    )
