"""The model client: one OpenAI-compatible endpoint, its answers cached, its cost counted.

Every call goes through `ModelClient.complete`: a cached answer for the same prompt and
model is returned without a call; otherwise the run's token budget is checked, the call
is made with the strongest response format the endpoint accepts, and a 429, a 5xx, a
timeout or a dropped connection is retried after the server's Retry-After (within
`llm.max_wait`) or an exponential backoff, `llm.retries` times. An endpoint that still
fails is not called again in the run: the analyst writes the rest offline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from newsdesk import __version__
from newsdesk.clock import Clock, system_clock
from newsdesk.config import LlmSettings, ResponseFormat
from newsdesk.http import retry_after
from newsdesk.models import ModelUsage
from newsdesk.store import Store

if TYPE_CHECKING:  # openai (and httpx) load when a model is first called, not with this module
    import openai

logger = logging.getLogger(__name__)
Message = dict[str, str]
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_STEP_DOWN: dict[ResponseFormat, ResponseFormat] = {
    "json_schema": "json_object",
    "json_object": "plain",
}
_NO_MODEL = re.compile(
    r"model\W.{0,60}(?:not exist|does not exist|not found|unknown|invalid|no such)"
    r"|(?:unknown|invalid|no such) model",
    re.IGNORECASE,
)
# A local server needs no key, but the client library insists on one.
NO_KEY = "not-needed"


def estimate_tokens(text: str) -> int:
    """Tokens in `text` as BPE tokenisers count them, roughly: a CJK character is about
    one token, other text about four characters a token. Errs on the high side."""
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 4)


def estimate_messages(messages: Sequence[Message]) -> int:
    return sum(estimate_tokens(m["content"]) + 4 for m in messages) + 3


class ModelError(Exception):
    """The endpoint could not give an answer; `fault` says why in one word."""

    def __init__(self, message: str, fault: str) -> None:
        super().__init__(message)
        self.fault = fault


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    finish_reason: str
    key: str
    cached: bool
    prompt_tokens: int = 0
    completion_tokens: int = 0


def api_key(settings: LlmSettings, environ: dict[str, str] | None = None) -> str:
    """The key from the environment variable the settings name; raise ModelError saying
    which variable to set when it is needed and absent."""
    env = os.environ if environ is None else environ
    name = settings.resolved_key_env
    if name is None:
        return NO_KEY
    value = env.get(name, "").strip()
    if not value:
        raise ModelError(
            f"the environment variable {name} is not set; export {name}=<your key> "
            "(newsdesk reads keys from the environment only)",
            "no_key",
        )
    return value


def make_openai(settings: LlmSettings, key: str) -> openai.OpenAI:
    """The OpenAI client for the endpoint: our retries, not the library's."""
    import httpx
    import openai

    return openai.OpenAI(
        base_url=settings.resolved_base_url,
        api_key=key,
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
        max_retries=0,
        default_headers={"User-Agent": f"newsdesk/{__version__}"},
    )


