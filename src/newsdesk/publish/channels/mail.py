"""`email`: the digest as an HTML email with a plain-text alternative, sent over SMTP.

The HTML is the post's Markdown body rendered as the feed renders it, styled by the
packaged templates/email.css, whose rules are inlined into each element (many mail
clients drop a <style> block); the plain-text part is the Markdown body itself, which
reads well as text. Both are UTF-8, and the subject is RFC 2047 encoded.

An email has no practical size limit, so a post is never split: there is one message
per recipient (each a separate part for the delivery ledger, so a failed run resumes
after the recipients already served), or with `bcc = true` one message whose
recipients are all in the envelope only (its To: is the sender).

The connection uses the standard library's smtplib: `security = "ssl"` is implicit TLS
(port 465), `"starttls"` upgrades a plain connection (port 587), `"none"` stays in clear
(port 25); the certificate is verified against the system's CAs or `cafile`. The login
comes from the environment variables named by `username_env` and `password_env`.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from importlib import resources
from pathlib import Path

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import (
    Message,
    Receipt,
    SendContext,
    SendError,
    env_value,
    missing_env,
)
from newsdesk.publish.post import StoredPost

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
READ_ON_SITE = {"zh": "在网站上阅读", "en": "Read it on the site"}


@dataclass(frozen=True, slots=True)
class Draft:
    """One email before it is sent. The Date header is set at send time (from the run's
    clock); the Message-ID is fixed here, so that every retry of a message carries the
    same id and a reader's client can drop a copy a lost answer made us send twice."""

    sender: str
    to: str
    bcc: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str
    unsubscribe: str = ""

    @property
    def envelope(self) -> tuple[str, list[str]]:
        """The SMTP envelope: the bare sender address and the recipients' addresses."""
        wanted = self.bcc or (self.to,)
        return parseaddr(self.sender)[1], [parseaddr(r)[1] for r in wanted]

    def preview(self) -> str:
        """What `deliver --dry-run` prints: the addressing headers and the text part."""
        lines = [f"From: {self.sender}", f"To: {self.to}"]
        if self.bcc:
            lines.append(f"Bcc: {', '.join(self.bcc)}")
        lines.append(f"Subject: {self.subject}")
        return "\n".join(lines) + "\n\n" + self.text

    def email(self, now: float) -> EmailMessage:
        """The message as sent: multipart/alternative, text first (the fallback), HTML
        last (what a capable client shows). A Bcc header is set for smtplib, which
        leaves it out of the data it sends."""
        mail = EmailMessage(policy=SMTP)
        mail["From"] = self.sender
        mail["To"] = self.to
        if self.bcc:
            mail["Bcc"] = ", ".join(self.bcc)
        mail["Subject"] = self.subject
        mail["Date"] = format_datetime(dt.datetime.fromtimestamp(now, dt.UTC))
        mail["Message-ID"] = self.message_id
        if self.unsubscribe:
            mail["List-Unsubscribe"] = f"<{self.unsubscribe}>"
            if self.unsubscribe.startswith("https:"):
                mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(self.text)
        mail.add_alternative(self.html, subtype="html")
        return mail


def stylesheet() -> str:
    return resources.files("newsdesk").joinpath("templates/email.css").read_text("utf-8")


def render_html(post: StoredPost) -> str:
    """The post's body as a complete HTML document with every style inlined. Its only
    links are the body's (all from the store) and the post's own address."""
    import css_inline

    from newsdesk.publish.feed import markdown_html

    footer = ""
    if site_url(post):
        label = READ_ON_SITE.get(post.lang, READ_ON_SITE["en"])
        footer = f'<p class="footer"><a href="{html.escape(post.url)}">{label}</a></p>'
    document = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(post.lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(post.title)}</title><style>{stylesheet()}</style></head>"
        f'<body><div class="digest">{markdown_html(post.body)}{footer}</div></body></html>'
    )
    return str(css_inline.inline(document, load_remote_stylesheets=False))


def render_text(post: StoredPost) -> str:
    """The plain-text alternative: the Markdown body, and the post's address."""
    text = post.body.rstrip() + "\n"
    return f"{text}\n{post.url}\n" if site_url(post) else text


def site_url(post: StoredPost) -> str:
    """The post's address when it is one a reader can open (not a site-relative path,
    as it is when the site has no base_url)."""
    return post.url if post.url.startswith(("https://", "http://")) else ""


def drafts(post: StoredPost, settings: ChannelSettings) -> list[Draft]:
    """One draft per recipient, or one for all of them in Bcc."""
    subject = " ".join(post.title.split())  # a header holds no line break
    html_part, text_part = render_html(post), render_text(post)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "newsdesk.invalid"

    def draft(to: str, bcc: tuple[str, ...] = ()) -> Draft:
        return Draft(
            settings.sender,
            to,
            bcc,
            subject,
            text_part,
            html_part,
            make_msgid(domain=domain),
            settings.list_unsubscribe,
        )

    if settings.bcc:
        return [draft(settings.sender, tuple(settings.recipients))]
    return [draft(recipient) for recipient in settings.recipients]


def address_problems(settings: ChannelSettings) -> list[str]:
    found = []
    if not settings.host:
        found.append("host is not set (the SMTP server)")
    if not _is_address(settings.sender):
        found.append("sender is not set to an address (the From: of the digests)")
    if not settings.recipients:
        found.append("recipients is empty: name at least one address")
    found += [
        f"recipient {r!r} is not an address" for r in settings.recipients if not _is_address(r)
    ]
    return found


def _is_address(value: str) -> bool:
    """One address, bare or with a display name ("Desk <desk@example.org>")."""
    found = getaddresses([value])
    if len(found) != 1:
        return False
    try:
        Address(addr_spec=found[0][1])
    except (ValueError, IndexError):
        return False
    return "@" in found[0][1]


