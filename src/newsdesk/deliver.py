"""Delivery: each stored post to each configured channel, once (docs/channels.md).

For every `[[channels]]` entry that takes a post (its kind, style and language):

- a post already sent with the same content is not sent again; a post whose content
  changed since is sent again only with `resend`;
- the channel renders the post into its messages (one, or several parts split at story
  boundaries), and they are sent in order; a part that fails is retried with backoff,
  honouring Retry-After up to the channel's `max_wait`, and a delivery that still fails
  is recorded with the parts that went through, so the next run sends only the rest;
- with `retry`, the deliveries of earlier posts that did not go through (the last
  `delivery.retry_days` days) are tried again first, oldest first: those that failed or
  were skipped, and those still `pending` (a post stored by a delivering run that ended
  before it delivered: `Store.record_post` marks it for the channels that take it); a
  channel that fails to send again is not tried for its other earlier posts in the same
  run. A delivery not tried again (its file is gone, it is too old, its message cannot
  be built) is reported once and recorded as `dropped`;
- every outcome (sent, failed, skipped) is recorded in the ledger (`deliveries`) with its
  attempts, time, the channel's answer and message ids, and reported on the run;
- a failing channel never stops the others, whatever it raises, and no secret reaches
  any output: secret values are redacted from answers, reasons, `dry_run` text and the
  HTTP stack's log records.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.errors import ConfigError, StoreError
from newsdesk.publish.channels import (
    HTTP_LOGGERS,
    Channel,
    Message,
    Receipt,
    SendContext,
    SendError,
    redact,
    redacting,
    registry,
)
from newsdesk.publish.post import Pending, StoredPost
from newsdesk.run import Run
from newsdesk.store import UNFINISHED

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivered:
    """What happened to one post on one channel in this run."""

    channel: str
    post: StoredPost
    status: str  # sent, failed, skipped, unchanged, dry-run
    parts: int = 0
    attempts: int = 0
    reason: str = ""
    changed: bool = False  # skipped: sent before, changed since (`resend` sends it)
    retried: bool = False  # an earlier run's delivery that had not gone through

    @property
    def failed(self) -> bool:
        """Whether the post did not reach the channel and the ledger says so (a failure,
        or a channel not configured): the next run tries again."""
        return self.status == "failed" or (self.status == "skipped" and not self.changed)


@dataclass(frozen=True, slots=True)
class _Job:
    config: ChannelSettings
    post: StoredPost
    retried: bool = False


@dataclass(frozen=True)
class _Sending:
    """What sending for one channel needs: the channel, the means to send, the secrets
    to redact."""

    kind: Channel
    config: ChannelSettings
    context: SendContext
    sleep: Callable[[float], None]
    secrets: Sequence[str] = ()

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)


def deliver(
    run: Run,
    posts: Sequence[StoredPost],
    *,
    channel: str | None = None,
    resend: bool = False,
    dry_run: bool = False,
    retry: bool = False,
    echo: Callable[[str], None] = lambda text: None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivered]:
    """Deliver `posts` to the configured channels (or the one named); with `retry`, first
    the earlier posts' deliveries that did not go through (`_pending`)."""
    settings = run.settings
    chosen = [c for c in settings.channels if channel is None or c.name == channel]
    if channel is not None and not chosen:
        names = ", ".join(c.name for c in settings.channels) or "none is configured"
        raise ConfigError(f"no channel named {channel!r}; channels: {names}")
    env = dict(os.environ if environ is None else environ)
    context = SendContext(run.client, env, lambda: run.now().timestamp())
    earlier = _pending(run, chosen, posts, env) if retry and not dry_run else []
    jobs = [j for config in chosen for j in _jobs(config, posts, earlier)]
    done: list[Delivered] = []
    down: set[str] = set()  # channels that failed to send in this run: earlier posts wait
    for job in jobs:
        if job.retried and job.config.name in down:
            continue
        result = _guarded(run, job, context, resend, dry_run, echo, sleep)
        done.append(result)
        if result.status == "failed" and result.attempts > 0:  # a send failed, not a build
            down.add(job.config.name)
    return done