class ModelClient:
    """Calls to one model for one run, shared by the analyst's worker threads."""

    def __init__(
        self,
        settings: LlmSettings,
        *,
        usage: ModelUsage,
        store: Store | None = None,
        client: openai.OpenAI | None = None,
        warn: Callable[[str], None] = lambda message: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = system_clock,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.model = settings.resolved_model
        self.usage = usage
        usage.model = self.model
        self.store = store
        self.format: ResponseFormat = settings.resolved_format
        self.warn = warn
        self.sleep = sleep
        self.broken: ModelError | None = None
        self._reserved = 0
        self._lock = threading.Lock()
        self._client = client
        if client is None:
            try:
                self._client = make_openai(settings, api_key(settings))
            except ModelError as exc:
                self._break(exc)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # -- the one entry point ------------------------------------------------

    def complete(self, messages: Sequence[Message], *, schema: type[BaseModel], name: str) -> Reply:
        """The model's answer to `messages`: from the cache, or from one call."""
        key = prompt_key(self.model, messages)
        cached = self._cached(key)
        if cached is not None:
            return cached
        if self.broken is not None:
            raise self.broken
        reserve = estimate_messages(messages) + self.settings.max_tokens
        self._reserve(reserve)
        try:
            return self._call(messages, schema=schema, name=name, key=key)
        finally:
            with self._lock:
                self._reserved -= reserve

    def cached(self, messages: Sequence[Message]) -> Reply | None:
        """The cached answer to `messages`, if there is one; never a call."""
        return self._cached(prompt_key(self.model, messages))

    def keep(self, replies: Iterable[Reply]) -> None:
        """Cache answers that made a usable section, so a rerun makes no call for it."""
        fresh = [r for r in replies if not r.cached]
        if self.store is None or not fresh:
            return
        with self._lock:
            for reply in fresh:
                self.store.put_answer(
                    reply.key,
                    model=self.model,
                    text=reply.text,
                    prompt_tokens=reply.prompt_tokens,
                    completion_tokens=reply.completion_tokens,
                    created=self.clock(),
                )

    # -- pieces -----------------------------------------------------------------

    def _cached(self, key: str) -> Reply | None:
        if self.store is None:
            return None
        with self._lock:
            text = self.store.answer(key)
            if text is None:
                return None
            self.usage.cache_hits += 1
        return Reply(text, "stop", key, cached=True)

    @property
    def unavailable(self) -> bool:
        """Whether a call of this run got no answer: the endpoint unreachable, timing out,
        rate-limited or failing (5xx) after its retries, refusing the key or the model, or
        the token budget spent. An answer that came but could not be used is not this."""
        return self.broken is not None or self.usage.budget_stops > 0

    def _reserve(self, tokens: int) -> None:
        with self._lock:
            spent = self.usage.total_tokens + self._reserved
            if spent + tokens > self.settings.max_tokens_per_run:
                self.usage.budget_stops += 1
                raise ModelError(
                    f"llm.max_tokens_per_run ({self.settings.max_tokens_per_run:,}) would be "
                    f"passed ({spent:,} spent or in flight, this call up to {tokens:,})",
                    "budget",
                )
            self._reserved += tokens

    def _call(
        self, messages: Sequence[Message], *, schema: type[BaseModel], name: str, key: str
    ) -> Reply:
        import openai

        assert self._client is not None
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self._client.chat.completions.create(
                    model=self.model,
                    messages=list(messages),  # type: ignore[arg-type]
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                    **self._format_options(schema, name),
                )
            except openai.APIStatusError as exc:
                if exc.status_code == 400 and self._refused_format(exc):
                    continue
                fault, message = _status_fault(exc, self.settings)
                if fault == "refused":  # this request only (too long, say): its section falls back
                    raise ModelError(message, fault) from None
                if fault not in ("rate_limited", "http_error"):
                    raise self._break(ModelError(message, fault)) from None
                delay = self._delay(attempt, exc.response.headers.get("retry-after", ""))
            except openai.APITimeoutError:
                fault, delay = "timeout", self._delay(attempt, "")
                message = f"no answer within llm.timeout ({self.settings.timeout:g} s)"
            except openai.APIConnectionError as exc:
                fault, delay = "unreachable", self._delay(attempt, "")
                message = (
                    f"cannot reach {self.settings.resolved_base_url} ({_cause(exc)}); "
                    "check llm.base_url and that the server is running"
                )
            else:
                return self._reply(response, messages, key, time.monotonic() - started)
            if delay is None or attempt >= self.settings.retries:
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise self._break(ModelError(f"{message}{tries}", fault))
            logger.info("model %s: %s; retrying in %.1f s", self.model, fault, delay)
            with self._lock:
                self.usage.retries += 1
                self.usage.waited_ms += round(delay * 1000)
            self.sleep(delay)
            attempt += 1

    def _format_options(self, schema: type[BaseModel], name: str) -> dict[str, Any]:
        if self.format == "json_schema":
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": name, "schema": strict_schema(schema), "strict": True},
                }
            }
        if self.format == "json_object":
            return {"response_format": {"type": "json_object"}}
        return {}

    def _refused_format(self, exc: openai.APIStatusError) -> bool:
        """Step down from a response format the endpoint rejects; True to try again."""
        text = str(exc.message).casefold()
        if self.format == "plain" or not any(w in text for w in ("response_format", "json")):
            return False
        with self._lock:
            before = self.format
            self.format = _STEP_DOWN.get(before, "plain")
        self.warn(
            f"llm: the endpoint refused response_format {before}; used {self.format} "
            f'instead (set llm.response_format = "{self.format}" to skip the failed try)'
        )
        return True

    def _delay(self, attempt: int, header: str) -> float | None:
        """Seconds before the next try: Retry-After when within llm.max_wait, else
        backoff with jitter; None when the server asks for longer than llm.max_wait."""
        told = retry_after(header) if header else None
        if told is not None:
            return told if told <= self.settings.max_wait else None
        backoff = self.settings.backoff * 2.0**attempt * (0.75 + random.random() / 2)
        return min(backoff, self.settings.max_wait)

    def _reply(
        self,
        response: Any,
        messages: Sequence[Message],
        key: str,
        elapsed: float,
    ) -> Reply:
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        finish = (choice.finish_reason or "") if choice else "empty"
        usage = response.usage
        with self._lock:
            self.usage.calls += 1
            if usage is not None and usage.prompt_tokens:
                prompt, completion = usage.prompt_tokens, usage.completion_tokens or 0
            else:
                prompt, completion = estimate_messages(messages), estimate_tokens(text)
                self.usage.estimated_calls += 1
            self.usage.prompt_tokens += prompt
            self.usage.completion_tokens += completion
        logger.info(
            "model %s: %d prompt + %d completion tokens in %.1f s (%s)",
            self.model,
            prompt,
            completion,
            elapsed,
            finish,
        )
        return Reply(
            text, finish, key, cached=False, prompt_tokens=prompt, completion_tokens=completion
        )

    def _break(self, exc: ModelError) -> ModelError:
        """Remember a failure that makes further calls pointless (no key, refused key,
        unknown model, endpoint down) and say so once on the run."""
        if exc.fault == "budget":
            return exc
        with self._lock:
            first = self.broken is None
            self.broken = exc
        if first:
            self.warn(f"llm: {exc}; the rest of the analysis was written offline")
        return exc


