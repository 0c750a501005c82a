"""Settings: packaged defaults.toml, then the user's newsdesk.toml, validated into one frozen object."""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from newsdesk.errors import ConfigError

CONFIG_NAME = "newsdesk.toml"
ENV_CONFIG = "NEWSDESK_CONFIG"
SiteFormat = Literal["hugo", "jekyll", "eleventy", "markdown"]
Language = Literal["zh", "en"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(_Section):
    format: SiteFormat = "markdown"
    out: Path = Path("site")
    author: str = "newsdesk"
    tags: list[str] = Field(default_factory=lambda: ["AI"])
    categories: list[str] = Field(default_factory=lambda: ["AI"])
    base_url: str = ""
    draft: bool = False


class FetchSettings(_Section):
    timeout: float = Field(20.0, gt=0, le=600)
    max_bytes: int = Field(10_000_000, ge=1024)
    concurrency: int = Field(100, ge=1, le=256)
    per_host: int = Field(2, ge=1, le=64)
    retries: int = Field(1, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)
    max_wait: float = Field(30.0, ge=0, le=3600)
    allow_private: bool = False
    parse_workers: int | None = Field(None, ge=0, le=64)
    dead_after: int = Field(5, ge=1, le=1000)
    dead_retry_hours: float = Field(24.0, ge=0, le=24 * 365)
    stale_days: float = Field(14.0, gt=0, le=3650)
    user_agent: str = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)"


class FullTextSettings(_Section):
    enabled: bool = True
    # A story whose feed text is shorter than this gets its article's main text.
    min_chars: int = Field(200, ge=0, le=100_000)
    # At most this many articles are fetched per digest.
    max_articles: int = Field(20, ge=0, le=500)
    # An article that could not be read is tried again after this many hours.
    retry_hours: float = Field(24.0, ge=0)


class CategorySettings(_Section):
    key: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    emoji: str = ""
    keywords: list[str] = Field(default_factory=list)


class DedupeSettings(_Section):
    threshold: float = Field(0.28, gt=0, lt=1)
    continuity_threshold: float = Field(0.4, gt=0, lt=1)
    window_hours: float = Field(72.0, gt=0)
    lookback_days: int = Field(7, ge=0, le=60)


class RankSettings(_Section):
    half_life_hours: float = Field(168.0, gt=0)
    source_bonus: float = Field(1.0, ge=0)
    boost: dict[str, float] = Field(default_factory=dict)
    top: int = Field(30, ge=1, le=500)
    official_bonus: float = Field(1.0, ge=0)
    press_bonus: float = Field(0.5, ge=0)
    engagement_weight: float = Field(2.0, ge=0)
    day_engagement_weight: float = Field(0.5, ge=0)
    day_engagement_power: float = Field(0.5, gt=0, le=4)
    launch_bonus: float = Field(0.8, ge=0)
    mention_weight: float = Field(0.5, ge=0)
    max_source_share: float = Field(0.7, gt=0, le=1)
    max_discussions: int = Field(2, ge=0, le=500)
    official_pick: bool = True
    readers_pick: float = Field(4.0, ge=0)


_ENV = r"^[A-Za-z_][A-Za-z0-9_]*$"


