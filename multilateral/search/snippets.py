"""Snippets: a paragraph's text, escaped, cut around its first match, the matches marked.

Both backends cut their snippets here, so a hit looks the same whatever engine found it;
they differ only in how they know which words matched (a stem the query holds, a span the
database marked). The text is escaped piece by piece and only this module writes ``<mark>``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from multilateral.search.syntax import WORDS

__all__ = ["SNIPPET_WORDS", "excerpt"]

#: Words of context around the first match in a snippet of a long paragraph.
SNIPPET_WORDS = 40


def excerpt(
    text: str,
    *,
    word_matches: Callable[[str], bool] | None = None,
    prefixes: tuple[str, ...] = (),
    runs: Iterable[tuple[str, ...]] = (),
    spans: Sequence[tuple[int, int]] = (),
) -> str:
    """An escaped HTML excerpt of ``text`` with the matched words in ``<mark>``.

    A word (:data:`~multilateral.search.syntax.WORDS`, compared in lower case) is marked when
    ``word_matches`` says so, when it starts with one of ``prefixes``, when it is part of one
    of the word ``runs`` (an exact phrase, marked only where the whole run occurs), or when
    it overlaps one of the character ``spans``. A long text is cut to
    :data:`SNIPPET_WORDS` words starting a little before the first marked word.
    """
    words = list(WORDS.finditer(text))
    lowered = [m.group(0).lower() for m in words]
    marked = [False] * len(words)
    for i, word in enumerate(lowered):
        if (word_matches is not None and word_matches(word)) or (
            prefixes and word.startswith(prefixes)
        ):
            marked[i] = True
    for run in runs:
        n = len(run)
        for i in range(len(lowered) - n + 1):
            if tuple(lowered[i : i + n]) == run:
                for j in range(i, i + n):
                    marked[j] = True
    if spans:
        ordered = sorted(spans)
        k = 0
        for i, m in enumerate(words):
            while k < len(ordered) and ordered[k][1] <= m.start():
                k += 1
            if k < len(ordered) and ordered[k][0] < m.end():
                marked[i] = True
    start_word, end_word = 0, len(words)
    if len(words) > SNIPPET_WORDS:
        first = marked.index(True) if any(marked) else 0
        start_word = max(0, first - SNIPPET_WORDS // 4)
        end_word = min(len(words), start_word + SNIPPET_WORDS)
    start = words[start_word].start() if start_word else 0
    end = words[end_word - 1].end() if end_word < len(words) else len(text)
    out = ["… " if start_word else ""]
    cursor = start
    for i in range(start_word, end_word):
        if marked[i]:
            m = words[i]
            out.append(html.escape(text[cursor : m.start()]))
            out.append(f"<mark>{html.escape(m.group(0))}</mark>")
            cursor = m.end()
    out.append(html.escape(text[cursor:end]))
    if end_word < len(words):
        out.append(" …")
    return "".join(out)
