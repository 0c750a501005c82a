from __future__ import annotations

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
