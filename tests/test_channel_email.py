"""The email channel (publish/channels/mail.py) against a real SMTP server on 127.0.0.1
(aiosmtpd): the message's MIME structure and headers, one message per recipient or one
in Bcc, STARTTLS with a login and implicit TLS against a throwaway certificate, 4xx and
5xx answers, and a digest delivered end to end by `newsdesk daily`."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email
import html
import inspect
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from aiosmtpd.controller import BaseController, Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from newsdesk.config import ChannelSettings
from newsdesk.publish.channels import Message, SendContext, SendError
from newsdesk.publish.channels.mail import Channel
from newsdesk.publish.post import StoredPost
from newsdesk.write import escape_url
from tests.channel_fixtures import chinese_post
from tests.conftest import demo_site
from tests.test_deliver import daily, run, stored_links

DAY = "2026-11-11"
NOW = dt.datetime(2026, 11, 11, 9, 0, tzinfo=dt.UTC)
SENDER = "AI Desk <desk@news.example>"
LOGIN, PASSWORD = "desk-login", "pw-0123456789-topsecret"
ENV = {"MAIL_USER": LOGIN, "MAIL_PASSWORD": PASSWORD}


@dataclasses.dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    login: str

    @property
    def message(self) -> EmailMessage:
        return cast(EmailMessage, email.message_from_bytes(self.data, policy=policy.default))


@dataclasses.dataclass
class Sink:
    """An aiosmtpd handler: keeps every message it takes and answers DATA with `answer`."""

    answer: str = "250 2.0.0 Ok: queued"
    received: list[Received] = dataclasses.field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.decode() if session.authenticated else ""
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.content,
                bool(session.ssl),
                login,
            )
        )
        return self.answer


def check_login(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    """The server's login check: only LOGIN with PASSWORD gets in."""
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        LOGIN.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False, auth_data=auth_data.login if good else None)


def free_port() -> int:
    """A port free now: aiosmtpd 1.4 cannot listen on port 0 (it connects to its own
    port to know it is up), so the test picks one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def smtp_server(sink: Sink, **options: Any) -> Iterator[int]:
    """A real SMTP server on a free port of 127.0.0.1, for the length of the block."""
    port = free_port()
    controller = Controller(
        sink, hostname="127.0.0.1", port=port, server_hostname="smtp.test", **options
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def port(sink: Sink) -> Iterator[int]:
    with smtp_server(sink) as number:
        yield number


def settings(port: int, **keys: Any) -> ChannelSettings:
    values: dict[str, Any] = {
        "name": "mail",
        "kind": "email",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": SENDER,
        "recipients": ["ann@example.org"],
        "retries": 0,
        "timeout": 5,
    }
    return ChannelSettings(**(values | keys))


def context(environ: dict[str, str] | None = None) -> SendContext:
    return SendContext(cast(Any, None), environ or {}, lambda: NOW.timestamp())


def send_post(
    post: StoredPost, config: ChannelSettings, environ: dict[str, str] | None = None
) -> list[Message]:
    channel = Channel()
    assert channel.problems(config, environ or {}) == []
    messages = channel.messages(post, config)
    for message in messages:
        receipt = channel.send(message, config, context(environ))
        assert receipt.message_id.startswith("<") and receipt.message_id.endswith("@news.example>")
    return messages


def send_error(config: ChannelSettings, environ: dict[str, str] | None = None) -> SendError:
    channel = Channel()
    message = channel.messages(linked_post(), config)[0]
    with pytest.raises(SendError) as caught:
        channel.send(message, config, context(environ))
    return caught.value


def linked_post() -> StoredPost:
    """The long Chinese digest with a body that links every story and its other sources,
    written as the templates write it (a link's unsafe characters percent-encoded)."""
    post = chinese_post(6)
    lines = [f"# {post.title}", "", str(post.data["lede"])]
    for section in post.data["sections"]:
        lines += ["", f"## {section['emoji']} {section['name']}", ""]
        for entry in section["entries"]:
            others = "、".join(f"[{o['name']}]({escape_url(o['url'])})" for o in entry["others"])
            link = f"[{entry['title']}]({escape_url(entry['url'])})"
            lines.append(f"- **{link}** {entry['lead']}（另见：{others}）")
    return dataclasses.replace(post, body="\n".join(lines) + "\n")


def hrefs(markup: str) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="([^"]*)"', markup)}


def post_links(post: StoredPost) -> set[str]:
    """The post's links as its Markdown body holds them."""
    return {escape_url(link) for link in post.links()}


def parts(message: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_content_type(): cast(EmailMessage, part) for part in message.iter_parts()}