def _jobs(
    config: ChannelSettings, posts: Sequence[StoredPost], earlier: Sequence[_Job]
) -> list[_Job]:
    """A channel's deliveries in order: its earlier posts tried again, then `posts`."""
    again = [j for j in earlier if j.config.name == config.name]
    return again + [_Job(config, p) for p in posts if config.takes(p.style, p.lang)]


def _pending(
    run: Run,
    chosen: Sequence[ChannelSettings],
    posts: Sequence[StoredPost],
    environ: Mapping[str, str],
) -> list[_Job]:
    """The deliveries to `chosen` channels that did not go through (failed, skipped, or
    still pending since the post was stored), of posts of the last `delivery.retry_days`
    days, oldest first; not `posts` (delivered next), not a channel that no longer takes
    the post or is still not configured. A delivery that is not tried again is reported
    and recorded as `dropped` (`_drop`), then left alone until its post changes: its
    post's file is gone (the user took it down), its message could not be built from the
    post unchanged since, or it is older than the window (`_drop_aged`)."""
    days = run.settings.delivery.retry_days
    if days == 0 or not chosen:
        return []
    today = run.now().astimezone(run.settings.tz).date()
    since = today - dt.timedelta(days=days)
    configs = {c.name: c for c in chosen}
    asked = {(p.key, p.style, p.lang) for p in posts}
    _drop_aged(run, configs, since, asked)
    found = []
    for row in run.store.pending_deliveries(since=since, fmt=run.settings.site.format):
        config, post = configs.get(row.channel), row.post
        if config is None or (post.key, post.style, post.lang) in asked:
            continue
        if not config.takes(post.style, post.lang):
            continue
        if row.status == "dropped" and row.hash == post.digest_hash:
            continue  # given up, and said so: tried again once the post changes
        why = _not_again(row)
        if why:
            _drop(run, config.name, (post.key, post.style, post.lang), why)
        elif _ready(config, environ):  # else still not configured: the run says so
            found.append(_Job(config, post, retried=True))
    return found


def _not_again(row: Pending) -> str:
    """Why an earlier delivery is not tried again ("" when it is)."""
    post = row.post
    if row.path and not Path(row.path).exists():
        return f"its file {row.path} is gone; {_by_name(post.key)} sends it"
    if row.status == "failed" and row.attempts == 0 and row.hash == post.digest_hash:
        return (
            f"its message could not be built ({row.answer}), and the post has not changed "
            "since; it is tried again when the post changes"
        )
    return ""


def _drop_aged(
    run: Run,
    configs: Mapping[str, ChannelSettings],
    since: dt.date,
    asked: set[tuple[str, str, str]],
) -> None:
    """Give up, once, the deliveries to `configs` that did not go through of posts that
    fell out of the retry window (not those `asked` for by name: they are sent now)."""
    days = run.settings.delivery.retry_days
    for channel, key, style, lang in run.store.aged_deliveries(before=since, channels=[*configs]):
        if (key, style, lang) not in asked:
            why = f"older than delivery.retry_days ({days}); {_by_name(key)} sends it"
            _drop(run, channel, (key, style, lang), why)


def _drop(run: Run, channel: str, post: tuple[str, str, str], why: str) -> None:
    """A delivery not tried again: reported, and recorded as `dropped` with why."""
    key, style, lang = post
    reason = f"not tried again: {why}"
    run.report.warn(f"channel {channel}: {key} {style} ({lang}) {reason}")
    logger.warning("channel %s: %s %s (%s) %s", channel, key, style, lang, reason)
    run.store.drop_delivery(channel, key, style, lang, reason=reason)


def _by_name(key: str) -> str:
    """The command that sends a post by name."""
    return f"`newsdesk deliver --{'week' if '-W' in key else 'date'} {key}`"


def _ready(config: ChannelSettings, environ: Mapping[str, str]) -> bool:
    """Whether a channel's configuration is complete (a channel whose check raises is
    tried, so that its delivery records why)."""
    try:
        return not registry[config.kind].problems(config, environ)
    except Exception:
        return True


