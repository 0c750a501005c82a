"""An editor's changes to a day's digest (edits.py): stored, applied every time the day
is written again, never touching links or sources' titles, listed by `report --date`."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest

from newsdesk.edits import DAY as DAY_ID
from newsdesk.edits import Edit, shortlist
from newsdesk.models import Story
from tests.conftest import demo_site
from tests.helpers import invoke

DAY = "2026-11-11"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    found = demo_site(tmp_path)
    code, _, stderr = run(found, "daily", "--date", DAY, "--lang", "en")
    assert code == 0, stderr
    return found


def run(site: Path, *args: str) -> tuple[int, str, str]:
    return invoke("--config", site / "newsdesk.toml", *args)


def write(site: Path) -> str:
    code, stdout, stderr = run(site, "daily", "--date", DAY, "--lang", "en", "--no-collect")
    assert code == 0, stderr
    return Path(stdout.strip()).read_text(encoding="utf-8")


def stories(site: Path) -> list[tuple[int, str, str]]:
    """The day's stories best first: (id, lead title, lead link)."""
    with sqlite3.connect(site / "news.db") as db:
        return list(
            db.execute(
                "SELECT s.id, i.title, i.url FROM stories s JOIN story_items si "
                "ON si.story_id = s.id AND si.position = 0 JOIN items i ON i.id = si.item_id "
                "WHERE s.day = ? ORDER BY s.score DESC, s.id",
                (DAY,),
            )
        )


def titles(site: Path, story: int) -> list[str]:
    with sqlite3.connect(site / "news.db") as db:
        rows = db.execute(
            "SELECT i.title FROM story_items si JOIN items i ON i.id = si.item_id "
            "WHERE si.story_id = ?",
            (story,),
        )
        return [title for (title,) in rows]


def edit(site: Path, *args: str) -> tuple[int, str]:
    code, _, stderr = run(site, "edit", "--date", DAY, "--lang", "en", *args)
    return code, stderr


def test_edits_are_applied_and_survive_a_rerun(site: Path) -> None:
    (first, first_title, first_url), (second, _, _), *_ = stories(site)
    assert edit(site, "--story", str(first), "dropped", "true")[0] == 0
    assert edit(site, "--story", str(second), "lead", "An editor's own lead.")[0] == 0
    assert edit(site, "lede", "The editor's word on the day.")[0] == 0
    for _ in range(2):  # written again: the edits hold
        text = write(site)
        assert first_url not in text and first_title not in text
        assert "An editor's own lead." in text and "The editor's word on the day." in text
        # The source's own title stays as published.
        assert any(title in text for title in titles(site, second))
    _, stdout, _ = run(site, "report", "--date", DAY, "--json")
    logged = json.loads(stdout)["edits"]
    assert [e["field"] for e in logged] == ["dropped", "lead", "lede"]


def test_order_pick_and_category(site: Path) -> None:
    ids = [ident for ident, _, _ in stories(site)]
    last = ids[-1]
    assert edit(site, "order", json.dumps([last]))[0] == 0
    assert edit(site, "pick", str(last))[0] == 0
    text = write(site)
    pick = re.search(r"^## 🎯 .*$", text, re.M)
    last_title = stories(site)[-1][1]
    assert pick and last_title in pick.group()
    with sqlite3.connect(site / "news.db") as db:
        (now,) = db.execute("SELECT category FROM stories WHERE id = ?", (last,)).fetchone()
    other = "models" if now == "safety" else "safety"
    assert edit(site, "--story", str(last), "category", other)[0] == 0
    write(site)
    with sqlite3.connect(site / "news.db") as db:
        (data,) = db.execute(
            "SELECT digest FROM posts WHERE key = ? AND lang = 'en'", (DAY,)
        ).fetchone()
    placed = {
        e["id"]: section["name"]
        for section in json.loads(data)["sections"]
        for e in section["entries"]
    }
    names = {"models": "Models", "safety": "Safety & Governance"}
    assert placed[last] == names[other]