def login_problems(settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
    """A login needs both names; a server without login needs neither."""
    if not settings.username_env and not settings.password_env:
        return []
    if not settings.username_env or not settings.password_env:
        return ["username_env and password_env go together: set both, or neither"]
    return missing_env(settings, environ, "username_env", "password_env")


def other_problems(settings: ChannelSettings) -> list[str]:
    found = []
    if settings.cafile and not Path(settings.cafile).expanduser().is_file():
        found.append(f"cafile {settings.cafile} is not a file (a PEM bundle of CAs)")
    unsubscribe = settings.list_unsubscribe
    if unsubscribe and not unsubscribe.startswith(("mailto:", "https:", "http:")):
        found.append("list_unsubscribe must be a mailto: or an https: address")
    return found


class Channel:
    def problems(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        return (
            address_problems(settings)
            + login_problems(settings, environ)
            + other_problems(settings)
        )

    def secrets(self, settings: ChannelSettings, environ: Mapping[str, str]) -> list[str]:
        found = [
            env_value(settings.password_env, environ),
            env_value(settings.username_env, environ),
        ]
        return [value for value in found if value]

    def messages(self, post: StoredPost, settings: ChannelSettings) -> list[Message]:
        return [Message(d.preview(), d) for d in drafts(post, settings)]

    def send(self, message: Message, settings: ChannelSettings, context: SendContext) -> Receipt:
        draft: Draft = message.payload
        username = env_value(settings.username_env, context.environ)
        password = env_value(settings.password_env, context.environ)
        try:
            refused = transmit(draft.email(context.now()), draft, settings, username, password)
        except (smtplib.SMTPException, OSError) as exc:
            raise failure(exc) from None
        except ValueError as exc:  # a header or an address the message cannot hold
            raise SendError(f"the message could not be sent: {exc}", retryable=False) from None
        if refused:
            logger.warning(
                "channel %s: refused by the server: %s", settings.name, refused_text(refused)
            )
        return Receipt(message_id=draft.message_id, answer=refused_text(refused))


def transmit(
    mail: EmailMessage, draft: Draft, settings: ChannelSettings, username: str, password: str
) -> dict[str, tuple[int, bytes]]:
    """Connect, log in when there is a login, send; the recipients refused when others
    took it. The connection is closed whatever happens; a failing QUIT after the
    message was accepted does not make it a failure (a retry would send it twice)."""
    sender, recipients = draft.envelope
    smtp = connect(settings)
    try:
        if username:
            login(smtp, settings, username, password)
        refused = smtp.send_message(mail, sender, recipients)
    finally:
        close(smtp)
    return dict(refused)


def login(smtp: smtplib.SMTP, settings: ChannelSettings, username: str, password: str) -> None:
    """Log in; a server that offers no login on this connection most often offers it only
    once the connection is encrypted, which is worth saying."""
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        hint = '; it may need security = "starttls" or "ssl"' if settings.security == "none" else ""
        raise SendError(
            f"the server offers no login (AUTH) on this connection{hint}", retryable=False
        )
    try:
        smtp.login(username, password)
    except UnicodeError:  # its text would hold the password
        reason = "the username or password holds characters SMTP AUTH cannot send (ASCII only)"
        raise SendError(reason, retryable=False) from None


def connect(settings: ChannelSettings) -> smtplib.SMTP:
    """An open SMTP session, encrypted as `security` says."""
    port = settings.port or DEFAULT_PORTS[settings.security]
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, port, timeout=settings.timeout, context=tls_context(settings)
        )
    smtp = smtplib.SMTP(settings.host, port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            smtp.starttls(context=tls_context(settings))
        except BaseException:
            close(smtp)
            raise
    return smtp


def tls_context(settings: ChannelSettings) -> ssl.SSLContext:
    """Certificates verified, host name checked; against `cafile` when it is set."""
    cafile = str(Path(settings.cafile).expanduser()) if settings.cafile else None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ValueError) as exc:
        raise SendError(
            f"cafile {settings.cafile} could not be read: {exc}", retryable=False
        ) from None


def close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def failure(exc: smtplib.SMTPException | OSError) -> SendError:
    """A failed send as the delivery stage retries it: a 4xx answer is temporary by SMTP's
    own rules (RFC 5321 §4.2.1) and so are network and TLS faults; a 5xx answer, a
    refused login or an unverifiable certificate will not change by trying again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return SendError(f"recipients refused: {refused_text(exc.recipients)}", retryable=temporary)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SendError(f"login refused: {answer_text(exc)}", retryable=False)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SendError(
            f"sender {exc.sender} refused: {answer_text(exc)}", retryable=exc.smtp_code < 500
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendError(f"the server answered {answer_text(exc)}", retryable=exc.smtp_code < 500)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SendError(f"the server closed the connection: {exc}")
    if isinstance(exc, smtplib.SMTPException):  # no STARTTLS, no AUTH, no SMTPUTF8
        return SendError(f"the server cannot take it: {exc}", retryable=False)
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = f"the server's certificate is not trusted ({exc.verify_message})"
        return SendError(f"{reason}; set cafile for a private CA", retryable=False)
    if isinstance(exc, ssl.SSLError):
        return SendError(f"TLS failed: {exc.reason or exc}")
    if isinstance(exc, TimeoutError):
        return SendError("no answer: timed out")
    return SendError(f"no answer: {exc.strerror or exc}")


def answer_text(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {' '.join(str(text).split())}"[:300]


def refused_text(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {answer.decode('utf-8', 'replace')})"[:200]
        for address, (code, answer) in refused.items()
    )