def _guarded(
    run: Run,
    job: _Job,
    context: SendContext,
    resend: bool,
    dry_run: bool,
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
) -> Delivered:
    """One delivery; whatever a channel raises is recorded as a failure, with its secrets
    redacted, and the other channels go on."""
    config = job.config
    redact: Callable[[str], str] | None = None  # known once the secrets are
    try:
        kind = registry[config.kind]
        secrets = _secrets(kind, config, context.environ)
        sending = _Sending(kind, config, context, sleep, secrets)
        redact = sending.redact
        return _one(run, sending, job, resend=resend, dry_run=dry_run, echo=echo)
    except StoreError:
        raise  # the store itself: the run cannot go on
    except Exception as exc:
        return _crashed(run, job, exc, redact, dry_run)


def _crashed(
    run: Run,
    job: _Job,
    exc: Exception,
    redact: Callable[[str], str] | None,
    dry_run: bool,
) -> Delivered:
    """A channel that raised: recorded as failed (keeping the parts an earlier run sent),
    reported; its message only when the channel's secrets are known, to redact them."""
    config, post = job.config, job.post
    what = f"{post.key} {post.style} ({post.lang})"
    detail = redact(f"{type(exc).__name__}: {exc}") if redact else type(exc).__name__
    reason = f"the {config.kind} channel failed ({detail}); the next run tries again"
    run.report.warn(f"channel {config.name}: {what} not delivered: {reason}")
    logger.warning("channel %s: %s not delivered: %s", config.name, what, reason)
    if not dry_run:
        parts, ids = _resumed(run.store.delivery(config.name, post), post)
        _record(run, config, post, "failed", parts, 0, reason, ids)
    return Delivered(config.name, post, "failed", reason=reason, retried=job.retried)


def _one(
    run: Run,
    sending: _Sending,
    job: _Job,
    *,
    resend: bool,
    dry_run: bool,
    echo: Callable[[str], None],
) -> Delivered:
    kind, config, redact = sending.kind, sending.config, sending.redact
    post, retried = job.post, job.retried
    store, report = run.store, run.report
    what = f"{post.key} {post.style} ({post.lang})"
    earlier = store.delivery(config.name, post)
    if earlier and earlier["status"] == "sent" and earlier["hash"] == post.digest_hash:
        return Delivered(config.name, post, "unchanged", earlier["parts"])  # never twice
    if earlier and earlier["status"] == "sent" and not resend:
        reason = "changed since it was sent; `newsdesk deliver --resend` sends it again"
        report.warn(f"channel {config.name}: {what} {reason}")
        return Delivered(config.name, post, "skipped", reason=reason, changed=True)
    problems = kind.problems(config, sending.context.environ)
    if problems:
        reason = redact("; ".join(problems))
        report.warn(f"channel {config.name}: {what} not delivered: {reason}")
        if not dry_run:
            _record(run, config, post, "skipped", 0, 0, reason, [])
        return Delivered(config.name, post, "skipped", reason=reason, retried=retried)
    try:
        messages = kind.messages(post, config)
    except ValueError as exc:  # a message the channel cannot build within its limits
        reason = redact(str(exc))
        report.warn(f"channel {config.name}: {what} not delivered: {reason}")
        if not dry_run:
            _record(run, config, post, "failed", 0, 0, reason, [])
        return Delivered(config.name, post, "failed", reason=reason, retried=retried)
    if dry_run:
        for number, message in enumerate(messages, start=1):
            echo(f"--- {config.name} ({config.kind}) · {what} · {number}/{len(messages)}")
            echo(redact(message.text))
        return Delivered(config.name, post, "dry-run", len(messages))
    if retried:
        logger.info("channel %s: trying %s again", config.name, what)
    return _send_parts(run, sending, job, messages, earlier)