def test_a_held_story_is_shown_only_where_the_editor_moved_it() -> None:
    day = dt.date(2026, 11, 11)
    ranked = [Story(id=n, day=day, items=[], score=10.0 - n) for n in (1, 2, 3)]
    held = [Story(id=n, day=day, items=[], score=-n * 1e-6) for n in (8, 9)]
    day_stories = ranked + held

    def order(*ids: int) -> list[Edit]:
        return [Edit(DAY_ID, "order", json.dumps(list(ids)))]

    def ids(chosen: list[Story]) -> list[int]:
        return [s.id for s in chosen]

    # A thin day (five stories for ten places): the held two stay out, with no order
    # or with an order that leaves them last (the desk stores the whole day's order).
    assert ids(shortlist(day_stories, 10, [])) == [1, 2, 3]
    assert ids(shortlist(day_stories, 10, order(2, 1, 3, 8, 9))) == [2, 1, 3]
    # Moved above a story that is not held, it is in; so is what it passed.
    assert ids(shortlist(day_stories, 10, order(1, 9, 2, 3, 8))) == [1, 9, 2, 3]
    assert ids(shortlist(day_stories, 2, order(9, 1, 2, 3, 8))) == [9, 1]


def test_a_story_moved_up_from_below_the_top_is_in_the_digest(tmp_path: Path) -> None:
    # Three stories shown: the fifth, pinned to the top, is in the digest (it used to be
    # the ranking's first three, whatever the editor's order).
    found = demo_site(tmp_path, "\n[rank]\ntop = 3\n")
    assert run(found, "daily", "--date", DAY, "--lang", "en")[0] == 0
    ranked = stories(found)
    assert len(ranked) >= 5
    fifth, _, fifth_url = ranked[4]
    assert fifth_url not in write(found)
    order = [fifth] + [ident for ident, _, _ in ranked if ident != fifth]
    assert edit(found, "order", json.dumps(order))[0] == 0
    text = write(found)
    assert fifth_url in text
    assert ranked[2][2] not in text  # the third is now the fourth: below the top


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--story", "1", "url", "https://x.example"], "cannot be edited"),
        (["--story", "1", "title", "New title"], "cannot be edited"),
        (["--story", "1", "lead", "See https://evil.example/x now"], "without links"),
        (["--story", "1", "category", "gossip"], "unknown category"),
        (["order", "[1, 'a']"], "list of story ids"),
    ],
)
def test_an_edit_that_cannot_be_made_is_refused(site: Path, args: list[str], message: str) -> None:
    code, stderr = edit(site, *args)
    assert code == 2 and message in stderr and "Traceback" not in stderr


def test_an_edit_of_a_story_gone_from_the_day_is_reported(site: Path) -> None:
    assert edit(site, "--story", "999999", "lead", "Orphan.")[0] == 0
    code, _, stderr = run(site, "daily", "--date", DAY, "--lang", "en", "--no-collect")
    assert code == 0 and "not applied" in stderr


def story_of(site: Path, item: int) -> int:
    with sqlite3.connect(site / "news.db") as db:
        (story,) = db.execute(
            "SELECT si.story_id FROM story_items si JOIN stories s ON s.id = si.story_id "
            "WHERE si.item_id = ? AND s.day = ?",
            (item, DAY),
        ).fetchone()
        return int(story)


def items_of(site: Path, story: int) -> set[int]:
    with sqlite3.connect(site / "news.db") as db:
        rows = db.execute("SELECT item_id FROM story_items WHERE story_id = ?", (story,))
        return {int(item) for (item,) in rows}


