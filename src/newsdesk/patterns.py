"""What a regular expression's text says about every match of it, read without
compiling it: where its groups close, its top-level alternatives split, whether every
match holds a digit and which literals it must contain. The keyword table (classify.py)
and the relevance terms (relevance.py) use it to search a pattern only in texts that can
hold a match."""

from __future__ import annotations

import itertools
import re


def scan(source: str) -> list[tuple[int, str, int]]:
    """(index, character, depth) of each character of a pattern outside escapes and
    classes, with the group depth before it."""
    out, depth, index = [], 0, 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            end = index + 1 + (source[index + 1 : index + 2] == "]")
            while end < len(source) and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            index = end + 1
            continue
        out.append((index, char, depth))
        depth += (char == "(") - (char == ")")
        index += 1
    return out


def top_level_bar(source: str) -> bool:
    """Whether a pattern has a `|` outside every group and character class."""
    return any(char == "|" and depth == 0 for _, char, depth in scan(source))


def group_end(source: str) -> int:
    """Where the group that opens a pattern closes (-1 when it does not)."""
    return next((i for i, char, depth in scan(source) if char == ")" and depth == 1), -1)


def split_bars(source: str) -> list[str]:
    cuts = [i for i, char, depth in scan(source) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(source)]
    return [source[a + 1 : b] for a, b in itertools.pairwise(bounds)]


def needs_digit(source: str) -> bool:
    """Whether every match of a pattern holds a digit: the pattern has no `|` outside a
    group and, outside any group, a digit (\\d, a class of digits, or a digit) that no
    `?`, `*` or `{0,…}` makes optional. False when unsure."""
    depth, index, found = 0, 0, False
    while index < len(source):
        char = source[index]
        digit = False
        if char == "\\":
            digit = source[index + 1 : index + 2] == "d"
            index += 2
        elif char == "[":
            end = index + 1 + (source[index + 1 : index + 2] == "]")
            while end < len(source) and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            body = source[index + 1 : end]
            digit = bool(body) and re.fullmatch(r"(?:\\d|\d(?:-\d)?)+", body) is not None
            index = end + 1
        elif char == "{":  # a quantifier's bounds
            index = source.find("}", index) + 1 or len(source)
        else:
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "|" and depth == 0:
                return False
            digit = char.isdigit() and depth == 0
            index += 1
        optional = source[index : index + 1] in ("?", "*") or source.startswith("{0", index)
        found = found or (digit and depth == 0 and not optional)
    return found


# A regular expression's leading literal: letters, digits, spaces and escaped punctuation,
# after an optional "(?-i:…)" (matched as written), "^" or "\b", and any lookbehind.
_WRAPPED_EXACT = re.compile(r"\(\?-i:(.*)\)", re.S)
_LOOKBEHIND = re.compile(r"\(\?<[=!][^()]*\)")
_LITERAL = re.compile(r"(?:[A-Za-z0-9 ]|\\[.\[\]$\-]|[^\x00-\x7f])+")
_QUANTIFIER = "?*{"
_PLAIN_GROUP = re.compile(r"[A-Za-z0-9 '’|-]+")


def literals(source: str) -> tuple[tuple[str, ...], bool] | None:
    """Literals one of which every match of a regular expression contains, and whether
    they must be found as written (inside "(?-i:…)") or in the lower-cased text; None
    when the expression does not start with a literal (or a group of plain literals)."""
    exact = _WRAPPED_EXACT.fullmatch(source)
    if exact:
        source = exact.group(1)
        if "(" in source or ")" in source:
            return None
    if top_level_bar(source):
        return None  # "abc|def": a match need not hold "abc"
    while True:
        stripped = source.removeprefix("^").removeprefix("\\b")
        behind = _LOOKBEHIND.match(stripped)
        stripped = stripped[behind.end() :] if behind else stripped
        if stripped == source:
            break
        source = stripped
    if source.startswith("(?:"):
        end = group_end(source)
        inner = source[3:end]
        # Only a group of plain words: "(?:Opus|Sonnet|Haiku)".
        if (
            end < 0
            or not _PLAIN_GROUP.fullmatch(inner)
            or source[end + 1 : end + 2] in tuple(_QUANTIFIER)
        ):
            return None
        alternatives = inner.split("|")
    else:
        alternatives = [source]
    needles = []
    for alternative in alternatives:
        found = _LITERAL.match(alternative)
        if found is None:
            return None
        literal = found.group()
        if alternative[found.end() : found.end() + 1] in tuple(_QUANTIFIER):
            literal = literal[:-1]  # "GPT-?": the last character may be absent
            if literal.endswith("\\"):
                literal = literal[:-1]
        literal = re.sub(r"\\(.)", r"\1", literal)
        if len(literal) < 2 and literal.isascii():
            return None
        needles.append(literal if exact else literal.casefold())
    return tuple(needles), bool(exact)
