"""`newsdesk doctor`: is everything in place for a run? Each check says what to change."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import openai

from newsdesk.analyze import prompt_environment, prompt_messages
from newsdesk.config import ResponseFormat, Settings
from newsdesk.errors import NewsdeskError
from newsdesk.llm import ModelError, api_key, error_text, make_openai
from newsdesk.store import Store

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str


def diagnose(settings: Settings, *, environ: Mapping[str, str] | None = None) -> list[Check]:
    checks = [_config(settings), _database(settings)]
    llm = settings.llm
    if not llm.enabled:
        checks.append(
            Check(
                "model",
                "skip",
                "no [llm] configured: the offline analyst writes the analysis. To use a model, "
                'set [llm] provider = "deepseek" (or qwen, moonshot, zhipu, openai, ollama, vllm, '
                "llamacpp), or base_url and model",
            )
        )
        return checks
    try:
        key = api_key(llm, dict(environ) if environ is not None else None)
    except ModelError as exc:
        return [*checks, Check("key", "fail", str(exc))]
    env = llm.resolved_key_env
    checks.append(Check("key", "ok", f"{env} is set" if env else "no key needed"))
    with make_openai(llm, key) as client:
        checks.extend(_endpoint(settings, client))
    return checks


def _config(settings: Settings) -> Check:
    enabled = sum(1 for s in settings.sources if s.enabled)
    where = settings.base_dir
    status: Status = "ok" if enabled else "warn"
    detail = f"{enabled} enabled sources (config folder {where})"
    if not enabled:
        detail += "; add [[sources]] or run `newsdesk init`"
    return Check("config", status, detail)


def _database(settings: Settings) -> Check:
    path = settings.path(settings.database)
    try:
        with Store(path) as store:
            items = store.count_items()
    except NewsdeskError as exc:
        return Check("database", "fail", str(exc))
    return Check("database", "ok", f"{path}: {items:,} items")


def _endpoint(settings: Settings, client: openai.OpenAI) -> list[Check]:
    llm = settings.llm
    base, model = llm.resolved_base_url, llm.resolved_model
    checks: list[Check] = []
    try:
        served = [m.id for m in client.models.list()]
    except openai.APIConnectionError as exc:
        return [
            Check(
                "endpoint",
                "fail",
                f"cannot reach {base} ({type(exc).__name__}); check llm.base_url and that the "
                "server is running",
            )
        ]
    except openai.APIStatusError as exc:
        if exc.status_code in (401, 403):
            return [
                Check(
                    "endpoint",
                    "fail",
                    f"{base} refused the key ({exc.status_code}); check {llm.resolved_key_env}",
                )
            ]
        checks.append(
            Check(
                "endpoint",
                "warn",
                f"{base} answered {exc.status_code} to /models; if the next checks fail too, "
                "check that llm.base_url is the API root (often ending in /v1)",
            )
        )
        served = []
    else:
        checks.append(Check("endpoint", "ok", f"reached {base}: {len(served)} models listed"))
        if served and model not in served:
            shown = ", ".join(served[:8]) + (" …" if len(served) > 8 else "")
            checks.append(
                Check(
                    "model",
                    "fail",
                    f"{model} is not among the models this endpoint serves ({shown}); set llm.model",
                )
            )
            return checks
    checks.append(_answer(settings, client, fmt="plain"))
    if checks[-1].status == "ok":
        checks.append(_json(settings, client))
    return checks


def _answer(settings: Settings, client: openai.OpenAI, *, fmt: ResponseFormat) -> Check:
    llm = settings.llm
    messages = prompt_messages(prompt_environment(settings.base_dir / "prompts"), "doctor.md")
    options: dict[str, Any] = {}
    if fmt == "json_object":
        options["response_format"] = {"type": "json_object"}
    elif fmt == "json_schema":
        schema = {
            "type": "object",
            "properties": {"ok": {"type": "boolean"}},
            "required": ["ok"],
            "additionalProperties": False,
        }
        options["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "doctor", "schema": schema, "strict": True},
        }
    started = time.monotonic()
    try:
        response = client.chat.completions.create(
            model=llm.resolved_model,
            messages=messages,  # type: ignore[arg-type]
            max_tokens=64,
            temperature=0,
            **options,
        )
    except openai.APITimeoutError:
        return Check("answer", "fail", f"no answer within llm.timeout ({llm.timeout:g} s)")
    except openai.APIConnectionError as exc:
        return Check("answer", "fail", f"the connection failed ({type(exc).__name__})")
    except openai.APIStatusError as exc:
        hint = "check llm.model" if exc.status_code in (400, 404) else "see the message"
        return Check(
            "answer" if fmt == "plain" else fmt,
            "fail",
            f"{exc.status_code}: {error_text(exc)}; {hint}",
        )
    ms = round((time.monotonic() - started) * 1000)
    text = (response.choices[0].message.content or "") if response.choices else ""
    if not text.strip():
        return Check("answer", "fail", f"{llm.resolved_model} answered with no text")
    if fmt != "plain":
        try:
            json.loads(text)
        except ValueError:
            return Check(fmt, "fail", f"the answer was not JSON: {text[:60]!r}")
    return Check(
        "answer" if fmt == "plain" else fmt, "ok", f"{llm.resolved_model} answered in {ms} ms"
    )


def _json(settings: Settings, client: openai.OpenAI) -> Check:
    """The strongest response format that works, starting from the configured one."""
    order: list[ResponseFormat] = ["json_schema", "json_object"]
    wanted = settings.llm.resolved_format
    if wanted == "plain":
        return Check(
            "json", "skip", "llm.response_format is plain: JSON is asked for in the prompt"
        )
    tried: list[str] = []
    for fmt in order[order.index(wanted) :]:
        check = _answer(settings, client, fmt=fmt)
        if check.status == "ok":
            return Check(
                "json",
                "ok" if fmt == wanted else "warn",
                f"{fmt} works"
                + (
                    ""
                    if fmt == wanted
                    else f' ({"; ".join(tried)}); set llm.response_format = "{fmt}"'
                ),
            )
        tried.append(f"{fmt} refused: {check.detail}")
    return Check(
        "json",
        "warn",
        f'{"; ".join(tried)}; set llm.response_format = "plain" (JSON is then asked for in the prompt)',
    )


def as_json(checks: list[Check]) -> str:
    return json.dumps([dataclasses.asdict(c) for c in checks], ensure_ascii=False, indent=2)
