"""Delivery: each stored post to each configured channel, once (docs/channels.md).

For every `[[channels]]` entry that takes a post (its kind, style and language):

- a post already sent with the same content is not sent again; a post whose content
  changed since is sent again only with `resend`;
- the channel renders the post into its messages (one, or several parts split at story
  boundaries), and they are sent in order; a part that fails is retried with backoff,
  honouring Retry-After up to the channel's `max_wait`, and a delivery that still fails
  is recorded with the parts that went through, so the next run sends only the rest;
- every outcome (sent, failed, skipped) is recorded in the ledger (`deliveries`) with its
  attempts, time, the channel's answer and message ids, and reported on the run;
- a failing channel never stops the others, and no secret reaches any output: secret
  values are redacted from answers, reasons and `dry_run` text.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from newsdesk.config import ChannelSettings
from newsdesk.errors import ConfigError
from newsdesk.publish.channels import Channel, Message, SendContext, SendError, registry
from newsdesk.publish.post import StoredPost
from newsdesk.run import Run

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


def deliver(
    run: Run,
    posts: Sequence[StoredPost],
    *,
    channel: str | None = None,
    resend: bool = False,
    dry_run: bool = False,
    echo: Callable[[str], None] = lambda text: None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivered]:
    """Deliver `posts` to the configured channels (or the one named)."""
    settings = run.settings
    chosen = [c for c in settings.channels if channel is None or c.name == channel]
    if channel is not None and not chosen:
        names = ", ".join(c.name for c in settings.channels) or "none is configured"
        raise ConfigError(f"no channel named {channel!r}; channels: {names}")
    env = dict(os.environ if environ is None else environ)
    context = SendContext(run.client, env, lambda: run.now().timestamp())
    done: list[Delivered] = []
    for config in chosen:
        kind = registry[config.kind]
        for post in posts:
            if config.takes(post.style, post.lang):
                done.append(_one(run, kind, config, post, context, resend, dry_run, echo, sleep))
    return done


def _one(
    run: Run,
    kind: Channel,
    config: ChannelSettings,
    post: StoredPost,
    context: SendContext,
    resend: bool,
    dry_run: bool,
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
) -> Delivered:
    store, report = run.store, run.report
    redact = redactor(kind, config, context)

    what = f"{post.key} {post.style} ({post.lang})"
    earlier = store.delivery(config.name, post)
    if earlier and earlier["status"] == "sent" and earlier["hash"] == post.digest_hash:
        return Delivered(config.name, post, "unchanged", earlier["parts"])  # never twice
    if earlier and earlier["status"] == "sent" and not resend:
        reason = "changed since it was sent; `newsdesk deliver --resend` sends it again"
        report.warn(f"channel {config.name}: {what} {reason}")
        return Delivered(config.name, post, "skipped", reason=reason)
    problems = kind.problems(config, context.environ)
    if problems:
        reason = redact("; ".join(problems))
        report.warn(f"channel {config.name}: {what} not delivered: {reason}")
        if not dry_run:
            _record(run, config, post, "skipped", 0, 0, reason, [])
        return Delivered(config.name, post, "skipped", reason=reason)
    try:
        messages = kind.messages(post, config)
    except ValueError as exc:  # a message the channel cannot build within its limits
        reason = redact(str(exc))
        report.warn(f"channel {config.name}: {what} not delivered: {reason}")
        if not dry_run:
            _record(run, config, post, "failed", 0, 0, reason, [])
        return Delivered(config.name, post, "failed", reason=reason)
    if dry_run:
        for number, message in enumerate(messages, start=1):
            echo(f"--- {config.name} ({config.kind}) · {what} · {number}/{len(messages)}")
            echo(redact(message.text))
        return Delivered(config.name, post, "dry-run", len(messages))
    # A delivery that failed part-way resumes after the parts that went through.
    start = 0
    ids: list[str] = []
    if earlier and earlier["status"] == "failed" and earlier["hash"] == post.digest_hash:
        start = min(earlier["parts"], len(messages))
        ids = list(earlier["message_ids"])
    attempts = 0
    for number in range(start, len(messages)):
        sent, tries, answer = _send(kind, messages[number], config, context, sleep)
        attempts += tries
        if not sent:
            reason = redact(answer)
            report.warn(
                f"channel {config.name}: {what} part {number + 1}/{len(messages)} not "
                f"delivered after {tries} attempt(s): {reason}; the next run tries again"
            )
            _record(run, config, post, "failed", number, attempts, reason, ids)
            return Delivered(config.name, post, "failed", number, attempts, reason)
        if answer:
            ids.append(redact(answer))
    _record(run, config, post, "sent", len(messages), attempts, "", ids)
    logger.info("channel %s: %s sent in %d part(s)", config.name, what, len(messages))
    return Delivered(config.name, post, "sent", len(messages), attempts)


def redactor(kind: Channel, config: ChannelSettings, context: SendContext) -> Callable[[str], str]:
    """A function that replaces the channel's secret values in a text with ***."""
    secrets = [s for s in kind.secrets(config, context.environ) if len(s) >= 4]

    def redact(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "***")
        return text

    return redact


def send_all(
    kind: Channel,
    messages: Sequence[Message],
    config: ChannelSettings,
    context: SendContext,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, str]:
    """Send messages in order, each retried as a delivery would be (no ledger): `channels
    test`. (sent, the last failure's reason with the secrets redacted)."""
    for message in messages:
        sent, _, answer = _send(kind, message, config, context, sleep)
        if not sent:
            return False, redactor(kind, config, context)(answer)
    return True, ""


def _send(
    kind: Channel,
    message: Message,
    config: ChannelSettings,
    context: SendContext,
    sleep: Callable[[float], None],
) -> tuple[bool, int, str]:
    """(sent, attempts, message id or the last reason)."""
    for attempt in range(config.retries + 1):
        try:
            receipt = kind.send(message, config, context)
        except SendError as exc:
            if not exc.retryable or attempt == config.retries:
                return False, attempt + 1, exc.reason
            if exc.retry_after is not None and exc.retry_after > config.max_wait:
                return (
                    False,
                    attempt + 1,
                    (
                        f"{exc.reason}; Retry-After {exc.retry_after:.0f} s is over "
                        f"max_wait ({config.max_wait:.0f} s)"
                    ),
                )
            delay = exc.retry_after if exc.retry_after is not None else config.backoff * 2**attempt
            logger.info("channel %s: retrying in %.1f s (%s)", config.name, delay, exc.reason)
            sleep(min(delay, config.max_wait))
        else:
            return True, attempt + 1, receipt.message_id
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
