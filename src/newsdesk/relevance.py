"""The relevance and junk stage: which of a day's items may appear in an AI-news digest.

Every item is kept or set aside with a reason, between normalising and merging. Nothing
is deleted: set-aside items stay in the store and `newsdesk report` lists them with
their reasons. A source marked `curated = true` (a lab's own blog) skips the stage.

The decision follows the labelling guide of the editorial development set
(tests/data/editorial/guide-junk.md), in its order:

1. **About AI?** The item's title and text must name AI: one *strong* term (a lab, a
   model family, "LLM", "machine learning", "人工智能", "大模型", "agent" …; a few only
   without their `unless` words: "Nvidia" with "GeForce" or "gaming" is not AI, nor are
   "agents" next to "ICE") or two different *weak* ones ("model", "GPU", "robot",
   "inference" …, each ambiguous alone: a "data model"), or a new model's name that the
   last weeks' titles gave after a maker's ("Claude Fable 5" → Fable: `learned_names`).
   Otherwise `off_topic`. Terms are in `data/relevance.toml`, in English and Chinese.
2. **Its form.** AI items are set aside when their form says they are not news, first
   match wins: `question` (Ask HN, help requests, "when will X ship"), `meme`,
   `anecdote` (a personal story: "I …", "Tell HN", "我用…"), `meme` also for a link to a
   picture or a clip alone (Reddit's image and video posts), `promotion` (ads, discounts,
   courses, events, hiring, customer stories, a maker's Show HN, package page or
   project front page with fewer than `show_points` points), `rant` (polemic and hot
   takes), `not_news` (tutorials, guides, explainers, year-in-review lists, podcasts,
   resurfaced "(2023)" items, changelog entries that carry no headline feature). The
   patterns are in `data/relevance.toml`.
3. **Traction** lifts a borderline maker launch: a Show HN with at least `show_points`
   points is kept. It never turns a question, a personal story or a tutorial into news.
4. **A sign of news from an aggregator** (Hacker News, Reddit; a Reddit text post's
   thread always counts as one): a press or official link (a lab's own GitHub
   repository or release, not its issues), a link into a site's news section
   (`/news/`, `/article/`), an event in the title, or
   `lift_points`; a thread on an issue tracker needs twice that, a status page's
   incident that.

Engagement comes from the feed where it gives it (Hacker News "Points: N" lines, as
hnrss.org and newsdesk's own Hacker News source write them).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import urlsplit

from newsdesk.models import Item
from newsdesk.normalize import is_thread, shown_title
from newsdesk.patterns import literals, needs_digit
from newsdesk.terms import DIGIT, known_name, specific, summary_text, title_names, tokens

REASONS = ("off_topic", "question", "meme", "anecdote", "promotion", "rant", "not_news")
# A source whose items of one day link to this many different sites is an aggregator.
AGGREGATOR_HOSTS = 4
# Points or comments past this are a feed's nonsense (the most on Hacker News are a few
# thousand); counting stops here.
MAX_COUNT = 100_000
# Characters of an item's text (after its title) read by the stage.
TEXT_CHARS = 400

_POINTS = re.compile(r"(?:^|\s)Points:\s*(\d+)")
_COMMENTS = re.compile(r"#\s*Comments:\s*(\d+)")
# Hacker News feeds (hnrss) end an entry's text with its item page: "Comments URL: …".
_DISCUSSION = re.compile(r"Comments URL:\s*(https://news\.ycombinator\.com/item\?id=\d+)")
_TRACKER = re.compile(
    r"//(?:www\.)?(?:github|gitlab)\.com/[^/]+/[^/]+/(?:-/)?(?:issues|discussions|pull|merge_requests)/\d+"
    r"|//(?:bugzilla|bugs)\.[^/]+/|//issuetracker\.google\.com/|//crbug\.com/"
)
# A package's page on a registry: its maker's launch, like a Show HN.
_REGISTRY = re.compile(
    r"//(?:pypi\.org/project|(?:www\.)?npmjs\.com/package|crates\.io/crates|pkg\.go\.dev)/"
)
# A project's own page: a repository's front page on a code host, or a site's home page.
_PROJECT_PAGE = re.compile(
    r"^https?://(?:(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org)/[^/?#]+/[^/?#]+|[^/?#]+)"
    r"/?(?:[?#].*)?$",
    re.I,
)
# What a project's front page announces besides a launch (`LAUNCH`): its end, its sale,
# its money.
_PROJECT_NEWS = re.compile(
    r"\b(?:shut(?:s|ting)? down|shutting|sunset(?:s|ting)?|discontinu\w+|end of life|"
    r"(?:is|was|has been|have been|been) acquired|acquires|is joining|joins|rais(?:es|ed))\b",
    re.I,
)
# A researcher's own account of leaving a lab is news, not a personal story, a rant or an
# essay: "Why I Left Google DeepMind", "I quit OpenAI because its culture is broken", "I
# resigned from Anthropic today" (leaving a tool is still one's own story, and "I'm leaving
# OpenAI to build …" a plan).
_DEPARTURE = re.compile(
    r"^(?:why |how )?i(?: have| just)? (?:left|quit|resigned from) "
    r"(?:google |meta )?(?:openai|anthropic|google|deepmind|meta|xai|microsoft|apple|nvidia|"
    r"mistral|deepseek|tesla|amazon)\b",
    re.I,
)
# "Tell HN: …" that tells of a maker, not of its poster: "Tell HN: Anthropic expires paid
# credits after a year" (207 points). With "I", "my" or "we" it is the poster's own story
# ("US" in capitals is the country).
_TOLD = re.compile(r"^tell hn\s*[:\-–—]\s*(.+)", re.I)
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|i’m|i've|i’ve|i'd|i’d|me|my|mine|we|we're|we’re|our|(?-i:[uU]s))\b", re.I
)
# A product's badge ("No AI slop", "with no ads, no AI", "No GPU required"); "their
# brains, not AI" is a story about AI, and so is a quoted "no AI", someone's stance on it
# ("LibreOffice says 'no AI' is now a software feature").
_NO_AI = re.compile(
    r"(?<!['‘\"“])\b(?:no|without)\s+(?:AI(?:\s+slop)?\b|(?:a\s+)?GPUs?\s+(?:required|needed)\b)",
    re.I,
)
# "(2023)", "[2023]" or "(March 2025)" at the end of a title, or "… in 2025": a
# resurfaced story or a look back, when the year is before the item's own.
_OLD_YEAR = re.compile(
    r"[(\[](?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?"
    r"((?:19|20)\d\d)[)\]]\s*$|\b(?:in|of) ((?:19|20)\d\d)(?:\s*$|:)",
    re.I,
)
# A share or a change in per cent: what a report of a year's figures gives.
_SHARE = re.compile(r"\d\s*(?:%|percent\b|per cent\b)", re.I)

# An arXiv identifier says when the paper appeared ("2502.09956": February 2025). One that
# an aggregator carries this many months later is an older paper resurfaced.
_ARXIV_ID = re.compile(r"//(?:www\.)?arxiv\.org/(?:abs|pdf|html)/(\d\d)(0[1-9]|1[0-2])\.\d{4,5}")
_ARXIV_MONTHS = 9
# A link whose path carries its page's date ("/2024/02/21/", "/2023/05/", "/2025-09-08-…").
# One that an aggregator carries this many months later is an older story resurfaced
# (Hacker News often drops the "(2024)" it adds to such a title).
_LINK_DATE = re.compile(
    r"/((?:19|20)\d\d)[/_-](0[1-9]|1[0-2])(?:[/_-](?:0[1-9]|[12]\d|3[01]))?(?=[/_.-]|$)"
)
_LINK_MONTHS = 6
# Folders of an official site that hold its users' content, not the maker's: a shared
# chat, a public artifact, a custom GPT, a Hugging Face Space.
_USER_FOLDERS = frozenset({"share", "shared", "s", "c", "g", "chat", "public", "canvas", "spaces"})
# A law named after a person is an observation, not legislation: "Moore's Law", "Amdahl's
# Law and Agentic Coding" report no event.
_EPONYMOUS_LAW = re.compile(
    r"\b(?:Moore|Amdahl|Goodhart|Conway|Murphy|Hofstadter|Betteridge|Wirth|Parkinson|Brooks|"
    r"Metcalfe|Kryder|Huang|Sturgeon|Godwin|Campbell|Zipf|Benford|Little|Hyrum|Gall|Postel|"
    r"Kernighan|Cunningham|Linus|Jevons|Koomey|Dennard|Gustafson|Lindy|Wright|Gresham|Fitts|"
    r"Hick|Tesler|Jakob)['’]s\s+law\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """`reason` is "" when the item is kept; `detail` names the rule that decided."""

    reason: str
    detail: str = ""

    @property
    def kept(self) -> bool:
        return not self.reason


KEPT = Verdict("")


def engagement(item: Item) -> tuple[int, int]:
    """(points, comments) where a feed gives them (the item's own, or another source's
    that carried the same link), else (0, 0)."""
    points, comments = feed_engagement(item.summary)
    return max(points, item.seen[0]), max(comments, item.seen[1])


def feed_discussion(summary: str) -> str:
    """The Hacker News item page a feed's summary ends with ("Comments URL: https://news.
    ycombinator.com/item?id=…"), "" when it has none. Only that address, and only the
    last one: a post's own text, written by anyone, comes before the feed's line."""
    if "Comments URL:" not in summary:
        return ""
    found = _DISCUSSION.findall(summary)
    return found[-1] if found else ""


def feed_engagement(summary: str) -> tuple[int, int]:
    """(points, comments) as a summary states them ("Points: 12 # Comments: 3")."""
    points = _POINTS.search(summary) if "Points:" in summary else None
    comments = _COMMENTS.search(summary) if "Comments:" in summary else None
    return (
        min(int(points.group(1)), MAX_COUNT) if points else 0,
        min(int(comments.group(1)), MAX_COUNT) if comments else 0,
    )


class Terms:
    """A list of terms, matched by set look-ups rather than one long regular expression
    (a few microseconds per text instead of a few hundred).

    A Latin-script term matches whole words: the text and the term are both split into
    words at every character that is not a letter or digit, so "OpenAI" matches
    "OpenAI's" and "self-driving" matches "self driving". A term that starts with "re:"
    is a regular expression (case-insensitive); a term with other characters ("% off",
    Chinese terms, emoji) matches anywhere in the lower-cased text. With `versions`, a
    one-word term of three letters or more also matches with a version glued on: "Qwen"
    matches "Qwen3.8" and "Llama4", as "GPT" matches "GPT-5".
    """

    def __init__(self, terms: Sequence[str], *, versions: bool = False) -> None:
        self.versions = versions
        self.words: dict[str, str] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.anywhere: list[str] = []
        # A regular expression is searched only in a text that holds one of its needles
        # (literals every match contains, `patterns.literals`); those without any are searched
        # as one pattern, in every text, or, when every match holds a digit, in a text
        # with a digit.
        self.gated: list[tuple[re.Pattern[str], tuple[str, ...], bool]] = []
        patterns: list[str] = []
        numeric: list[str] = []
        for term in terms:
            if term.startswith("re:"):
                needles = literals(term[3:])
                if needles is not None:
                    self.gated.append((re.compile(term[3:], re.I), *needles))
                elif needs_digit(term[3:]):
                    numeric.append(f"(?:{term[3:]})")
                else:
                    patterns.append(f"(?:{term[3:]})")
                continue
            folded = unicodedata.normalize("NFKC", term).casefold()
            if folded.isascii() and _PLAIN_TERM.fullmatch(folded):
                atoms = tuple(_ATOM.findall(folded))
                if len(atoms) == 1:
                    self.words.setdefault(atoms[0], term)
                elif atoms:
                    self.phrases.setdefault(atoms[0], []).append((atoms, term))
            else:
                self.anywhere.append(folded)
        self.pattern = re.compile("|".join(patterns), re.I) if patterns else None
        self.numeric = re.compile("|".join(numeric), re.I) if numeric else None
        # The words a term can start with: a text with none of them needs no word-by-word
        # look; an ASCII text cannot hold a term written in another script.
        self.starts = frozenset(self.words) | frozenset(self.phrases)
        self.anywhere_ascii = [term for term in self.anywhere if term.isascii()]

    def find(self, text: Text) -> str:
        """The first term found in the text ("" when none is)."""
        found = self.every(text, first=True)
        return next(iter(found), "")

    def every(self, text: Text, *, first: bool = False) -> list[str]:
        """The terms found in the text (with `first`, stop at the first)."""
        found: list[str] = []
        atoms = text.atoms
        if self.versions and text.digit:
            for atom in atoms:
                if atom.isalpha() or atom.isdigit():  # (most words: no version glued on)
                    continue
                glued = _GLUED_VERSION.match(atom)
                term = self.words.get(glued.group(1)) if glued else None
                if term is not None:
                    found.append(term)
                    if first:
                        return found
        if not self.starts.isdisjoint(text.atom_set):
            for index, atom in enumerate(atoms):
                term = self.words.get(atom)
                if term is not None:
                    found.append(term)
                    if first:
                        return found
                for phrase, name in self.phrases.get(atom, ()):
                    if atoms[index : index + len(phrase)] == list(phrase):
                        found.append(name)
                        if first:
                            return found
        for term in self.anywhere_ascii if text.ascii else self.anywhere:
            if term in text.folded:
                found.append(term)
                if first:
                    return found
        # One match of the regular expressions: the leftmost, as one pattern would give.
        matches = []
        for pattern in (self.pattern, self.numeric if text.digit else None):
            match = pattern.search(text.raw) if pattern is not None else None
            if match:
                matches.append(match)
        for pattern, needles, exact in self.gated:
            haystack = text.raw if exact else text.folded
            for needle in needles if not text.unguarded else ("",):
                if needle in haystack:
                    match = pattern.search(text.raw)
                    if match:
                        matches.append(match)
                    break
        if matches:
            found.append(min(matches, key=lambda m: m.start()).group())
        return found


class Text:
    """A text prepared once for every list of terms: lower-cased and split into words."""

    __slots__ = ("ascii", "atom_set", "atoms", "digit", "folded", "raw", "unguarded")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.folded = raw.casefold()
        self.atoms = _ATOM.findall(self.folded)
        self.atom_set = frozenset(self.atoms)
        self.ascii = self.folded.isascii()
        # Ignoring case, a regular expression's "i" matches "ı" and "İ", which lower-case
        # to other letters: a text with them is searched without the literals' guard.
        self.unguarded = not self.ascii and ("ı" in raw or "İ" in raw)
        self.digit = DIGIT.search(raw) is not None


_ATOM = re.compile(r"[^\W_]+")
# A word of three letters or more with a version glued on ("qwen3", "llama4", "hbm4e").
_GLUED_VERSION = re.compile(r"([a-z]{3,})\d")
_PLAIN_TERM = re.compile(r"[\w .\-'+]+")


@dataclass(frozen=True)
class _Rules:
    strong: Terms
    # A strong term (folded, without a plural "s") → the words that stop it saying AI.
    unless: dict[str, Terms]
    sites: frozenset[str]
    weak: Terms
    # Weak terms that are companies (folded, without a plural "s"): together they count
    # as one, so "Google and Microsoft" alone does not make an item about AI.
    companies: frozenset[str]
    forms: tuple[tuple[str, str, Terms], ...]  # (reason, where, terms)
    hosts: tuple[tuple[str, frozenset[str]], ...]  # (reason, sites whose links say it)
    show: Terms
    show_points: int
    press: frozenset[str]
    official: frozenset[str]
    official_orgs: frozenset[str]
    official_accounts: frozenset[str]
    papers: frozenset[str]
    news: Terms
    things: Terms
    lift_points: int
    makers: frozenset[str]
    openers: frozenset[str]  # an essay's opening words (`not_news`)


@cache
def _rules() -> _Rules:
    text = resources.files("newsdesk").joinpath("data/relevance.toml").read_text("utf-8")
    data = tomllib.loads(text)
    forms = []
    hosts = []
    for reason in REASONS[1:]:
        sites = data["forms"].get(reason, {}).get("hosts", [])
        if sites:
            hosts.append((reason, frozenset(sites)))
        openers = data["forms"].get(reason, {}).get("openers", [])
        for where in ("url", "title", "text"):
            terms = data["forms"].get(reason, {}).get(where, [])
            if where == "title" and openers:
                terms = [*terms, "re:^(?:" + "|".join(map(re.escape, openers)) + r")\b"]
            if terms:
                forms.append((reason, where, Terms(terms)))
    return _Rules(
        strong=Terms(data["ai"]["strong"], versions=True),
        unless={
            _root(term.casefold()): Terms(words)
            for term, words in data["ai"].get("unless", {}).items()
        },
        sites=frozenset(site.casefold() for site in data["ai"]["sites"]),
        weak=Terms(data["ai"]["weak"]),
        companies=frozenset(_root(t.casefold()) for t in data["ai"].get("companies", [])),
        forms=tuple(forms),
        hosts=tuple(hosts),
        show=Terms(data["forms"]["show"]),
        show_points=int(data["forms"]["show_points"]),
        press=frozenset(data["news"]["press"]),
        official=frozenset(data["news"]["official"]),
        official_orgs=frozenset(data["news"]["official_orgs"]),
        official_accounts=frozenset(a.casefold() for a in data["news"]["official_accounts"]),
        papers=frozenset(data["news"].get("papers", [])),
        news=Terms(data["news"]["title"]),
        things=Terms(data["news"]["things"]),
        lift_points=int(data["news"]["lift_points"]),
        makers=frozenset(data["ai"].get("makers", [])),
        openers=frozenset(data["forms"]["not_news"].get("openers", [])),
    )


def lift_points() -> int:
    """Hacker News points at which readers' lift makes an aggregator's item news."""
    return _rules().lift_points


def about_ai(text: str | Text, *, site: str = "") -> str:
    """The term that makes a text about AI ("" when none does). A `site` on an AI domain
    (".ai") counts as one weak sign, so that one more makes the text about AI: "What
    happens when a GPU reads memory" on blog.doubleword.ai is, "fork() Considered Harmful
    in macOS" on formal.ai is not. On such a site a launch or a versioned name is the
    second sign: "Mercury 2.5" on the maker's own blog is a model."""
    rules = _rules()
    prepared = text if isinstance(text, Text) else Text(text)
    strong = rules.strong.find(prepared)
    if strong and _root(strong.casefold()) in rules.unless:  # "Nvidia" with "GeForce" is not AI
        found = rules.strong.every(prepared)
        strong = next((t for t in found if not _vetoed(t, prepared, rules)), "")
    if not strong and _CAMEL.search(prepared.raw):
        # A name built on a model family's: "DiffusionGemma", "CodeLlama", "MedGemma".
        # Only a name counts so: a word inside one is no sign ("UserAgent", "SecretAgent").
        parts = Text(" ".join(_PART.findall(" ".join(_CAMEL.findall(prepared.raw)))))
        # (A capital run counts when it is a strong term's whole: "NanoGPT", not "API".)
        named = (
            t
            for t in rules.strong.every(parts)
            if t[:1].isupper() and (not t.isupper() or len(t) >= 3)
        )
        strong = next(named, "")
    if strong:
        return strong
    weak = {w.casefold() for w in rules.weak.every(prepared) if not _vetoed(w, prepared, rules)}
    kinds: dict[str, str] = {}  # kind → one of its terms, companies being one kind
    if site.endswith(_AI_DOMAIN):
        kinds[_AI_DOMAIN] = _AI_DOMAIN
        # On an AI domain, a launch or a versioned name is the second sign: "Introducing
        # Mercury 2.5", "Ember-1" on the maker's own blog.
        if LAUNCH.search(prepared.raw) or _VERSIONED.search(prepared.raw):
            return f"{_AI_DOMAIN} + launch"
    for word in sorted(weak):
        kinds.setdefault("a company" if _root(word) in rules.companies else _root(word), word)
    if len(kinds) >= 2:
        return " + ".join(sorted(kinds.values())[:2])
    return ""


