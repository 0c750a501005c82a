from __future__ import annotations

import pytest

from newsdesk.normalize import canonical_url, clean_text, detect_language, sentences


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://Example.COM:443/a?utm_source=x&b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://ex.com/p?fbclid=1&gclid=2&spm=a.b&ref=hn&id=7", "https://ex.com/p?id=7"),
        ("https://ex.com/p?utm_medium=rss&UTM_CAMPAIGN=y", "https://ex.com/p"),
        ("  https://ex.com/p  ", "https://ex.com/p"),
    ],
)
def test_canonical_urls(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_relative_links_resolve_and_non_web_links_are_refused() -> None:
    assert canonical_url("../b/c", "https://ex.com/a/feed.xml") == "https://ex.com/b/c"
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("mailto:a@b.c") is None
    assert canonical_url("/only/path") is None
    assert canonical_url("http://[::1]:99999/") is None


def test_clean_text_strips_markup_scripts_and_decodes_entities() -> None:
    assert clean_text("<p>Hello <b>world</b></p><p>Next</p>") == "Hello world Next"
    assert clean_text("<script>alert(1)</script>safe &amp; sound") == "safe & sound"
    assert clean_text("&lt;script&gt;alert(1)&lt;/script&gt;Title") == "Title"
    assert clean_text("<img src=x onerror=alert(1)>caption") == "caption"
    assert clean_text("caf&eacute; &#8212; d&#xe9;j&#224; vu") == "café — déjà vu"
    assert clean_text("a\u200bb\x00c\n\n  d") == "abc d"


def test_plain_text_keeps_comparisons_but_not_tags() -> None:
    assert clean_text("2 < 3 and x<y", markup=False) == "2 < 3 and x<y"
    assert clean_text("Title <script>alert(1)</script>", markup=False) == "Title"


def test_language_detection() -> None:
    assert detect_language("OpenAI 发布新一代模型，推理能力提升") == "zh"
    assert detect_language("Lumen-3 登顶 open-model leaderboard 榜单") == "zh"
    assert detect_language("Aurora releases an open-weight model") == "en"
    assert detect_language("Le modèle est disponible", "fr-FR") == "fr"
    assert detect_language("新しいモデルを発表") == "ja"


def test_sentences_split_both_languages() -> None:
    assert sentences("第一句。第二句！Third one. Fourth? end") == [
        "第一句。",
        "第二句！",
        "Third one.",
        "Fourth?",
        "end",
    ]
    assert sentences("Version 3.5 is out. It is fast.") == ["Version 3.5 is out.", "It is fast."]