def test_the_editor_says_what_is_one_story(site: Path) -> None:
    _, stdout, _ = run(site, "report", "--date", DAY, "--json")
    told = {s["story"]: [i["item"] for i in s["items"]] for s in json.loads(stdout)["stories"]}
    # The demo day tells China's labelling rules twice, in Chinese and in English, as
    # two stories; and the Nimbus AI round as one story of three items.
    labelling = [
        s["story"]
        for s in json.loads(stdout)["stories"]
        if any("labelling" in i["title"] or "标识办法" in i["title"] for i in s["items"])
    ]
    assert len(labelling) == 2
    nimbus = next(s for s, items in told.items() if len(items) == 3)
    assert edit(site, "--story", str(nimbus), "lead", "The editor's lead on the round.")[0] == 0

    # Joined: one story, one entry.
    assert edit(site, "joined", json.dumps([labelling]))[0] == 0
    # Taken out: the item whose id is the story's own (a story's id is its smallest item's).
    assert edit(site, "apart", json.dumps([nimbus]))[0] == 0
    text = write(site)
    one = story_of(site, labelling[0])
    assert one == story_of(site, labelling[1]) == min(labelling)
    assert items_of(site, one) == set(labelling)
    assert items_of(site, story_of(site, nimbus)) == {nimbus}
    # (the story's items are listed lead first, which need not be the smallest id)
    rest = story_of(site, next(i for i in told[nimbus] if i != nimbus))
    assert rest != nimbus and items_of(site, rest) == set(told[nimbus]) - {nimbus}
    # The editor's lead followed the story's remaining items, not the id.
    assert text.count("The editor's lead on the round.") == 1
    with sqlite3.connect(site / "news.db") as db:
        moved = db.execute(
            "SELECT story_id FROM edits WHERE field = 'lead' AND day = ?", (DAY,)
        ).fetchall()
    assert moved == [(rest,)]
    again = write(site)  # written again: the same stories
    assert story_of(site, nimbus) == nimbus and story_of(site, labelling[1]) == one
    assert again.count("The editor's lead on the round.") == 1

    # Undone: the merger decides again.
    assert edit(site, "apart", "[]")[0] == 0
    assert edit(site, "joined", "[]")[0] == 0
    write(site)
    assert story_of(site, nimbus) == story_of(site, told[nimbus][2])
    assert story_of(site, labelling[0]) != story_of(site, labelling[1])
    logged = [
        e["field"] for e in json.loads(run(site, "report", "--date", DAY, "--json")[1])["edits"]
    ]
    assert logged.count("joined") == 2 and logged.count("apart") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["joined", "[[1, 1]]"], "pairs"),
        (["joined", "[1, 2]"], "pairs"),
        (["apart", '["a"]'], "list of item ids"),
        (["apart", "[999999]"], "item 999999 is not stored for 2026-11-11"),
        (["joined", "[[FIRST, 999999]]"], "item 999999 is not stored"),
    ],
)
def test_a_join_or_a_take_out_that_cannot_be_made_is_refused(
    site: Path, args: list[str], message: str
) -> None:
    first = str(stories(site)[0][0])  # an item of the day (a story's id is an item's)
    code, stderr = edit(site, *(a.replace("FIRST", first) for a in args))
    assert code == 2 and message in stderr and "Traceback" not in stderr


def test_report_lists_a_days_stories_and_their_items(site: Path) -> None:
    code, _, stderr = run(site, "report", "--date", DAY)
    assert code == 0
    assert "stories on 2026-11-11" in stderr and "joined" in stderr
    assert "Nimbus AI raises $1.5 billion" in stderr


def test_report_offers_the_joins_the_desk_offers_and_its_command_joins_them(
    tmp_path: Path,
) -> None:
    site = demo_site(tmp_path, "\n[review]\njoin_hint = 0.5\n")
    assert run(site, "daily", "--date", DAY, "--lang", "en")[0] == 0
    _, stdout, _ = run(site, "report", "--date", DAY, "--json")
    offered = {s["story"]: s["maybe_same_as"] for s in json.loads(stdout)["stories"]}
    titles = {
        s["story"]: " ".join(i["title"] for i in s["items"]) for s in json.loads(stdout)["stories"]
    }
    [(later, better)] = [(s, o) for s, o in offered.items() if o is not None]
    assert {"labelling" in titles[later], "labelling" in titles[better]} == {True, False}
    code, _, stderr = run(site, "report", "--date", DAY)
    said = re.search(r'`(newsdesk edit --date \S+ joined "\[\[\d+, \d+\]\]")` joins them', stderr)
    assert code == 0 and said, stderr
    command = said.group(1).split(" ", 1)[1]
    args = re.findall(r'"[^"]*"|\S+', command)
    assert run(site, *(a.strip('"') for a in args))[0] == 0
    write(site)
    assert story_of(site, later) == story_of(site, better) == min(later, better)
