"""What a regular expression's text says about every match of it, read without
compiling it: where its groups close and its top-level alternatives split. The keyword
table (classify.py) and the relevance terms (relevance.py) use it to search a pattern
only in texts that can hold a match."""

from __future__ import annotations

import itertools


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