def test_a_message_is_multipart_alternative_in_utf8_with_inline_styles(
    sink: Sink, port: int
) -> None:
    post = linked_post()
    unsubscribe = "https://news.example/unsubscribe?u=1"
    send_post(post, settings(port, list_unsubscribe=unsubscribe))
    [got] = sink.received
    assert got.mail_from == "desk@news.example" and got.rcpt_tos == ["ann@example.org"]
    raw_subject = re.search(rb"^Subject: (.*(?:\r\n[ \t].*)*)", got.data, re.M)
    assert raw_subject and raw_subject.group(1).isascii() and b"=?utf-8?" in raw_subject.group(1)
    message = got.message
    assert message.get_content_type() == "multipart/alternative"
    assert str(message["Subject"]) == post.title
    assert message["From"] == SENDER and message["To"] == "ann@example.org"
    assert message["Date"] and message["Message-ID"].endswith("@news.example>")
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = parts(message)
    assert list(found) == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in found.values())
    text, markup = found["text/plain"].get_content(), found["text/html"].get_content()
    assert text.startswith(f"# {post.title}") and post.url in text
    assert "<style" not in markup and 'style="' in markup and "PingFang SC" in markup
    assert "星河科技发布第 0 代大模型" in markup
    links = hrefs(markup)
    assert post.url in links and len(links) > 6
    assert links <= post_links(post)


def test_one_message_per_recipient_by_default(sink: Sink, port: int) -> None:
    recipients = ["ann@example.org", "Bo <bo@example.org>", "cy@example.org"]
    messages = send_post(linked_post(), settings(port, recipients=recipients))
    assert len(messages) == 3 and len(sink.received) == 3
    assert [r.rcpt_tos for r in sink.received] == [
        ["ann@example.org"],
        ["bo@example.org"],
        ["cy@example.org"],
    ]
    assert [r.message["To"] for r in sink.received] == recipients
    assert len({r.message["Message-ID"] for r in sink.received}) == 3
    assert all("Bcc" not in r.message for r in sink.received)


def test_bcc_sends_one_message_whose_recipients_are_in_the_envelope_only(
    sink: Sink, port: int
) -> None:
    recipients = ["ann@example.org", "bo@example.org"]
    messages = send_post(linked_post(), settings(port, recipients=recipients, bcc=True))
    assert len(messages) == 1 and "Bcc: ann@example.org, bo@example.org" in messages[0].text
    [got] = sink.received
    assert got.rcpt_tos == recipients
    assert got.message["To"] == SENDER
    assert b"bcc:" not in got.data.lower() and b"bo@example.org" not in got.data


def test_the_long_chinese_post_is_one_message_per_recipient(sink: Sink, port: int) -> None:
    post = chinese_post()
    config = settings(port, recipients=["ann@example.org", "bo@example.org"])
    messages = send_post(post, config)
    assert len(messages) == 2 and len(sink.received) == 2
    for message in messages:
        assert message.text.startswith(f"From: {SENDER}\n")
        assert f"Subject: {post.title}\n" in message.text and post.body in message.text
    assert all(str(r.message["Subject"]) == post.title for r in sink.received)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1 (its own CA): (cert, key)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not (made_with_cryptography(cert, key) or made_with_openssl(cert, key)):
        pytest.skip("no way to make a test certificate: neither cryptography nor openssl")
    return cert, key


def made_with_cryptography(cert_path: Path, key_path: Path) -> bool:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    usage = {k: False for k in ("content_commitment", "key_encipherment", "data_encipherment",
                                 "key_agreement", "crl_sign", "encipher_only", "decipher_only")}  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, **usage), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return True