# The top-level domain AI start-ups take: a weak sign, like a weak term.
_AI_DOMAIN = ".ai"
# A versioned name: "Mercury 2.5", "Ember-1", "Hy4", "SubQ 1.1".
_VERSIONED = re.compile(r"\b[A-Z][A-Za-z]*(?:[- ]v?\d+(?:\.\d+)*|\d+(?:\.\d+)*)\b")

# A word in camel case (a lower-case letter, then a capital) and its parts.
_CAMEL = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")


def _vetoed(term: str, text: Text, rules: _Rules) -> bool:
    words = rules.unless.get(_root(term.casefold()))
    return words is not None and bool(words.find(text))


def _root(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


_X_HOSTS = frozenset({"twitter.com", "x.com", "mobile.twitter.com", "mobile.x.com"})


@lru_cache(maxsize=1 << 16)
def standing(url: str) -> int:
    """What kind of site a link is on: 0 an official one (a lab, a company, a government,
    arXiv), 1 the press, 2 anything else (`data/relevance.toml` lists both)."""
    name = host(url)
    rules = _rules()
    if name == "github.com":
        # A lab's own repository or release is its announcement; its issues, pull
        # requests and files are users' reports and work in progress.
        parts = urlsplit(url).path.strip("/").split("/")
        release = len(parts) <= 2 or parts[2] == "releases"
        return 0 if parts[0].casefold() in rules.official_orgs and release else 2
    if name in _X_HOSTS:
        return 0 if _folder(url) in rules.official_accounts else 2
    if _under(name, rules.official):
        # What users publish on a lab's site is theirs, not the lab's: a shared chat
        # ("claude.ai/share/…", "chatgpt.com/share/…"), a public artifact, a custom GPT, a
        # Hugging Face Space (a user's demo).
        return 2 if _folder(url) in _USER_FOLDERS else 0
    return 1 if _under(name, rules.press) else 2


def _folder(url: str) -> str:
    """The first folder of a link's path, lower-cased ("reddit.com/r/x" → "r")."""
    return urlsplit(url).path.strip("/").split("/")[0].casefold()


def _ai_site(url: str) -> bool:
    """Whether a link is on an AI maker's own site, in one of its GitHub repositories, or
    in a subreddit about AI ("reddit.com/r/LocalLLaMA")."""
    rules = _rules()
    name = host(url)
    if name == "github.com":
        return _folder(url) in rules.official_orgs
    if name in _X_HOSTS:
        return _folder(url) in rules.official_accounts
    if name == "reddit.com" or name.endswith(".reddit.com"):
        parts = urlsplit(url).path.strip("/").split("/")
        return (
            len(parts) > 1
            and parts[0] == "r"
            and f"reddit.com/r/{parts[1]}".casefold() in rules.sites
        )
    return bool(_under(name, rules.sites))


# A site's section for AI news: "arstechnica.com/ai/2026/…", "theregister.com/ai-and-ml/…",
# "theverge.com/ai-artificial-intelligence/…".
# (DeepMind's and Google Labs' folders on Google's blog too: "blog.google/technology/
# google-deepmind/…", "blog.google/technology/google-labs/pomelli/".)
_AI_SECTION = re.compile(
    r"(?:^| )(?:ai|artificial intelligence|machine learning|deepmind|google labs)(?: |$)"
)


def _ai_section(url: str) -> bool:
    """Whether a link's folders (not the page's own name) file it under AI."""
    return _AI_SECTION.search(_path(url)) is not None


# Launch language in a title: rank's launch bonus, and a maker's documentation page that
# announces a feature ("Google Antigravity introduces Boost deep reasoning" at ".../docs/").
LAUNCH = re.compile(
    r"\b(?:introduc(?:es|ing|ed)|launch(?:es|ed)?|releas(?:es|ed)|unveil(?:s|ed)?|"
    r"announc(?:es|ed|ing)|debuts?|ships|open[- ]sourc(?:es|ed)|rolls? out|is out|"
    r"now (?:globally |generally )?available|available now|meet)\b|发布|推出|开源|上线|亮相|首发|"
    # a title that presents a new model: "IQuest-Coder: A new open-source code model …"
    r"(?:^|:\s*)(?:an?\s+)?new\s+(?:[\w-]+\s+){0,3}(?:model|models|LLM|LLMs)\b",
    re.I,
)

# A status page's word for an incident that took a whole service down.
_FULL_OUTAGE = re.compile(r"\b(?:full|major|complete|total)\s+outage\b", re.I)

# The last part of a post's address that opens announcing it.
_ANNOUNCING = re.compile(r"/(?:introducing|announcing|launching|meet|unveiling)[-_][^/]+/?$", re.I)


def announcing(url: str) -> bool:
    """Whether a page's address says it announces something ("…/introducing-muse-image")."""
    return _ANNOUNCING.search(urlsplit(url).path) is not None


def maker_site(url: str) -> bool:
    """Whether a link is an AI maker's own page (a lab's site or repository), not a
    government's, a journal's or a forum's."""
    return standing(url) == 0 and _ai_site(url)


def _site(url: str, sites: frozenset[str]) -> str:
    """The entry of `sites` a link is on: a host (or a host it is under), or a host with
    its first folder ("reddit.com/gallery")."""
    name = host(url)
    folder = _folder(url)
    return _under(name, sites) or (f"{name}/{folder}" if f"{name}/{folder}" in sites else "")


def _folders_and_slug(url: str) -> tuple[list[str], str]:
    """A link's folders and its page's own name when that is an article's slug (words
    joined by "-" or "_"; "" when the page has no such name)."""
    parts = [p for p in urlsplit(url).path.casefold().split("/") if p]
    if parts and ("-" in parts[-1] or "_" in parts[-1]):
        return parts[:-1], parts[-1]
    return parts, ""


# A page's file type at the end of its name (not a version's dot: "gpt-5.1-is-here").
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$")


def _path(url: str) -> str:
    """The folders of a link's path, their words separated ("/podcast/ki-prognosen" →
    "podcast"): where a site files a page says what it is, while the page's own name, an
    article's slug, only repeats its title ("…-uploaded-government-docs-to-chatgpt")."""
    return " ".join(_ATOM.findall(" ".join(_folders_and_slug(url)[0])))


def _slug(url: str) -> str:
    """The words of a page's own name when it is a headline's slug: a site often names a
    page after a longer headline than the one shared ("Apple M5 chip" at
    "…/apple-unleashes-m5-the-next-big-leap-in-ai-performance")."""
    slug = _folders_and_slug(url)[1]
    return " ".join(_ATOM.findall(_PAGE_SUFFIX.sub("", slug).replace("_", " ")))


def _slug_says_ai(url: str, text: str) -> bool:
    """Whether a page's slug (`_slug`) says AI with words its title and text do not have
    (a slug that only repeats its title says nothing new)."""
    slug = _slug(url)
    if not slug:
        return False
    said = set(_ATOM.findall(text.casefold()))
    return not said.issuperset(slug.split()) and bool(about_ai(slug))


@lru_cache(maxsize=1 << 14)
def host(url: str) -> str:
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")


def _under(name: str, domains: frozenset[str]) -> str:
    """The domain a host is, or is under, among `domains` ("" when none)."""
    parts = name.split(".")
    return next((d for n in range(len(parts)) if (d := ".".join(parts[n:])) in domains), "")


# The flair r/MachineLearning and its kin put before a post's title when the post is news or
# a paper ("[N] …", "[R] …"): the subreddit's own sign of news. "[D]" (a discussion) says
# nothing either way, and "[P]" (a project) is a maker's launch (`forms.show`).
_NEWS_FLAIR = re.compile(r"^\s*[\[(](?:N|R|News|Research|Paper|Release|Releases)[\])]", re.I)
# How a forum post's title asks without a question mark: it opens as a question ("Are
# there free credits for API testing", "How do you manage tasks in Claude Code"), asks
# for a recommendation ("Best cloud GPU for agentic coding") or for help ("Trouble
# running …", "… error", "Help choosing a GPU").
_OPENS_ASKING = re.compile(
    r"^(?:are|is|does|do|did|can|could|should|would|will|has|have|what|which|how|why|where|"
    r"when|who|anyone|any|best)\b",
    re.I,
)
_ASKS_HELP = re.compile(
    r"\b(?:errors?|not working|doesn['’]?t work|won['’]?t (?:load|work|start)|help|trouble|"
    r"troubleshoot\w*|problem with|issue with|can['’]?t|cannot|unable to)\b",
    re.I,
)


def _asks(title: str, flair: bool) -> bool:
    """Whether a discussion post's title asks. Under a flair that says news or a paper
    ("[R] How transformers learn in context?" may be a paper's title) only a title that
    ends asking does."""
    if flair:
        return title.rstrip().endswith(("?", "？"))
    if "?" in title or "？" in title:
        return True
    said = shown_title(title) if title[:1] in "[(" else title
    return bool(_OPENS_ASKING.match(said.lstrip()) or _ASKS_HELP.search(said))


_NEWS_PATH = re.compile(r"/(?:news|article|articles|story|stories)/", re.I)


# Forms whose title words a press headline or a paper's title reports rather than is: an
# article about a meme or a discount, a study "with ChatGPT", is news about them, not a
# meme or an advertisement.
_REPORTED = frozenset({"meme", "promotion"})
_PDF = re.compile(r"\[pdf\]", re.IGNORECASE)
# A quotation in a title: straight or curly double quotes, curly single ones.
# (Straight single quotes only where a headline opens with a quotation: "'I Feel Like I'm
# Going Crazy': ChatGPT Fuels …"; elsewhere they are apostrophes.)
_QUOTED = re.compile(r'"[^"]{1,120}"|“[^”]{1,120}”|‘[^’]{1,120}’|^\'.{1,120}?\'(?=\s*[:,—–-])')
_QUOTE_MARKS = re.compile(r'["“‘]|^\'')


def judge(item: Item, *, aggregator: bool = False, names: Collection[str] = ()) -> Verdict:
    """Keep the item, or set it aside with a reason. An item from an `aggregator` also
    needs a sign of news: a press or official link, an event in its title, or traction.
    `names` are the week's new model names (`learned_names`): each says AI like a strong
    term."""
    rules = _rules()
    title = unicodedata.normalize("NFKC", item.title).strip()
    body = summary_text(title, item.summary)[:TEXT_CHARS]
    if body.casefold().startswith(title.casefold()):
        body = body[len(title) :]
    head = Text(title)
    whole = Text(f"{title} \n {body}")
    plain = _NO_AI.sub(" ", whole.raw)
    if (
        not about_ai(whole if plain == whole.raw else Text(plain), site=host(item.url))
        and not _ai_site(item.url)
        and not _ai_section(item.url)
        and not _names_one(whole.raw, names)
        and not _slug_says_ai(item.url, whole.raw)
    ):
        return Verdict("off_topic", "no AI term")
    points, _ = engagement(item)
    old = _OLD_YEAR.search(title)
    if old and old.group(2) and _SHARE.search(title):
        # Last year's figure, reported: "… drove 37% increase in electricity use in 2025".
        old = None
    if old and int(old.group(1) or old.group(2)) < item.published.year:
        return Verdict("not_news", f"an older story resurfaced ({old.group().strip()})")
    if (
        old
        and old.group(2)
        and int(old.group(2)) == item.published.year
        and item.published.month == 12
    ):
        return Verdict("not_news", f"a look back at the year ({old.group().strip()})")
    link_path = urlsplit(item.url).path
    resurfaced = _resurfaced(item, link_path) if aggregator else None
    if resurfaced:
        return Verdict("not_news", resurfaced)
    for reason, sites in rules.hosts:
        site = _site(item.url, sites)
        if site:
            return Verdict(reason, f"a link to a picture or a clip ({site})")
    # A Reddit thread is a post on a discussion site wherever its feed comes from: it
    # needs a sign of news like any aggregator's item.
    thread = is_thread(item.url)
    aggregator = aggregator or thread
    flair = _NEWS_FLAIR.match(title) is not None
    if thread and points < rules.lift_points and _asks(title, flair):
        # A text post whose title asks is its poster asking: a help request, a poll, "is
        # it just me". (A thread that Hacker News readers lifted is a story they discuss.)
        return Verdict("question", "a question posted on a discussion site")
    path = Text(_path(item.url))
    level = standing(item.url)  # 0 official, 1 press, 2 other
    # A subreddit's flair is not part of what the title says ("[D] I built …" is the
    # poster's own story).
    bare = head if title[:1] not in "[(" else Text(shown_title(title))
    # Words in quotation marks are someone else's: "Most Americans say \"not in my
    # backyard\" to AI data centers" is no one's own story.
    unquoted = Text(_QUOTED.sub(" ", bare.raw)) if _QUOTE_MARKS.search(bare.raw) else bare
    # A press headline or a paper's title reports its subject (see _REPORTED).
    # A document's "[pdf]" on an aggregator is a paper or a report too ("How People Use
    # ChatGPT [pdf]", OpenAI's study; "New AI tutor achieves … in Dartmouth course [pdf]").
    a_paper = bool(_under(host(item.url), rules.papers))
    reports = level == 1 or a_paper or _PDF.search(title) is not None
    # The names an official site's title gives that the lists know, and whether one holds
    # a version ("GPT-5.1-Codex-Max").
    known = [name for name in title_names(title) if known_name(name)] if level == 0 else []
    named = bool(known)
    versioned = any(DIGIT.search(name) for name in known)
    research = level == 0 and "/research/" in link_path.casefold()
    departure = _DEPARTURE.match(bare.raw) is not None
    told = _TOLD.match(bare.raw)
    if told and (
        points < rules.lift_points
        or _FIRST_PERSON.search(told.group(1))
        or not about_ai(told.group(1))
    ):
        told = None
    for reason, where, terms in rules.forms:
        if reports and where == "title" and reason in _REPORTED:
            continue
        if (research or a_paper) and where == "title" and reason == "not_news":
            # A lab's study or a paper names its subject: "Patterns and problems in …",
            # "Why Large Language Models Fail at Tabular Prediction" on arXiv (an older
            # paper resurfaced is set aside above).
            continue
        if departure and where == "title" and reason in ("anecdote", "rant", "not_news"):
            continue  # "Why I Left Google DeepMind": a departure, told by the one who left
        if told and where == "title" and reason == "anecdote":
            continue  # a maker's doing that readers lifted, told on Hacker News
        if level == 0 and where == "url" and reason == "rant":
            continue  # a government's "/opinions/" are a court's: "Amazon.com vs Perplexity AI"
        if level == 0 and where == "title" and reason == "rant" and named:
            # A maker's own post that names a product launches it ("The new era of
            # browsing: Putting Gemini to work in Chrome"); without a name it is an essay
            # ("The third era of AI software development").
            continue
        said = unquoted if where == "title" and reason == "anecdote" else bare
        found = terms.find(said if where == "title" else path if where == "url" else whole)
        if found and not (where == "url" and _announces(found, level, points, title, rules)):
            if reason == "not_news" and found.strip().casefold() in rules.openers and versioned:
                # A maker's own post that opens like an essay but names a versioned model
                # launches it: "Building more with GPT-5.1-Codex-Max" at openai.com.
                continue
            if reason == "promotion" and level == 0 and found.strip().casefold() == "sponsored":
                # A maker's own post on its ads is no paid post ("OpenAI expands ChatGPT
                # ads with Sponsored Agents").
                continue
            return Verdict(reason, found.strip())
    if (
        aggregator
        and host(item.url).startswith("status.")
        and points < rules.lift_points
        and not _FULL_OUTAGE.search(title)
    ):
        # A status page names an incident's impact: a full or major outage of a service
        # is news for everyone who uses it, a degraded one is not.
        return Verdict("not_news", "a status page's incident")
    if aggregator and _TRACKER.search(item.url) and points < 2 * rules.lift_points:
        # A user's bug report or request on an issue tracker, unless readers lifted it
        # far (a project's own policy announced in an issue can be news).
        return Verdict(
            "not_news", f"an issue tracker's thread under {2 * rules.lift_points} points"
        )
    if aggregator and _REGISTRY.search(item.url) and points < rules.show_points:
        return Verdict("promotion", f"a package's page under {rules.show_points} points")
    if (
        aggregator
        and level == 2
        and points < rules.show_points
        and _PROJECT_PAGE.match(item.url)
        and not LAUNCH.search(title)
        and not _PROJECT_NEWS.search(title)
    ):
        # A link to a project's own repository or home page is its maker's pitch, a Show
        # HN by another name ("Pgbot: A 5.9 MB read-only Postgres tool for humans and
        # agents" at pgbot.dev), unless its title tells what became of the project:
        # "Deno team releases Dactyl, an AI app builder", "Phind.com Is Shutting Down".
        return Verdict("promotion", f"a project's own page under {rules.show_points} points")
    shown = rules.show.find(head)
    if shown:
        if points < rules.show_points:
            return Verdict("promotion", f"{shown.strip()} under {rules.show_points} points")
        return KEPT
    if (
        aggregator
        and points < rules.lift_points
        and level == 2
        and not flair
        and not _NEWS_PATH.search(link_path)
    ):
        said = Text(_EPONYMOUS_LAW.sub(" ", title)) if "'" in title or "’" in title else head
        # A discussion post needs an event word: a model's name or size is in every
        # question its posters ask.
        # A maker's post whose address says it introduces something announces it, as a
        # title "Introducing …" does ("The Warp Agent CLI" at "…/introducing-the-warp-…").
        if not rules.news.find(said) and (
            thread or not (rules.things.find(said) or announcing(item.url))
        ):
            return Verdict("not_news", f"no event in the title of a post on {host(item.url)}")
    return KEPT


def _resurfaced(item: Item, link_path: str) -> str:
    """Why an aggregator's link is an older story resurfaced ("" when it is not): an arXiv
    paper `_ARXIV_MONTHS` or more, or a page whose link is dated `_LINK_MONTHS` or more,
    before the item was published."""
    published = item.published.year * 12 + item.published.month
    paper = _ARXIV_ID.search(item.url)
    if paper:
        year, month = 2000 + int(paper.group(1)), int(paper.group(2))
        if published - (year * 12 + month) >= _ARXIV_MONTHS:
            return f"an older paper resurfaced (arXiv, {year}-{month:02d})"
    dated = _LINK_DATE.search(link_path)
    if dated:
        year, month = int(dated.group(1)), int(dated.group(2))
        if published - (year * 12 + month) >= _LINK_MONTHS:
            return f"an older story resurfaced (its link is dated {year}-{month:02d})"
    return ""


# Folders where a maker's own site announces as well as explains: a lab ships a feature
# or a policy as a page of its documentation ("code.claude.com/docs/en/remote-control"),
# a model as its page ("developers.openai.com/api/docs/models/gpt-6-sol", titled "GPT-6
# Sol"; "api-docs.deepseek.com/guides/vision/", titled "DeepSeek-v4-flash-vision-exp").
_ANNOUNCING_FOLDERS = frozenset({"docs", "guides"})


def _announces(folder: str, level: int, points: int, title: str, rules: _Rules) -> bool:
    """Whether a page in a folder of guides is news after all: a documentation page of an
    official site that readers lifted (`lift_points`), whose title launches something or
    tells an event ("Kimi K3 Is Live", "… Price Reduction", "… will be shut down"), or
    whose title opens with a versioned name, the maker's name before it or not ("GPT-6
    Sol", "Claude Fable 5.1"): a guide's title opens with what to do ("Migrating to …")."""
    if folder.casefold() not in _ANNOUNCING_FOLDERS or level != 0:
        return False
    if points >= rules.lift_points or LAUNCH.search(title) or rules.news.find(Text(title)):
        return True
    first, _, rest = title.partition(" ")
    return bool(_VERSIONED.match(title) or (first in rules.makers and _VERSIONED.match(rest)))


def aggregators(items: Sequence[Item]) -> set[str]:
    """Sources whose items link to at least `AGGREGATOR_HOSTS` different sites."""
    hosts: dict[str, set[str]] = {}
    for item in items:
        hosts.setdefault(item.source, set()).add(host(item.url))
    return {source for source, found in hosts.items() if len(found) >= AGGREGATOR_HOSTS}


def sift(
    items: Sequence[Item], curated: Collection[str], names: Collection[str] = ()
) -> tuple[list[Item], list[tuple[Item, Verdict]]]:
    """The items kept (in order) and those set aside with their verdicts; `names` are the
    week's new model names (`learned_names`)."""
    kept: list[Item] = []
    aside: list[tuple[Item, Verdict]] = []
    mixed = aggregators(items)
    for item in items:
        if any(name in curated for name in item.sources):
            verdict = KEPT
        else:
            # Judged as an aggregator's item only when every source that carried it is one
            # (the press's own feed vouches for its article whoever stored it first).
            verdict = judge(
                item, aggregator=all(name in mixed for name in item.sources), names=names
            )
        if verdict.kept:
            kept.append(item)
        else:
            aside.append((item, verdict))
    return kept, aside


# What a new model's name is followed by in "Claude Fable 5", "Mythos-5", "Kimi K3": a
# version. A word with a version inside ("Hy3") is a name by itself.
_NAME_WORD = re.compile(r"[A-Za-z0-9][\w.]*")
# A title that opens by presenting something, and the name it presents.
_LAUNCHED = re.compile(r"(?:Introducing|Announcing|Meet)\s+([A-Z][\w.]*)")
_VERSION = re.compile(r"(?!(?:19|20)\d\d\b)(?:v?\d+(?:\.\d+)*[a-z]?|[A-Z]\d+(?:\.\d+)*)", re.I)
# A tier of a model, not its name ("Mistral Small 4", "Gemini Flash 2"), and the words of
# a date ("OpenAI June 2026 update": a year is no version).
_NOT_NAMES = frozenset(
    """pro max ultra flash lite nano turbo mini plus preview beta small medium large base
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday spring summer autumn fall winter q1 q2 q3 q4 h1 h2""".split()
)
# Titles that must name a new model so for it to count (a link to an official site, the
# maker's own post, counts for two), and the days back, before the day judged, whose
# titles can: a model is news for weeks after its launch ("Fable 5 On Vending-Bench").
NAME_TITLES = 2
NAME_DAYS = 28


def name_evidence(links: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The names of new models and products that (title, url) pairs give, with how many
    titles give each: a capitalised word that follows an AI maker's name (`makers` in
    relevance.toml) and is followed by a version ("Claude Fable 5", "Anthropic's Mythos-5")
    or holds one ("Tencent Hy3"), and the name a maker's own post opens by introducing
    ("Introducing Muse Spark 1.3" on research.meta.ai); not a tier ("Mistral Small 4"), a
    date, an everyday word, an acronym ("OCR"), a version or a term the lists know
    already. A title on an official site counts twice."""
    rules = _rules()
    seen: dict[str, int] = {}
    for title, url in links:
        words = _NAME_WORD.findall(title.replace("'s ", " ").replace("’s ", " "))
        opening = _LAUNCHED.match(title)
        if opening and _a_name(opening.group(1), rules) and maker_site(url):
            # A maker's own post that introduces something names it: "Introducing Muse
            # Spark 1.3" on Meta's research site.
            seen[opening.group(1)] = seen.get(opening.group(1), 0) + 2
        if rules.makers.isdisjoint(words):
            continue
        found = set()
        for maker, word, after in zip(words, words[1:], [*words[2:], ""], strict=False):
            if maker not in rules.makers:
                continue
            # (a hyphen splits words here: "Mythos-5" is "Mythos", then "5")
            shaped = DIGIT.search(word) is not None
            if (shaped or _VERSION.fullmatch(after)) and _a_name(word, rules):
                found.add(word)
        weight = 2 if found and standing(url) == 0 else 1
        for name in found:
            seen[name] = seen.get(name, 0) + weight
    return seen


def learned_names(evidence: Iterable[dict[str, int]]) -> frozenset[str]:
    """The names that `name_evidence` of several batches (days) gives `NAME_TITLES`
    times or more."""
    total: dict[str, int] = {}
    for batch in evidence:
        for name, count in batch.items():
            total[name] = total.get(name, 0) + count
    return frozenset(name for name, count in total.items() if count >= NAME_TITLES)


def _a_name(word: str, rules: _Rules) -> bool:
    letters = sum(c.isalpha() for c in word)
    if not word[:1].isupper() or letters < 2 or word.isupper() or _VERSION.fullmatch(word):
        return False
    if (
        word.casefold() in _NOT_NAMES
        or rules.strong.find(Text(word))
        or rules.weak.find(Text(word))
    ):
        return False
    found = tokens(word)  # (a stop word has none: "Introducing Our New Office")
    return bool(found) and all(specific(token) for token in found)


def _names_one(text: str, names: Collection[str]) -> bool:
    """Whether a text names one of `names` as written (a whole word, its capital too)."""
    return bool(names) and not set(_NAME_WORD.findall(text)).isdisjoint(names)
