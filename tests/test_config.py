from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.config import find_config, load_settings
from newsdesk.errors import ConfigError
from tests.conftest import write_config


def test_packaged_defaults_match_the_reference_categories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)
    settings = load_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.language == "zh"
    assert [c.zh for c in settings.categories] == [
        "模型动态",
        "产品应用",
        "开发工具",
        "技术洞察",
        "产业动态",
        "基础设施",
        "安全治理",
        "其他",  # what fits no other section: shown last, never guessed as 产业动态
    ]
    assert settings.site.format == "markdown"


def test_config_found_by_flag_then_env_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = write_config(tmp_path, 'language = "en"\n')
    other = tmp_path / "other.toml"
    other.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)
    assert find_config(None) == local
    monkeypatch.setenv("NEWSDESK_CONFIG", str(other))
    assert load_settings().timezone == "Europe/Berlin"
    assert load_settings(local).language == "en"


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'database = "data/news.db"\n[site]\nout = "public"\n')
    settings = load_settings(path)
    assert settings.path(settings.database) == tmp_path.resolve() / "data" / "news.db"
    assert settings.path(settings.site.out) == tmp_path.resolve() / "public"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[site]\nformat = "hugoo"\n', ["site.format", "'hugo'", "'hugoo'"]),
        ('timezone = "Mars/Olympus"\n', ["timezone", "unknown time zone", "IANA"]),
        ('langauge = "en"\n', ["langauge", "unknown key"]),
        (
            '[[sources]]\nname = "a"\nurl = "x.xml"\nweight = -1\n',
            ["sources[0].weight", "greater than or equal to 0"],
        ),
        (
            '[[sources]]\nname = "a"\nurl = "x.xml"\nkind = "podcast"\n',
            ["sources[0].kind", "unknown source kind", "feed"],
        ),
        (
            '[[sources]]\nname = "a"\nurl = "a.xml"\n[[sources]]\nname = "a"\nurl = "b.xml"\n',
            ["names must be unique", "a"],
        ),
        ('language = "fr"\n', ["language", "'zh'", "'en'"]),
    ],
)
def test_wrong_values_name_the_key_and_the_fix(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message


def test_toml_syntax_errors_point_at_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "timezone = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(path)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config: no config file"):
        load_settings(tmp_path / "nope.toml")


def test_one_line_picks_a_provider(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, '[llm]\nprovider = "DeepSeek"\n'))
    llm = settings.llm
    assert llm.enabled and llm.provider == "deepseek"
    assert llm.resolved_base_url == "https://api.deepseek.com"
    assert (llm.resolved_model, llm.resolved_key_env) == ("deepseek-chat", "DEEPSEEK_API_KEY")
    assert llm.resolved_format == "json_object" and llm.shortlist == 20
    override = load_settings(
        write_config(
            tmp_path, '[llm]\nprovider = "kimi"\nmodel = "kimi-k2"\nresponse_format = "plain"\n'
        )
    ).llm
    assert override.resolved_base_url == "https://api.moonshot.cn/v1"
    assert (override.resolved_model, override.resolved_format) == ("kimi-k2", "plain")
    assert not load_settings(write_config(tmp_path, "")).llm.enabled


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[llm]\nprovider = "skynet"\n', "llm.provider: unknown provider 'skynet'; use one of"),
        (
            '[llm]\nprovider = "ollama"\n',
            "llm: set llm.model to the name of a model the ollama server serves",
        ),
        ('[llm]\nbase_url = "localhost:8000"\n', "llm.base_url: base_url must start with http://"),
        ('[llm]\nprovider = "openai"\napi_key_env = "sk-123"\n', "llm.api_key_env"),
        ('[llm]\nprovider = "openai"\nshortlist = 0\n', "llm.shortlist"),
    ],
)
def test_wrong_llm_settings_say_what_to_change(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(write_config(tmp_path, body))
