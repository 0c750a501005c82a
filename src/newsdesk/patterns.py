"""What a regular expression's text says about every match of it, read without
compiling it: where its groups close and its top-level alternatives split. The keyword
table (classify.py) and the relevance terms (relevance.py) use it to search a pattern
only in texts that can hold a match."""

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
