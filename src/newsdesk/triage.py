"""Model triage: one compact pass over a day's candidate stories, when `[llm]` is set.

After the offline relevance stage has kept the day's items and the merger has made them
into stories, the model reads each candidate story as its id, title, sources, Hacker News
points and a short capped excerpt, in batches, and answers for each id: keep or set aside
(with the relevance stage's reasons), importance 1-5, category, and a headline in each
language the run writes. The same call asks "same event?" for the merger's borderline
pairs (`dedupe.near_pairs`), which are batched together.

One judgement serves every language of a day: the prompt is in the desk's language and
names the languages in one order, a run writing several asks for all their headlines at
once, and a batch already judged for another set of languages (an earlier run's) is
read from the cache rather than asked again.

The answers are a signal combined with the offline judgement (`apply`, documented in
docs/pipeline.md, "Triage"), never the only one:

- a story the model sets aside is set aside (reason `model:<reason>`) unless offline
  evidence says it is news: an item from a curated source, three or more independent
  sources, or readers' lift (`news.lift_points` points);
- importance multiplies the offline score (`rank.py`) by
  1 + `importance_weight` × (importance − 3) / 2;
- the model's category replaces the offline one unless the learned classifier was sure
  of its own (probability ≥ `SURE`);
- a borderline pair the model calls the same event is merged; nothing merged offline is
  split.

Unknown ids are dropped, URLs stripped, every answer cached by its prompt's hash (a rerun
makes no call), the run's token budget applies, and on any failure the offline judgement
stands and the run report says so.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

from newsdesk.dedupe import joined_ids
from newsdesk.models import Story
from newsdesk.relevance import REASONS, engagement
from newsdesk.screen import strip_urls, without_instructions
from newsdesk.styles import LANGUAGES
from newsdesk.terms import summary_text

if TYPE_CHECKING:
    from jinja2 import Environment

    from newsdesk.config import CategorySettings, TriageSettings
    from newsdesk.llm import ModelClient, Reply
    from newsdesk.schemas import TriageStory

logger = logging.getLogger(__name__)

# The learned classifier's probability above which its category stands against the model.
SURE = 0.9
# Independent sources that make a story news whatever the model says.
MANY_SOURCES = 3


@dataclass
class Judged:
    """What the model said about a day's candidates (empty when it said nothing usable)."""

    stories: dict[int, TriageStory] = field(default_factory=dict)
    pairs: dict[tuple[int, int], bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class ModelTriage:
    """The triage calls for one run (see the module)."""

    def __init__(self, client: ModelClient, prompts: Environment, settings: TriageSettings) -> None:
        self.client = client
        self.prompts = prompts
        self.settings = settings

    def judge(
        self,
        stories: Sequence[Story],
        pairs: Sequence[tuple[int, int]],
        *,
        langs: tuple[str, ...],
        categories: Sequence[CategorySettings],
        lang: str,
    ) -> Judged:
        """Judge the stories (best first, at most `max_stories`) and the pairs among them,
        with a headline in each of `langs`; the prompt is in `lang` (the desk's language,
        whatever the digest's, so that every language written reads one judgement)."""
        chosen = list(stories[: self.settings.max_stories])
        judged = Judged()
        for batch, asked in batches(chosen, pairs, self.settings.batch_size):
            self._batch(batch, asked, in_order(langs), categories, lang, judged)
        return judged

    def _messages(self, ask: _Ask, langs: tuple[str, ...]) -> list[dict[str, str]]:
        from newsdesk.analyze import data_block, prompt_messages

        names = [{"key": c.key, "name": c.zh if ask.lang == "zh" else c.en} for c in ask.categories]
        return prompt_messages(
            self.prompts,
            f"triage.{ask.lang}.md",
            count=len(ask.records),
            ids=", ".join(str(r["id"]) for r in ask.records),
            data=data_block(ask.records),
            pairs=data_block([{"a": a, "b": b} for a, b in ask.pairs]) if ask.pairs else "",
            langs=list(langs),
            categories=names,
        )

    def _answer(self, ask: _Ask, langs: tuple[str, ...]) -> tuple[Reply, tuple[str, ...]]:
        """The batch's answer and the languages its headlines are in: the judgement
        cached for these languages or for another set of them (an earlier run wrote
        another language: its judgement is the day's), else one call. Raises ModelError
        when the call fails."""
        from newsdesk.schemas import TriageAnswer

        messages = self._messages(ask, langs)
        for option in (langs, *other_langs(langs)):
            reply = self.client.cached(messages if option == langs else self._messages(ask, option))
            if reply is not None:
                return reply, option
        return self.client.complete(messages, schema=TriageAnswer, name="triage"), langs

    def _batch(
        self,
        batch: list[Story],
        asked: list[tuple[int, int]],
        langs: tuple[str, ...],
        categories: Sequence[CategorySettings],
        lang: str,
        judged: Judged,
    ) -> None:
        from newsdesk.llm import ModelError
        from newsdesk.schemas import check_triage

        records = [facts(story, self.settings.excerpt_tokens) for story in batch]
        try:
            reply, langs = self._answer(_Ask(records, asked, categories, lang), langs)
        except ModelError as exc:
            judged.errors.append(str(exc))
            return
        checked = check_triage(
            reply.text,
            ids={story.id for story in batch},
            pairs=set(asked),
            langs=langs,
            categories={c.key for c in categories},
            reasons=set(REASONS),
        )
        usage = self.client.usage
        usage.repaired += checked.counts.repaired
        usage.urls_removed += checked.counts.urls_removed
        usage.ids_dropped += checked.counts.ids_dropped
        judged.errors.extend(checked.errors[:1])
        # Kept when most of the batch was usable: a rerun then asks nothing again.
        if len(checked.stories) * 2 >= len(batch):
            self.client.keep([reply])
            judged.stories.update(checked.stories)
            judged.pairs.update(checked.pairs)


@dataclass(frozen=True)
class _Ask:
    """One batch's question: its stories as triage shows them, the borderline pairs it
    holds, the categories to choose from and the prompt's language."""

    records: list[dict[str, Any]]
    pairs: list[tuple[int, int]]
    categories: Sequence[CategorySettings]
    lang: str


def in_order(langs: Collection[str]) -> tuple[str, ...]:
    """Languages in one order (LANGUAGES'), each once: the same languages make the
    same prompt."""
    return tuple(lang for lang in LANGUAGES if lang in langs)


def other_langs(langs: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The other sets of languages a batch may have been judged for, those that share
    most with `langs` first."""
    options = [
        chosen for size in range(len(LANGUAGES), 0, -1) for chosen in combinations(LANGUAGES, size)
    ]
    options = [o for o in options if o != langs]
    return sorted(options, key=lambda o: -len(set(o) & set(langs)))


def facts(story: Story, excerpt_tokens: int) -> dict[str, Any]:
    """A story as triage shows it: id, title, sources, points, a short excerpt."""
    from newsdesk.analyze import cap_tokens

    lead = story.lead
    title = strip_urls(without_instructions(lead.title))[0] or "(title withheld)"
    record: dict[str, Any] = {"id": story.id, "title": title, "sources": story.sources[:3]}
    points = max(engagement(item)[0] for item in story.items)
    if points:
        record["points"] = points
    body = summary_text(lead.title, lead.summary[:2000])
    if body.casefold().startswith(lead.title.casefold()):
        body = body[len(lead.title) :]
    body = strip_urls(without_instructions(body))[0].strip(" .:-–")
    if excerpt_tokens and len(body) > 1:
        record["text"] = cap_tokens(body, excerpt_tokens)
    return record


def batches(
    stories: Sequence[Story], pairs: Sequence[tuple[int, int]], size: int
) -> list[tuple[list[Story], list[tuple[int, int]]]]:
    """Stories in batches of about `size`, the stories of a borderline pair in one batch
    where the pairs' groups fit, each batch with the pairs it holds both ends of."""
    root = joined_ids([story.id for story in stories], pairs)
    groups: dict[int, list[Story]] = {}
    for story in stories:
        groups.setdefault(root(story.id), []).append(story)
    out: list[tuple[list[Story], list[tuple[int, int]]]] = []
    current: list[Story] = []
    for group in groups.values():  # in the order of each group's best story
        if current and len(current) + len(group) > size:
            out.append((current, []))
            current = []
        current.extend(group)
    if current:
        out.append((current, []))
    for batch, asked in out:
        ids = {story.id for story in batch}
        asked.extend(p for p in pairs if p[0] in ids and p[1] in ids)
    return out


def apply(
    stories: list[Story],
    judged: Judged,
    *,
    curated: Collection[str],
    lift_points: int,
    confidence: dict[int, float],
) -> list[tuple[Story, str, str]]:
    """Fold the model's judgement into the stories (in place, see the module) and return
    the stories it sets aside as (story, reason, detail)."""
    aside: list[tuple[Story, str, str]] = []
    for story in list(stories):
        verdict = judged.stories.get(story.id)
        if verdict is None:
            continue
        story.importance = verdict.importance
        story.headlines.update(verdict.headlines)
        if verdict.category and confidence.get(story.id, 0.0) < SURE:
            story.category = verdict.category
        if not verdict.keep and not _news_offline(story, curated, lift_points):
            aside.append((story, f"model:{verdict.reason}", "the model's triage"))
    gone = {story.id for story, _, _ in aside}
    stories[:] = [story for story in stories if story.id not in gone]
    return aside


def _news_offline(story: Story, curated: Collection[str], lift_points: int) -> bool:
    """Whether offline evidence alone says a story is news."""
    return (
        any(name in curated for name in story.sources)
        or len(story.sources) >= MANY_SOURCES
        or any(engagement(item)[0] >= lift_points for item in story.items)
    )