class ChannelSettings(_Section):
    """One channel the digests are delivered to (docs/channels.md). Secrets, webhook URLs
    included, come only from environment variables named by the `*_env` keys."""

    name: str = Field(min_length=1)
    kind: str
    enabled: bool = True
    # Which posts it takes: "daily", "weekly", or style names ("daily-brief").
    posts: list[str] = Field(default_factory=lambda: ["daily", "weekly"])
    langs: list[Language] = Field(default_factory=list)  # empty: every language
    url_env: str | None = Field(None, pattern=_ENV)  # webhook kinds, apprise
    secret_env: str | None = Field(None, pattern=_ENV)  # feishu, dingtalk signatures
    token_env: str | None = Field(None, pattern=_ENV)  # telegram bot token
    chat_id: str = ""  # telegram
    card: bool = True  # feishu: an interactive card (else a post message)
    # email
    host: str = ""
    port: int = Field(0, ge=0, le=65535)  # 0: 465 with ssl, else 587 (25 with none)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username_env: str | None = Field(None, pattern=_ENV)
    password_env: str | None = Field(None, pattern=_ENV)
    sender: str = ""
    recipients: list[str] = Field(default_factory=list)
    bcc: bool = False  # one message to all (Bcc) instead of one per recipient
    list_unsubscribe: str = ""  # a mailto: or https: address for the List-Unsubscribe header
    # A PEM CA bundle that verifies the server's certificate (a private mail server);
    # empty: the system's trusted CAs.
    cafile: str = ""
    # delivery
    retries: int = Field(2, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)
    max_wait: float = Field(60.0, ge=0, le=3600)
    timeout: float = Field(20.0, gt=0, le=300)

    @field_validator("kind")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        from newsdesk.publish.channels import registry

        if value not in registry:
            raise ValueError(f"unknown channel kind {value!r}; use one of {', '.join(registry)}")
        return value

    @field_validator("posts")
    @classmethod
    def _known_posts(cls, value: list[str]) -> list[str]:
        from newsdesk.styles import STYLES

        known = ("daily", "weekly", *STYLES)
        wrong = [v for v in value if v not in known]
        if wrong:
            raise ValueError(f"posts: {', '.join(wrong)} unknown; use daily, weekly or a style")
        return value

    def takes(self, style: str, lang: str) -> bool:
        kind = "weekly" if style.startswith("weekly") else "daily"
        wanted = kind in self.posts or style in self.posts
        return self.enabled and wanted and (not self.langs or lang in self.langs)


class ScheduleSettings(_Section):
    """When `newsdesk serve` runs the jobs (schedule.py); empty: not on a schedule."""

    daily: str = ""  # "07:30"
    weekly: str = ""  # "fri 18:00"
    daily_style: str = "daily-brief"
    weekly_style: str = "weekly-axes"

    @model_validator(mode="after")
    def _times(self) -> ScheduleSettings:
        from newsdesk.schedule import parse

        for kind in ("daily", "weekly"):
            text = getattr(self, kind)
            if text:
                parse(kind, text)
        return self

    def slots(self) -> list[Any]:
        from newsdesk.schedule import parse

        return [
            parse(kind, getattr(self, kind)) for kind in ("daily", "weekly") if getattr(self, kind)
        ]


_DURATION = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$")


def parse_duration(text: str) -> int:
    """Minutes in "90m", "6h", "1d", "1h30m"; ValueError says what is wrong."""
    found = _DURATION.match(text.strip().lower())
    if not text.strip() or not found or not any(found.groups()):
        raise ValueError(f'{text!r} is not a duration; write it like "90m", "6h" or "1d"')
    days, hours, minutes = (int(g or 0) for g in found.groups())
    return days * 1440 + hours * 60 + minutes


