"""`apprise`: a post to any service Apprise knows (ntfy, Gotify, Matrix, Pushover, Teams,
mail, ...), through the optional `apprise` library: `pip install 'newsdesk[apprise]'`.

The post goes as one notification: its title, and its Markdown body with
`body_format=markdown`, which Apprise converts to what each service takes. Apprise knows
each service's limits: a URL ending `?overflow=split` has it split a long digest into
several messages (its default, `upstream`, passes it on whole, and the service may
truncate it). `Apprise.notify` reports only success or failure, not why, so a failure is
retried like a network fault.

`url_env` names the variable holding the Apprise URL (several, separated by spaces or
commas, are all notified). Apprise URLs carry their tokens and passwords anywhere (user,
password, host, path, query), so every part of them is a secret; Apprise's own log
records pass through a filter that redacts them too.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Message,
    Receipt,
    SendContext,
    SendError,
    env_value,
    missing_env,
    redacting,
    url_secrets,
)
from newsdesk.publish.post import StoredPost

INSTALL = "the apprise channel needs the apprise library: pip install 'newsdesk[apprise]'"


def load() -> Any:
    """The apprise module, or None when it is not installed."""
    try:
        import apprise
    except ImportError:
        return None
    return apprise


def secrets_of(urls: str) -> list[str]:
    """Every part of each Apprise URL, since any may hold a token: the URL, its user,
    password and host (`tgram://<token>/<chat>` keeps the bot token where a host would
    be), every path segment (an ntfy topic is its only credential) and query value."""
    from urllib.parse import parse_qsl, urlsplit

    found: list[str] = []
    for url in re.split(r"[\s,]+", urls.strip()):
        if not url:
            continue
        found += url_secrets(url)
        with contextlib.suppress(ValueError):
            parts = urlsplit(url)
            found += [p for p in (parts.username, parts.password, parts.hostname) if p]
            found.append(parts.netloc)
            found += parts.path.split("/")
            found += [value for _, value in parse_qsl(parts.query)]
    # Every part masked wherever it appears (as plain str, not `UrlPart`).
    return sorted({str(s) for s in found if len(s) >= 4}, key=len, reverse=True)


def redacted(secrets: Sequence[str]) -> contextlib.AbstractContextManager[None]:
    """Apprise's own log records, with the secrets redacted, while it works."""
    return redacting(secrets, ("apprise",))


class Channel:
    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        found = missing_env(settings, environ, "url_env")
        apprise = load()
        if apprise is None:
            return [*found, INSTALL]
        urls = env_value(settings.url_env, environ)
        if urls:
            with redacted(secrets_of(urls)):
                known = apprise.Apprise().add(urls)
            if not known:
                found.append(
                    f"apprise does not understand the URL in {settings.url_env} (the "
                    "services and their URLs: https://github.com/caronc/apprise/wiki)"
                )
        return found

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return secrets_of(env_value(settings.url_env, environ))

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        body = {"title": post.title, "body": post.body}
        return [Message(f"{post.title}\n\n{post.body}", body)]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        apprise = load()
        if apprise is None:
            raise SendError(INSTALL, retryable=False)
        urls = env_value(settings.url_env, context.environ)
        with redacted(secrets_of(urls)):
            notifier = apprise.Apprise()
            notifier.add(urls)
            sent = notifier.notify(
                title=message.payload["title"],
                body=message.payload["body"],
                body_format=apprise.NotifyFormat.MARKDOWN,
            )
        if not sent:
            raise SendError("apprise could not deliver it (its log says why)")
        return Receipt(answer="ok")
