"""Word-level diff of two paragraph texts, the way a negotiator reads a redline.

A character diff turns "Decides" → "Encourages" into a confetti of letters; negotiators
read whole words. So the texts are cut into tokens (words and punctuation marks, each
carrying the whitespace before it), every distinct token is encoded as one private-use
Unicode character — the trick diff-match-patch's ``linesToChars`` plays with lines — the
encoded strings are diffed and semantically cleaned up, and the result is decoded back.

Differences that are not differences of wording are reported as equal: whitespace is not
diffed at all, and the quote characters a typist or a converter may swap (``'' “” ‘’ " ')
encode alike. In equal stretches the NEW text's spelling is emitted, so joining the equal
and inserted parts always gives back the new text exactly, and joining the equal and
deleted parts gives the old wording (with the new spacing and quotes). Markdown emphasis
markers (``*``, ``_``) are tokens like any other mark here, so they show as changes, although
:func:`has_wording_change` and alignment set them aside.

This module also owns :func:`normalize_text`, the canonical form under which two
paragraphs count as having the same wording, and :func:`longest_increasing_run`; alignment
uses both.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from diff_match_patch import diff_match_patch

__all__ = [
    "DELETE",
    "EQUAL",
    "INSERT",
    "diff_html",
    "has_wording_change",
    "longest_increasing_run",
    "normalize_text",
    "tokens_differ",
    "word_diff",
]

#: Operation codes, as diff-match-patch uses them.
DELETE, EQUAL, INSERT = -1, 0, 1

#: One token with the whitespace before it, as (space, token). A token is a word (letters or
#: digits, inner apostrophes and hyphens kept, so "State's" and "anti-trafficking" stay
#: whole), a LaTeX-style double quote (`` or ''), or any other single non-space character
#: (punctuation, symbols). Every non-space character falls in exactly one token.
_SPACED_TOKEN = re.compile(r"(\s*)(\w+(?:['’\-]\w+)*|``|''|[^\w\s])")
#: The same tokens without their whitespace (what :func:`tokens_differ` compares).
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|``|''|[^\w\s]")

#: Quote characters that differ only in typography; all map to '"' (str.translate is an
#: order of magnitude faster than a regex here, and this runs on every paragraph).
_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»‘’‚‛'", '"'))

#: Markdown emphasis around a span: *x*, **x**, ***x***, _x_, __x__ (marker runs that hug
#: non-space text on both sides; underscores only outside words, as in CommonMark, so
#: snake_case survives). Group 2 is the emphasised text.
_EMPHASIS = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")

#: Encoded tokens live in the private-use areas, so they can never collide with text and
#: diff-match-patch's line and sentence heuristics see none of them as breaks.
_PUA_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def normalize_text(text: str) -> str:
    """Canonical wording of a paragraph: what is left once formatting is set aside.

    Whitespace is collapsed and trimmed, typographic quote variants are unified and
    Markdown emphasis markers are stripped. Two paragraphs with the same normal form have
    the same wording, even if one came out of Word and the other out of a Markdown mirror.
    """
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub(r"\2", text)
    return " ".join(_unify_quotes(text).split())


@lru_cache(maxsize=1 << 16)
def _token_key(token: str) -> str:
    """What a token is compared by (cached: the same words recur in every paragraph)."""
    return _unify_quotes(token)


def _unify_quotes(text: str) -> str:
    """Every quote variant as '"'; the LaTeX-style pairs `` and '' count as one quote."""
    return text.replace("``", '"').replace("''", '"').translate(_QUOTES)


def _codes(*token_lists: tuple[str, ...]) -> dict[str, str]:
    """Token → one private-use character; tokens that differ only in quote style share one.

    Which character a token gets does not matter to the diff, only which tokens share one.
    """
    keys = {token: _token_key(token) for token in set().union(*token_lists)}
    distinct = set(keys.values())
    if len(distinct) <= 0xF8FF - 0xE000:  # the usual case: the Basic Multilingual Plane
        code_of = {key: chr(0xE000 + n) for n, key in enumerate(distinct)}
    else:
        code_of = {key: _code_point(n) for n, key in enumerate(distinct)}
    return {token: code_of[key] for token, key in keys.items()}


def _code_point(index: int) -> str:
    """The index-th private-use character."""
    for start, end in _PUA_RANGES:
        size = end - start + 1
        if index < size:
            return chr(start + index)
        index -= size
    raise ValueError("too many distinct tokens to encode")


@dataclass(slots=True)
class _Side:
    """One text as its words and marks, each with the whitespace that precedes it."""

    spaces: tuple[str, ...]
    tokens: tuple[str, ...]
    trailing: str
    encoded: str = ""

    @classmethod
    def of(cls, text: str) -> _Side:
        found = _SPACED_TOKEN.findall(text)
        spaces, tokens = zip(*found, strict=True) if found else ((), ())
        return cls(spaces, tokens, text[len(text.rstrip()) :])

    def encode(self, codes: dict[str, str]) -> None:
        self.encoded = "".join(map(codes.__getitem__, self.tokens))

    def text(self, start: int, stop: int) -> str:
        return "".join(
            s + t for s, t in zip(self.spaces[start:stop], self.tokens[start:stop], strict=True)
        )


def _anchored_diff(dmp: diff_match_patch, a: str, b: str) -> list[tuple[int, str]]:
    """diff-match-patch's diff, cut at the words found exactly once on each side.

    Those unique common words, taken in an order both sides agree on (longest increasing
    run, as in patience diff), are kept as equalities and only the stretches between them
    are diffed. A paragraph with a dozen scattered edits becomes a dozen tiny diffs instead
    of one quadratic-ish search; the result reads the same after semantic cleanup.
    """
    count_a, count_b = Counter(a), Counter(b)
    where_a = {ch: i for i, ch in enumerate(a) if count_a[ch] == 1 and count_b.get(ch) == 1}
    unique = [(where_a[ch], j) for j, ch in enumerate(b) if ch in where_a]
    anchors = longest_increasing_run(unique)
    diffs: list[tuple[int, str]] = []
    i = j = 0
    for ai, bj in [*anchors, (len(a), len(b))]:
        gap_a, gap_b = a[i:ai], b[j:bj]
        if gap_a == gap_b:  # most gaps: nothing changed between two anchors
            gap = [(EQUAL, gap_a)]
        elif not gap_a or not gap_b:
            gap = [(INSERT, gap_b) if gap_b else (DELETE, gap_a)]
        else:
            gap = dmp.diff_main(gap_a, gap_b, False)
        if ai < len(a):
            gap.append((EQUAL, a[ai]))
        for op, text in gap:  # join equalities here: a long list is slow to clean up
            if diffs and op == EQUAL and diffs[-1][0] == EQUAL:
                diffs[-1] = (EQUAL, diffs[-1][1] + text)
            elif text:
                diffs.append((op, text))
        i, j = ai + 1, bj + 1
    dmp.diff_cleanupMerge(diffs)
    return diffs


def longest_increasing_run(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of (i, j) points, given in j order, whose i also increases.

    The part of two sequences that kept its order: patience diff's anchors here, and in
    alignment the paragraphs that did not move. O(n log n); ties are broken the same way
    every time (of two swapped neighbours, the one that comes first in j order is left out).
    """
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(points)
    for k, (i, _) in enumerate(points):
        at = bisect_left(tails, i)
        if at == len(tails):
            tails.append(i)
            tail_at.append(k)
        else:
            tails[at] = i
            tail_at[at] = k
        previous[k] = tail_at[at - 1] if at else -1
    run = []
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        run.append(points[k])
        k = previous[k]
    return run[::-1]


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """Diff two texts word by word.

    Returns diff-match-patch style operations ``(op, text)`` with ``op`` -1 (deleted from
    the old text), 0 (same wording; the new text's spelling) or 1 (inserted in the new
    text). Joining the 0 and 1 texts gives ``new`` exactly.

    Only words and marks are diffed (half the symbols of diffing whitespace too, and
    whitespace never counts as a change); each carries the whitespace before it. In a
    replacement that whitespace is shown as unchanged, so "Decides" → "Encourages" reads
    ``... Assembly ``/``Decides``/``Encourages``/`` to ...``.
    """
    before, after = _Side.of(old), _Side.of(new)
    codes = _codes(before.tokens, after.tokens)
    before.encode(codes)
    after.encode(codes)
    dmp = diff_match_patch()
    diffs = _anchored_diff(dmp, before.encoded, after.encoded)
    dmp.diff_cleanupSemantic(diffs)

    ops: list[tuple[int, str]] = []

    def emit(op: int, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    i = j = 0  # positions in the old and new tokens
    k = 0
    space_taken = False  # the next equality's leading space went into the change before it
    while k < len(diffs):
        op, encoded = diffs[k]
        if op == EQUAL:
            text = after.text(j, j + len(encoded))
            emit(EQUAL, text[len(after.spaces[j]) :] if space_taken else text)
            space_taken = False
            i, j = i + len(encoded), j + len(encoded)
            k += 1
            continue
        # A block of changes between two equalities: its deletions, then its insertions.
        deleted = inserted = 0
        while k < len(diffs) and diffs[k][0] != EQUAL:
            if diffs[k][0] == DELETE:
                deleted += len(diffs[k][1])
            else:
                inserted += len(diffs[k][1])
            k += 1
        old_text = before.text(i, i + deleted)
        new_text = after.text(j, j + inserted)
        if deleted and inserted and before.spaces[i] and after.spaces[j]:
            # The space before a replaced word is not part of the replacement.
            emit(EQUAL, after.spaces[j])
            old_text = old_text[len(before.spaces[i]) :]
            new_text = new_text[len(after.spaces[j]) :]
        if k < len(diffs):
            # The space before the next unchanged word exists on one side only when the
            # change brought it ("also the" → "the", "The" → "shall The"): it goes with
            # the change, so each side still reads right.
            old_space, new_space = before.spaces[i + deleted], after.spaces[j + inserted]
            if new_space and not old_space:
                new_text += new_space
                space_taken = True
            elif old_space and not new_space:
                old_text += old_space
        emit(DELETE, old_text)
        emit(INSERT, new_text)
        i, j = i + deleted, j + inserted
    emit(EQUAL, after.trailing)
    return ops


def tokens_differ(old: str, new: str) -> bool:
    """Would :func:`word_diff` of these texts hold a deleted or inserted part?

    It does exactly when their tokens differ once quote variants are unified (whitespace is
    never diffed; :func:`_codes` gives tokens of one key one code), which this tells without
    diffing, for a small part of the cost: token by token, unifying only those that differ.
    """
    if old == new:
        return False
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(before) != len(after):
        return True
    return any(
        a != b and _token_key(a) != _token_key(b) for a, b in zip(before, after, strict=True)
    )


def diff_html(ops: list[tuple[int, str]]) -> str:
    """Inline redline HTML: every text escaped first, then wrapped in <del>/<ins>."""
    parts = []
    for op, text in ops:
        escaped = html.escape(text)
        if op == DELETE:
            parts.append(f'<del class="diff-del">{escaped}</del>')
        elif op == INSERT:
            parts.append(f'<ins class="diff-ins">{escaped}</ins>')
        else:
            parts.append(escaped)
    return "".join(parts)


def has_wording_change(old: str, new: str) -> bool:
    """True when the two texts differ in wording, not just in spacing, quotes or emphasis."""
    return normalize_text(old) != normalize_text(new)