def prompt_key(model: str, messages: Sequence[Message]) -> str:
    payload = json.dumps([model, list(messages)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the strict form structured-output endpoints accept:
    every property required, no others allowed, no defaults or length keywords."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {
                k: walk(v)
                for k, v in node.items()
                if k not in {"default", "title", "minLength", "maxLength", "minItems", "maxItems"}
            }
            if "properties" in out:
                out["required"] = list(out["properties"])
                out["additionalProperties"] = False
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(model.model_json_schema())
    return result


def _status_fault(exc: openai.APIStatusError, settings: LlmSettings) -> tuple[str, str]:
    status = exc.status_code
    detail = error_text(exc)
    if status == 429:
        return "rate_limited", f"rate-limited (429): {detail}"
    if status >= 500:
        return "http_error", f"server error ({status}): {detail}"
    if status in (401, 403):
        env = settings.resolved_key_env or "llm.api_key_env"
        return "auth", f"the endpoint refused the key ({status}: {detail}); check {env}"
    if status == 404 or _NO_MODEL.search(detail):
        return "unknown_model", (
            f"the endpoint answered {status} ({detail}); check llm.model "
            f"({settings.resolved_model}) and llm.base_url ({settings.resolved_base_url})"
        )
    return "refused", f"the endpoint refused the request ({status}: {detail})"


def error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:200]
        if isinstance(inner, str):
            return inner[:200]
    return str(exc.message)[:200]


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return str(cause or exc)[:160] or type(exc).__name__