def made_with_openssl(cert: Path, key: Path) -> bool:
    openssl = shutil.which("openssl")
    if not openssl:
        return False
    command = [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
               "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
               "-days", "2", "-subj", "/CN=127.0.0.1",
               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
               "-addext", "basicConstraints=critical,CA:TRUE",
               "-addext", "keyUsage=critical,digitalSignature,keyCertSign"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    return done.returncode == 0 and cert.is_file()


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    found = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    found.load_cert_chain(*map(str, certificate))
    return found


@pytest.fixture
def tls_port(sink: Sink, certificate: tuple[Path, Path]) -> Iterator[int]:
    """A server that takes mail only after STARTTLS and a login."""
    options = {"require_starttls": True, "auth_required": True, "authenticator": check_login}
    with smtp_server(sink, tls_context=server_tls(certificate), **options) as number:
        yield number


def login_settings(port: int, **keys: Any) -> ChannelSettings:
    return settings(port, username_env="MAIL_USER", password_env="MAIL_PASSWORD", **keys)


def test_starttls_with_a_login_verified_against_cafile(
    sink: Sink, tls_port: int, certificate: tuple[Path, Path]
) -> None:
    config = login_settings(tls_port, security="starttls", cafile=str(certificate[0]))
    assert Channel().secrets(config, ENV) == [PASSWORD, LOGIN]
    send_post(linked_post(), config, ENV)
    [got] = sink.received
    assert got.tls and got.login == LOGIN


def test_a_wrong_password_is_not_retried_and_never_shown(
    sink: Sink, tls_port: int, certificate: tuple[Path, Path]
) -> None:
    config = login_settings(tls_port, security="starttls", cafile=str(certificate[0]))
    wrong = ENV | {"MAIL_PASSWORD": "pw-wrong-9876543210"}
    error = send_error(config, wrong)
    assert not error.retryable and "login refused" in error.reason and "535" in error.reason
    assert "pw-wrong-9876543210" not in error.reason and sink.received == []
    error = send_error(config, ENV | {"MAIL_PASSWORD": "密码-0123456789"})
    assert not error.retryable and "ASCII" in error.reason and "0123456789" not in error.reason


def test_an_untrusted_certificate_is_not_retried_and_points_at_cafile(
    sink: Sink, tls_port: int
) -> None:
    error = send_error(login_settings(tls_port, security="starttls"), ENV)
    assert not error.retryable and "cafile" in error.reason and PASSWORD not in error.reason
    assert sink.received == []


def test_plain_mail_to_a_server_that_requires_starttls_is_refused(
    sink: Sink, tls_port: int
) -> None:
    error = send_error(settings(tls_port))
    assert not error.retryable and "530" in error.reason
    error = send_error(login_settings(tls_port), ENV)
    assert not error.retryable and 'security = "starttls"' in error.reason


def test_implicit_tls(sink: Sink, certificate: tuple[Path, Path]) -> None:
    if "ssl_context" not in inspect.signature(BaseController.__init__).parameters:
        pytest.skip("this aiosmtpd's Controller takes no ssl_context (implicit TLS)")
    with smtp_server(sink, ssl_context=server_tls(certificate)) as number:
        send_post(linked_post(), settings(number, security="ssl", cafile=str(certificate[0])))
    [got] = sink.received
    assert got.rcpt_tos == ["ann@example.org"]


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [("451 4.3.0 Try again later", True), ("550 5.7.1 Message rejected", False)],
    ids=["4xx", "5xx"],
)
def test_a_4xx_answer_is_retryable_and_a_5xx_is_not(answer: str, retryable: bool) -> None:
    sink = Sink(answer=answer)
    with smtp_server(sink) as number:
        error = send_error(settings(number))
    assert error.retryable is retryable and answer.split()[0] in error.reason


def test_no_server_is_retryable() -> None:
    error = send_error(settings(free_port()))
    assert error.retryable and error.reason.startswith("no answer")


def test_problems_name_what_is_missing() -> None:
    channel = Channel()
    empty = ChannelSettings(name="mail", kind="email")
    found = " ".join(channel.problems(empty, {}))
    assert "host" in found and "sender" in found and "recipients" in found
    half = settings(25, username_env="MAIL_USER")
    assert any("go together" in p for p in channel.problems(half, ENV))
    unset = login_settings(25)
    assert any("MAIL_PASSWORD" in p for p in channel.problems(unset, {"MAIL_USER": "x"}))
    assert channel.problems(unset, ENV) == []
    wrong = settings(25, recipients=["nobody"], cafile="/no/such/ca.pem", list_unsubscribe="x")
    assert len(channel.problems(wrong, {})) == 3


def test_a_digest_is_mailed_once_end_to_end(
    tmp_path: Path, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    options = {"authenticator": check_login, "auth_require_tls": False}
    with smtp_server(sink, **options) as number:
        block = (
            '\n[[channels]]\nname = "mail"\nkind = "email"\nhost = "127.0.0.1"\n'
            f'port = {number}\nsecurity = "none"\nsender = "{SENDER}"\n'
            'recipients = ["ann@example.org"]\nusername_env = "MAIL_USER"\n'
            'password_env = "MAIL_PASSWORD"\nbackoff = 0.01\n'
        )
        site = demo_site(tmp_path, block)
        outputs = [daily(site, "--no-deliver")]
        code, stdout, stderr = run(site, "deliver", "--date", DAY, "--dry-run")
        assert code == 0, stderr
        assert "Subject: AI 日报" in stdout and sink.received == []
        outputs += [(stdout, stderr), daily(site), daily(site)]
    assert len(sink.received) == 1 and sink.received[0].login == LOGIN
    message = sink.received[0].message
    assert str(message["Subject"]).startswith("AI 日报")
    assert hrefs(parts(message)["text/html"].get_content()) <= stored_links(site)
    assert "mail: sent" in outputs[2][1] and "already sent" in outputs[3][1]
    assert all(PASSWORD not in out + err and "Traceback" not in err for out, err in outputs)