class ReviewSettings(_Section):
    """An editor approves each post before it is published (review.py)."""

    # `daily`, `weekly` and the desk's scheduled runs write drafts and deliver nothing
    # until `newsdesk approve` or the desk's Approve.
    required: bool = False
    # Publish a draft nobody reviewed this long after it was written ("6h"); "" never.
    auto_publish_after: str = ""
    # The desk offers a join ("Maybe the same event as #N") for two shown stories whose
    # closest items score this × dedupe.threshold or more (review.md).
    join_hint: float = Field(0.7, gt=0, le=1)

    @field_validator("auto_publish_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        if value.strip():
            parse_duration(value)
        return value.strip()

    def auto_publish_minutes(self) -> int | None:
        return parse_duration(self.auto_publish_after) if self.auto_publish_after else None


class FeedSettings(_Section):
    """The Atom feed of the digests (publish/feed.py)."""

    enabled: bool = True
    size: int = Field(30, ge=1, le=1000)  # the last posts it lists
    title: str = ""  # default: "AI 日报与周报" / "AI daily and weekly"


class DeliverySettings(_Section):
    """What every delivering run does besides the post it delivers (deliver.py)."""

    # A delivery that did not go through (failed, or skipped while its channel was not
    # configured) is tried again by each later `daily`, `weekly`, `deliver` and scheduled
    # run, for posts of the last `retry_days` days; 0: only when asked for by name.
    retry_days: int = Field(7, ge=0, le=365)


class TriageSettings(_Section):
    """The model's pass over a day's candidates (triage.py); used only with `[llm]`."""

    enabled: bool = True
    batch_size: int = Field(40, ge=1, le=200)  # stories per call
    excerpt_tokens: int = Field(40, ge=0, le=400)  # each story's text, cut to about this
    max_stories: int = Field(400, ge=1, le=5000)  # candidates judged per day, best first
    max_pairs: int = Field(40, ge=0, le=400)  # borderline same-event pairs asked per day
    pair_floor: float = Field(0.5, gt=0, lt=1)  # a pair is borderline from this × threshold
    importance_weight: float = Field(0.6, ge=0, le=2)  # score × (1 + weight × (importance − 3) / 2)


class AudienceSettings(_Section):
    """A reader group the weekly posts advise (decision makers, engineers, ...)."""

    key: str = Field(min_length=1, pattern=r"^[a-z0-9_-]+$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


def _audiences() -> list[AudienceSettings]:
    return [
        AudienceSettings(key="leaders", zh="决策者", en="Decision makers"),
        AudienceSettings(key="builders", zh="产品与工程团队", en="Product and engineering teams"),
        AudienceSettings(
            key="research",
            zh="研究者与基础设施提供方",
            en="Researchers and infrastructure providers",
        ),
        AudienceSettings(key="policy", zh="政策制定与监管者", en="Policy makers and regulators"),
    ]


class WeeklySettings(_Section):
    # The week's highest-ranked stories (a continuing story counted once) that the axes
    # are drawn from and that the model sees; the raw weekly list has every story.
    shortlist: int = Field(40, ge=8, le=300)
    min_axes: int = Field(4, ge=2, le=10)
    max_axes: int = Field(6, ge=2, le=10)
    # Words of a stored daily analysis per story in the weekly prompt.
    lead_tokens: int = Field(70, ge=10, le=1000)
    # Share of a signal's terms a story must carry to count as evidence offline.
    signal_match: float = Field(0.5, gt=0, le=1)
    audiences: list[AudienceSettings] = Field(default_factory=_audiences, min_length=1)

    @model_validator(mode="after")
    def _bounds(self) -> WeeklySettings:
        if self.min_axes > self.max_axes:
            raise ValueError(
                f"weekly.min_axes ({self.min_axes}) is more than weekly.max_axes ({self.max_axes})"
            )
        keys = [a.key for a in self.audiences]
        if len(set(keys)) != len(keys):
            raise ValueError("weekly.audiences: each key must be unique")
        return self


class SourceSettings(_Section):
    """One source. The keys after `lang` belong to some kinds only (docs/sources.md)."""

    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    kind: str = "feed"
    weight: float = Field(1.0, ge=0, le=10)
    enabled: bool = True
    lang: Language | None = None
    # A source whose every item is news (a lab's own blog) skips the relevance stage.
    curated: bool = False
    # hackernews: keep stories with at least `min_points` whose title names one of `terms`.
    terms: list[str] = Field(default_factory=list)
    min_points: int = Field(100, ge=0)
    # search: one request per query to a Brave Search or SearXNG endpoint.
    provider: Literal["brave", "searxng"] = "brave"
    queries: list[str] = Field(default_factory=list)
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # page: article links on the page matching `link_pattern` (a regular expression).
    link_pattern: str | None = None
    # hackernews, search, page: at most this many entries per request (page: articles).
    max_items: int = Field(20, ge=1, le=200)
    # hackernews: only stories posted within this many hours (search: always the last day).
    max_age_hours: float = Field(48.0, gt=0, le=24 * 31)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        from newsdesk.sources import registry

        if value not in registry:
            raise ValueError(
                f"unknown source kind {value!r}; use one of {', '.join(sorted(registry))}"
            )
        return value

    @field_validator("link_pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _kind_keys(self) -> SourceSettings:
        if self.kind == "search":
            if not self.queries:
                raise ValueError('a search source needs `queries`, e.g. queries = ["AI model"]')
            if self.provider == "brave" and not self.api_key_env:
                raise ValueError(
                    "a Brave search source needs `api_key_env`: the name of the environment "
                    'variable holding the key, e.g. api_key_env = "BRAVE_API_KEY"'
                )
        return self


class Preset(BaseModel):
    """What one line `provider = "..."` stands for."""

    model_config = ConfigDict(frozen=True)
    base_url: str
    model: str | None  # None: the user names the model their server serves
    api_key_env: str | None  # None: a local server that takes no key
    response_format: Literal["json_schema", "json_object", "plain"]


# Providers' OpenAI-compatible endpoints. The response format is the strongest each is
# known to accept; `llm.response_format` overrides it, and a run that finds it refused
# steps down (json_schema → json_object → plain) and says so.
PRESETS: dict[str, Preset] = {
    "deepseek": Preset(
        base_url="https://api.deepseek.com",
        model="deepseek-chat",
        api_key_env="DEEPSEEK_API_KEY",
        response_format="json_object",
    ),
    "qwen": Preset(
        base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
        model="qwen-plus",
        api_key_env="DASHSCOPE_API_KEY",
        response_format="json_object",
    ),
    "moonshot": Preset(
        base_url="https://api.moonshot.cn/v1",
        model="moonshot-v1-32k",
        api_key_env="MOONSHOT_API_KEY",
        response_format="json_object",
    ),
    "zhipu": Preset(
        base_url="https://open.bigmodel.cn/api/paas/v4",
        model="glm-4-plus",
        api_key_env="ZHIPUAI_API_KEY",
        response_format="json_object",
    ),
    "openai": Preset(
        base_url="https://api.openai.com/v1",
        model="gpt-4o-mini",
        api_key_env="OPENAI_API_KEY",
        response_format="json_schema",
    ),
    "ollama": Preset(
        base_url="http://localhost:11434/v1",
        model=None,
        api_key_env=None,
        response_format="json_schema",
    ),
    "vllm": Preset(
        base_url="http://localhost:8000/v1",
        model=None,
        api_key_env=None,
        response_format="json_schema",
    ),
    "llamacpp": Preset(
        base_url="http://localhost:8080/v1",
        model=None,
        api_key_env=None,
        response_format="json_schema",
    ),
}
PRESETS["kimi"] = PRESETS["moonshot"]
PRESETS["glm"] = PRESETS["zhipu"]
PRESETS["dashscope"] = PRESETS["qwen"]
ResponseFormat = Literal["json_schema", "json_object", "plain"]


class LlmSettings(_Section):
    """The model behind the analysis. Unset (no provider, no base_url): the offline analyst."""

    provider: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    temperature: float = Field(0.3, ge=0, le=2)
    # Completion tokens allowed per call.
    max_tokens: int = Field(3000, ge=64, le=65_536)
    timeout: float = Field(90.0, gt=0, le=1800)
    concurrency: int = Field(4, ge=1, le=32)
    retries: int = Field(2, ge=0, le=10)
    backoff: float = Field(1.0, ge=0, le=60)
    max_wait: float = Field(60.0, ge=0, le=3600)
    response_format: Literal["auto", "json_schema", "json_object", "plain"] = "auto"
    # The ranked stories of a day that the model analyses; the rest are extracted offline.
    shortlist: int = Field(20, ge=1, le=200)
    batch_size: int = Field(5, ge=1, le=50)
    # Each story's text is cut to about this many tokens before it is sent.
    excerpt_tokens: int = Field(220, ge=20, le=4000)
    # Hard cap on prompt + completion tokens per run; past it, sections are written offline.
    max_tokens_per_run: int = Field(300_000, ge=1000)

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str | None) -> str | None:
        if value is not None and value.lower() not in PRESETS:
            raise ValueError(
                f"unknown provider {value!r}; use one of {', '.join(sorted(PRESETS))}, "
                "or leave it out and set base_url and model"
            )
        return value.lower() if value else value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(
                "base_url must start with http:// or https://, e.g. http://localhost:8000/v1"
            )
        return value

    @model_validator(mode="after")
    def _complete(self) -> LlmSettings:
        if self.enabled and not self.resolved_model:
            where = f"the {self.provider} server" if self.provider else "the endpoint"
            raise ValueError(f"set llm.model to the name of a model {where} serves")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.provider or self.base_url)

    @property
    def preset(self) -> Preset | None:
        return PRESETS[self.provider] if self.provider else None

    @property
    def resolved_base_url(self) -> str:
        return self.base_url or (self.preset.base_url if self.preset else "")

    @property
    def resolved_model(self) -> str:
        return self.model or (self.preset.model or "" if self.preset else "")

    @property
    def resolved_key_env(self) -> str | None:
        return self.api_key_env or (self.preset.api_key_env if self.preset else None)

    @property
    def resolved_format(self) -> ResponseFormat:
        if self.response_format != "auto":
            return self.response_format
        return self.preset.response_format if self.preset else "json_object"


class Settings(_Section):
    timezone: str = "Asia/Shanghai"
    language: Language = "zh"
    database: Path = Path("newsdesk.db")
    site: SiteSettings = Field(default_factory=lambda: SiteSettings())
    fetch: FetchSettings = Field(default_factory=lambda: FetchSettings())
    fulltext: FullTextSettings = Field(default_factory=lambda: FullTextSettings())
    dedupe: DedupeSettings = Field(default_factory=lambda: DedupeSettings())
    rank: RankSettings = Field(default_factory=lambda: RankSettings())
    llm: LlmSettings = Field(default_factory=lambda: LlmSettings())
    triage: TriageSettings = Field(default_factory=lambda: TriageSettings())
    feed: FeedSettings = Field(default_factory=lambda: FeedSettings())
    delivery: DeliverySettings = Field(default_factory=lambda: DeliverySettings())
    schedule: ScheduleSettings = Field(default_factory=lambda: ScheduleSettings())
    review: ReviewSettings = Field(default_factory=lambda: ReviewSettings())
    channels: list[ChannelSettings] = Field(default_factory=list)
    weekly: WeeklySettings = Field(default_factory=lambda: WeeklySettings())
    default_category: str = "industry"
    categories: list[CategorySettings] = Field(default_factory=list)
    # The packaged learned model makes the final category call (classify.py); it is used
    # only with the packaged category table.
    learned_categories: bool = True
    sources: list[SourceSettings] = Field(default_factory=list)
    base_dir: Path = Path(".")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai"
            ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        keys = [c.key for c in self.categories]
        if len(set(keys)) != len(keys):
            raise ValueError("categories: each key must be unique")
        if keys and self.default_category not in keys:
            raise ValueError(
                f"default_category {self.default_category!r} is not one of the categories' keys"
            )
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"sources: names must be unique, repeated: {', '.join(dupes)}")
        channels = [c.name for c in self.channels]
        repeated = sorted({n for n in channels if channels.count(n) > 1})
        if repeated:
            raise ValueError(f"channels: names must be unique, repeated: {', '.join(repeated)}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def path(self, value: Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        return value if value.is_absolute() else self.base_dir / value


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """--config, then $NEWSDESK_CONFIG, then ./newsdesk.toml; None means packaged defaults only."""
    for candidate, origin in ((explicit, "--config"), (os.environ.get(ENV_CONFIG), ENV_CONFIG)):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise ConfigError(f"{origin}: no config file at {path}; create it or fix the path")
            return path
    local = (cwd or Path.cwd()) / CONFIG_NAME
    return local if local.is_file() else None


def load_settings(explicit: Path | None = None, **overrides: Any) -> Settings:
    """Load and validate settings; raise ConfigError naming the key and the fix."""
    path = find_config(explicit)
    data = _merge(_defaults(), _read_toml(path) if path else {})
    data = _merge(data, overrides)
    data["base_dir"] = str(path.parent.resolve() if path else Path.cwd())
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, path)) from None


def _defaults() -> dict[str, Any]:
    text = resources.files("newsdesk").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax at that line") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; arrays and values from `extra` replace those in `base`."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _explain(exc: ValidationError, path: Path | None) -> str:
    where = str(path) if path else "configuration"
    lines = [f"{where}: {exc.error_count()} invalid setting(s):"]
    for error in exc.errors():
        key = _dotted(error["loc"], error["type"])
        if error["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key; check its spelling or remove it")
            continue
        got = error.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {key}: {message}{shown}")
    lines.append("Fix these keys in the file and run again.")
    return "\n".join(lines)


def _dotted(loc: tuple[int | str, ...], kind: str) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts) or "(top level)"