def _send_parts(
    run: Run,
    sending: _Sending,
    job: _Job,
    messages: Sequence[Message],
    earlier: Mapping[str, Any] | None,
) -> Delivered:
    """Send a post's messages in order and record the outcome. A delivery that failed
    part-way resumes after the parts that went through."""
    config, redact, report = sending.config, sending.redact, run.report
    post, retried = job.post, job.retried
    what = f"{post.key} {post.style} ({post.lang})"
    start, ids = _resumed(earlier, post)
    start = min(start, len(messages))
    attempts = 0
    answers: list[str] = []
    for number in range(start, len(messages)):
        tried = _send(sending, messages[number])
        attempts += tried.attempts
        if tried.receipt is None:
            reason = redact(tried.reason)
            report.warn(
                f"channel {config.name}: {what} part {number + 1}/{len(messages)} not "
                f"delivered after {tried.attempts} attempt(s): {reason}; the next run tries "
                "again"
            )
            _record(run, config, post, "failed", number, attempts, reason, ids)
            return Delivered(config.name, post, "failed", number, attempts, reason, retried=retried)
        if tried.receipt.message_id:
            ids.append(redact(tried.receipt.message_id))
        if tried.receipt.answer:
            answers.append(redact(tried.receipt.answer))
    answer = " | ".join(dict.fromkeys(answers))
    _record(run, config, post, "sent", len(messages), attempts, answer, ids)
    logger.info("channel %s: %s sent in %d part(s)", config.name, what, len(messages))
    return Delivered(config.name, post, "sent", len(messages), attempts, retried=retried)


def _resumed(earlier: Mapping[str, Any] | None, post: StoredPost) -> tuple[int, list[str]]:
    """The parts an earlier delivery of this same post sent and their message ids, when it
    did not finish (sending resumes after them); (0, []) otherwise."""
    if earlier and earlier["status"] in UNFINISHED and earlier["hash"] == post.digest_hash:
        return earlier["parts"], list(earlier["message_ids"])
    return 0, []


def _secrets(kind: Channel, config: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
    """The channel's secret values worth redacting (`redact` masks them longest first)."""
    return [s for s in kind.secrets(config, environ) if len(s) >= 4]


def send_all(
    kind: Channel,
    messages: Sequence[Message],
    config: ChannelSettings,
    context: SendContext,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, str]:
    """Send messages in order, each retried as a delivery would be (no ledger): `channels
    test`. (sent, the last failure's reason with the secrets redacted)."""
    sending = _Sending(kind, config, context, sleep, _secrets(kind, config, context.environ))
    for message in messages:
        tried = _send(sending, message)
        if tried.receipt is None:
            return False, sending.redact(tried.reason)
    return True, ""


@dataclass(frozen=True, slots=True)
class _Tried:
    """One message's sending: the receipt when it went through, else the last reason."""

    attempts: int
    receipt: Receipt | None = None
    reason: str = ""


def _send(sending: _Sending, message: Message) -> _Tried:
    """Send one message, retried with backoff as the channel allows; the log records of
    the HTTP stack and of the channel's module meanwhile carry no secret."""
    loggers = (*HTTP_LOGGERS, type(sending.kind).__module__)
    with redacting(sending.secrets, loggers):
        return _attempts(sending, message)


def _attempts(sending: _Sending, message: Message) -> _Tried:
    config = sending.config
    for attempt in range(config.retries + 1):
        try:
            receipt = sending.kind.send(message, config, sending.context)
        except SendError as exc:
            if not exc.retryable or attempt == config.retries:
                return _Tried(attempt + 1, reason=exc.reason)
            if exc.retry_after is not None and exc.retry_after > config.max_wait:
                return _Tried(
                    attempt + 1,
                    reason=(
                        f"{exc.reason}; Retry-After {exc.retry_after:.0f} s is over "
                        f"max_wait ({config.max_wait:.0f} s)"
                    ),
                )
            delay = exc.retry_after if exc.retry_after is not None else config.backoff * 2**attempt
            logger.info(
                "channel %s: retrying in %.1f s (%s)",
                config.name,
                delay,
                sending.redact(exc.reason),
            )
            sending.sleep(min(delay, config.max_wait))
        except StoreError:
            raise
        except Exception as exc:  # a channel's bug: not retried, the others go on
            detail = f"{type(exc).__name__}: {exc}"
            return _Tried(attempt + 1, reason=f"the {config.kind} channel failed ({detail})")
        else:
            return _Tried(attempt + 1, receipt)
    raise AssertionError("unreachable: the last attempt returns")


def _record(
    run: Run,
    config: ChannelSettings,
    post: StoredPost,
    status: str,
    parts: int,
    attempts: int,
    answer: str,
    ids: Sequence[str],
) -> None:
    run.store.record_delivery(
        config.name,
        post,
        status=status,
        attempts=attempts,
        parts=parts,
        answer=answer,
        message_ids=ids,
        now=run.now(),
        run_id=run.report.id,
    )
