"""Turn a draft or treaty text into a flat list of structural units.

Negotiators compare, classify and annotate *paragraphs*, so every importer (plain text,
pasted e-mail, Markdown, Word, Akoma Ntoso) ends here: lines go in, :class:`Unit` rows come
out in document order, each pointing at its enclosing unit by index.

Two shapes are recognised:

* UN draft resolutions: title, an opening formula ("The General Assembly,"), unnumbered
  preambular paragraphs (numbered "PP1", "PP2"… here, since UN texts do not number them),
  numbered operative paragraphs ("1.", "5 bis.") and sub-paragraphs ("(a)", "(i)").
* Treaties: chapters, articles with a caption, numbered paragraphs and lettered
  sub-paragraphs, and a preamble that the shared Markdown texts put on one long line, which
  is split into one preambular unit per clause.

Decisions where the brief left a choice:

* The opening formula of a preamble ("The States Parties to this Protocol,", "The General
  Conference of the International Labour Organization,") is a ``heading`` unit, not the first
  preambular paragraph: it carries no commitment and must not be classified. Its ``heading``
  is "Preamble" when the source labels the preamble.
* The closing formula ("Have agreed as follows:", "adopts this … the following Convention")
  and "IN WITNESS WHEREOF …" are ``heading`` units at top level.
* Markdown ````quotes"`` become typographic quotes “ ”, as in the Council of Europe text.
* Lines of Dutch (the nl_bwb_* files carry Dutch editorial notes and a full Dutch
  translation after the English text) are dropped, with a warning saying how many.
* Plain text pasted from a PDF is hard-wrapped (a paragraph every ~80–90 characters) and may
  print a paragraph number on its own line. :func:`unwrap_pasted_lines` rebuilds the
  paragraphs before segmenting and says so in a warning; its rules are in its docstring.
  Word and Markdown input are never unwrapped: their lines are paragraphs already.
* A typed number wins over an automatic one: Word's list number is put in front of the
  paragraph, so a draft whose paragraph 5 was deleted reads "5. 6. Encourages …"; the unit
  is numbered "6" with the text "Encourages …". The same holds for sub-paragraph letters.
* Front matter (the masthead lines before the opening formula, or before the first
  paragraph when there is none) is never flagged bracketed: "[on the report of the Third
  Committee (A/76/463)]" is an editorial note, not unagreed text. A line wholly in brackets
  is never taken as the title. The title itself keeps its flag, as it is negotiated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from multilateral.text.units import LATIN_SUFFIXES, Segmented, Unit

__all__ = [
    "segment_text",
    "segment_lines",
    "unwrap_pasted_lines",
    "clean_markdown_line",
    "is_bracketed",
    "PP_OPENERS",
]

#: Words that open a preambular paragraph or clause, in UN and treaty practice. Longest
#: first, so "Taking into account" wins over "Taking". British and American spellings both.
PP_OPENERS: tuple[str, ...] = tuple(
    sorted(
        {
            "Acknowledging",
            "Affirming",
            "Alarmed",
            "Appreciating",
            "Aware",
            "Bearing in mind",
            "Believing",
            "Cognizant",
            "Cognisant",
            "Commending",
            "Concerned",
            "Condemning",
            "Conscious",
            "Considering",
            "Convinced",
            "Declaring",
            "Deploring",
            "Desiring",
            "Determined",
            "Emphasizing",
            "Emphasising",
            "Encouraged",
            "Expressing",
            "Guided",
            "Having",
            "Highlighting",
            "Keeping in mind",
            "Mindful",
            "Noting",
            "Noting with concern",
            "Observing",
            "Reaffirming",
            "Realizing",
            "Recalling",
            "Recognizing",
            "Recognising",
            "Reiterating",
            "Resolved",
            "Seeking",
            "Stressing",
            "Taking into account",
            "Taking into consideration",
            "Taking due account",
            "Taking note",
            "Underlining",
            "Underscoring",
            "Welcoming",
            "Wishing",
            "Appalled",
            "Disturbed",
            "Acting",
        },
        key=len,
        reverse=True,
    )
)
_OPENER_ALT = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in PP_OPENERS)

#: A preambular paragraph: an optional intensifying adverb ("Deeply", "Further", "Also")
#: then one of :data:`PP_OPENERS` as a whole word.
_PP_START = re.compile(
    rf"^(?:(?:Deeply|Gravely|Seriously|Strongly|Further|Also|Fully|Profoundly|Firmly)\s+)?"
    rf"(?:{_OPENER_ALT})\b"
)

#: Inside a one-line treaty preamble, a clause boundary: a comma or semicolon, optionally
#: "and" (ILO style, sometimes glued: "andHaving"), then a capitalised opener.
_CLAUSE_SPLIT = re.compile(rf"(?<=[,;])\s*(?:and\s*)?(?=(?:{_OPENER_ALT})\b)")

#: The enacting/closing formula that ends a treaty preamble.
_CLOSING = re.compile(
    r"(?:^|(?<=[,;:.])\s*)(Have\s+agreed\s+as\s+follows\s*:|Has\s+agreed\s+as\s+follows\s*:"
    r"|adopts,?\s+this\b.*$)",
    re.S,
)

#: The opening formula of a UN resolution or treaty preamble: "The General Assembly,",
#: "The States Parties to this Protocol,", "The member States of the Council of Europe …,".
_OPENING = re.compile(r"^The\s+[A-Z][^.;:]{2,160},$")

#: A UN document symbol on its own line: "A/C.3/79/L.12", "E/CN.15/2024/L.3/Rev.1".
_SYMBOL = re.compile(r"^[A-Z]{1,4}(?:/[A-Za-z0-9.\-]+){2,}$")

#: Latin suffixes of paragraphs inserted during negotiation: "5 bis", "5 ter".
_LATIN = LATIN_SUFFIXES

#: A numbered paragraph: "1. Decides", "5 bis. Urges", "12.Each" (some texts omit the space).
#: At most three digits, so a year opening a sentence is not read as a number.
_NUMBERED = re.compile(rf"^(\d{{1,3}}(?:\s*(?:{_LATIN}))?)\s*\.\s*(?=\S)(.*)$", re.S)

#: A sub-paragraph label: "(a)", "a)", "(i)", "ii)", "(1)", "(aa)", the text may follow
#: with or without a space ("(a)as a means").
_SUB = re.compile(
    r"^(\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3})\)|(?:[a-z]{1,2}|[ivxlc]{1,6})\))\s*(.*)$", re.S
)

#: A dash or bullet item ("– preventing and combating …").
_DASH = re.compile(r"^([–—•-])\s+(.+)$", re.S)

#: An article line: "Article 6", "ARTICLE 6", "Article 6 bis", with an optional caption
#: after a dot or dash ("Article 6. Assistance to victims").
_ARTICLE = re.compile(
    rf"^(?:Article|ARTICLE)\s+(\d+(?:\s*(?:{_LATIN}))?|[IVXLC]+)\s*(?:[.:–—-]\s*(.*))?$"
)

#: A chapter or part line: "Chapter II", "CHAPTER  I", "Part III", or a bare roman numeral
#: (the Markdown texts write chapters as "###II").
_CHAPTER = re.compile(
    r"^(?:(?:Chapter|CHAPTER|Part|PART)\s+([IVXLC]+|\d+)|([IVXLC]+))\s*(?:[.:–—-]\s*(.*))?$"
)

#: An annex heading: "Annex", "ANNEX II", "Annex I. Plan of action".
_ANNEX = re.compile(r"^(?:ANNEX|Annex)(?:\s+([IVXLC]+|\d+))?\s*(?:[.:–—-]\s*(.*))?$")

#: The signature block of a treaty.
_WITNESS = re.compile(r"^(?:IN\s+WITNESS\s+WHEREOF|DONE\s+at\b|Done\s+at\b)")

#: The preamble label ("Preamble", "*Preamble*", Dutch "Preambule", glued to the text in
#: some files: "PreambuleThe States …").
_PREAMBLE_LABEL = re.compile(r"^\*?(?:Preamble|PREAMBLE|Preambule|PREAMBULE)\*?\s*(?=[A-Z]|$)")

#: Markdown link: keep the visible name.
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
#: Any HTML tag (<sup>rd</sup>, <br/>).
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
#: ``quoted" (LaTeX-ish quotes in the BWB Markdown).
_TEX_QUOTE = re.compile(r"``([^\"`]*)\"")
#: *emphasis* or **strong** (asterisks around non-space text).
_EMPHASIS = re.compile(r"\*{1,2}([^*\n]+?)\*{1,2}")
#: An italic lead glued to the text after it: "*Convention concerning ….*The General …".
_ITALIC_LEAD = re.compile(r"^\*([^*]+)\*\s*(\S.*)$")
_SPACES = re.compile(r"[ \t\u00a0]+")

#: Function words that tell Dutch from English in a line (see :func:`_language_score`).
_DUTCH_WORDS = frozenset(
    "de het een van en op bij voor niet dat die zijn wordt worden inzake betreffende tot aan "
    "met door dit deze naar ter tegen partij partijen artikel treedt werking verdrag wijzigt "
    "ieder elk lid hun haar zich welke bepalingen overeenkomstig staten".split()
)
_ENGLISH_WORDS = frozenset(
    "the of and to shall this that by for be which or any with as on is are its such have "
    "has from their other may all".split()
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


@dataclass(slots=True)
class _Line:
    """One cleaned input line and whether Markdown marked it as a heading."""

    text: str
    #: 0 for body text, else the number of '#' the Markdown put before it.
    level: int = 0


def is_bracketed(text: str) -> bool:
    """True when the text holds [square-bracketed] unagreed language."""
    return "[" in text and "]" in text.split("[", 1)[1]


def clean_markdown_line(line: str) -> str:
    """Strip Markdown and HTML markup from one line, keeping the words as printed."""
    line = _MD_LINK.sub(r"\1", line)
    line = _HTML_TAG.sub("", line)
    line = _TEX_QUOTE.sub("\u201c\\1\u201d", line)
    line = _EMPHASIS.sub(r"\1", line)
    return _SPACES.sub(" ", line).strip()


# -- text pasted from a PDF -----------------------------------------------------------------

#: A paragraph label alone on its line, as PDF extraction leaves it: "1.", "5 bis.", "(a)",
#: "ii)". It always belongs to the line after it.
_LONE_LABEL = re.compile(
    rf"^(?:\d{{1,3}}(?:\s*(?:{_LATIN}))?\s*\.|\((?:[a-z]{{1,2}}|[ivxlc]{{1,6}}|\d{{1,3}})\)"
    r"|(?:[a-z]{1,2}|[ivxlc]{1,6})\))$"
)

#: The closing formula of a treaty preamble as a line start (the lower-case "adopts this …"
#: of :data:`_CLOSING` is left out: it can be the rest of a wrapped sentence).
_AGREED = re.compile(r"^Ha(?:ve|s)\s+agreed\s+as\s+follows\b")

#: A capitalised participle, or an adverb and a participle ("Encouraging", "Deeply
#: concerned", "Also noting"): after a line ending in "," or ";" it opens the next
#: preambular paragraph even when the word is not one of :data:`PP_OPENERS`. Proper names
#: of that shape are listed out.
_PARTICIPLE = re.compile(
    r"^(?:(?:[A-Z][a-z]+ly|Also|Further)\s+[a-z]{3,}(?:ing|ed)"
    r"|(?!United\b|Beijing\b)[A-Z][a-z]{2,}(?:ing|ed))\b"
)

#: Abbreviations that end a wrapped line with a full stop inside a sentence: "(No.\n97)",
#: "para.\n24", "i.e.\nthe".
_ABBREVIATION = re.compile(
    r"(?:^|[\s(\[“\"])(?:No|Nos|para|paras|art|arts|sect|chap|vol|p|pp|cf|viz|e\.g|i\.e"
    r"|Mr|Ms|Mrs|Dr|St)\.$"
)

#: Words a paragraph never ends with: a line ending in one was broken by the wrap.
_OPEN_WORDS = frozenset(
    "a an the of and or nor to in on at by for with from as into upon its their whose that "
    "which than between against among including".split()
)

#: A decimal number at a line start: "2.5 per cent".
_DECIMAL = re.compile(r"^\d+\.\d")

#: Closing quotes and brackets looked through when reading a line's final punctuation
#: ("world.”", "[Recalling …,]").
_CLOSING_QUOTES = "\"'”’»)]"


def _starts_paragraph(line: str) -> bool:
    """True when a line opens a new unit: a number or label, an opener, an article…
    A decimal ("0.22 per cent") is not a paragraph number."""
    return bool(
        (_NUMBERED.match(line) and not _DECIMAL.match(line))
        or _LONE_LABEL.match(line)
        or _SUB.match(line)
        or _DASH.match(line)
        or _PP_START.match(line)
        or _ARTICLE.match(line)
        or _CHAPTER.match(line)
        or _ANNEX.match(line)
        or _OPENING.match(line)
        or _WITNESS.match(line)
        or _AGREED.match(line)
        or _PREAMBLE_LABEL.match(line)
    )


def _wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or None when it does not look wrapped.

    The width is the 90th percentile of the line lengths, between 40 and 200 characters
    (a page or column of a PDF). Call a line "full" when it is within 75 % of that width:
    the text looks wrapped when at least three full lines, and a third of them, end in the
    middle of a sentence (no final punctuation). In a text with one paragraph per line, long
    lines are whole paragraphs, which end in "," ";" "." or ":"; in a PDF paste most full
    lines are inside a paragraph.
    """
    lengths = sorted(len(line) for line in lines)
    if len(lengths) < 8:  # too few lines to tell
        return None
    width = lengths[(len(lengths) - 1) * 9 // 10]
    if not 40 <= width <= 200:
        return None
    full = [line for line in lines if len(line) >= 0.75 * width]
    open_ended = sum(1 for line in full if line.rstrip(_CLOSING_QUOTES)[-1:] not in ".,;:")
    if open_ended < 3 or open_ended * 3 < len(full):
        return None
    return width


def _is_full(line: str, following: str, width: int, slack: float) -> bool:
    """True when the first word of ``following`` would not have fitted on ``line`` within
    ``width`` less ``slack`` (a share: PDF fonts are proportional, so a character count
    is not exact): the line was broken by the wrap."""
    first_word = following.split(" ", 1)[0]
    return len(line) + 1 + len(first_word) > (1 - slack) * width


def _continues(line: str, following: str, width: int | None, *, front: bool = False) -> bool:
    """True when ``following`` is the rest of the paragraph that ``line`` ends.

    * Never when ``following`` opens a unit (:func:`_starts_paragraph`).
    * Always when ``line`` ends without final punctuation and either ``following`` starts
      in lower case (a paragraph does not), or ``line`` ends in a word no paragraph ends in
      (:data:`_OPEN_WORDS`: "… Women and⏎Children") or in a hyphen ("Secretary-⏎General").
    * In a text wrapped at ``width``, when ``line`` is full (:func:`_is_full`, with 15 %
      slack; with none in the ``front`` matter, whose lines are items of their own that
      may come close to the width: "Resolution adopted by the General Assembly on …") and:
      it ends without final punctuation; or in "," ";" ":" and ``following`` does not open a
      preambular paragraph with a participle ("Encouraging"); or in "." and either
      ``following`` starts in lower case or the full stop ends an abbreviation ("No.").
      A sentence ending at a line end inside a multi-sentence paragraph stays split: the
      rules prefer a paragraph too many to two paragraphs merged.
    """
    last = line.rstrip(_CLOSING_QUOTES)[-1:]
    lower = following[0].islower()
    unfinished = last not in ".,;:" and (
        lower or (last == "-" and line[-2:-1].isalnum()) or line.rsplit(" ", 1)[-1] in _OPEN_WORDS
    )
    # The cheap tests first: a clean text mostly stops here, before the dozen patterns.
    if not unfinished and (
        width is None or not _is_full(line, following, width, 0.0 if front else 0.15)
    ):
        return False
    if _starts_paragraph(following):
        return False
    if unfinished:
        return True
    if last in ",;:":
        return not _PARTICIPLE.match(following)
    if last == ".":
        return lower or bool(_ABBREVIATION.search(line))
    return True


class _Vocabulary:
    """The words of one text, to tell a line-break hyphen from a compound's. Each question
    is one search of the text (few lines end in a hyphen, so no word list is built)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._text = ""

    def _has_word(self, word: str) -> bool:
        """True when ``word`` occurs in the text with no letter either side."""
        if not self._text:
            self._text = "\n".join(self._lines).lower()
        text, at = self._text, self._text.find(word)
        while at != -1:
            end = at + len(word)
            if not (at and text[at - 1].isalpha()) and not text[end : end + 1].isalpha():
                return True
            at = text.find(word, at + 1)
        return False

    def drops_hyphen(self, left: str, right: str) -> bool:
        """True when "left-⏎right" is one word broken at the line end.

        UN documents are set without word division, so a hyphen at a line end is nearly
        always a compound's ("gender-⏎responsive") and is kept. It is dropped only when the
        text itself says otherwise: the joined word ("trafficking") occurs elsewhere in it
        and the hyphenated word ("traf-ficking") does not. A break in the text is no
        occurrence: there a line break stands between the two parts.
        """
        left, right = left.lower(), right.lower()
        return self._has_word(left + right) and not self._has_word(f"{left}-{right}")


def _glue(paragraph: str, line: str, vocabulary: _Vocabulary) -> str:
    """``paragraph`` and its next wrapped ``line`` as one line."""
    if paragraph.endswith("\u00ad"):  # a soft hyphen only ever marks a line break
        return paragraph[:-1] + line
    if paragraph.endswith("-") and paragraph[-2:-1].isalnum():
        left = re.search(r"([^\W\d_]*)-$", paragraph)
        right = re.match(r"[^\W\d_]*", line)
        if (
            left
            and right
            and left.group(1)[-1:].islower()
            and right.group(0)[:1].islower()
            and vocabulary.drops_hyphen(left.group(1), right.group(0))
        ):
            return paragraph[:-1] + line
        if re.match(r"(?:and|or)\b", line):  # a suspended hyphen: "sex- and age-specific"
            return f"{paragraph} {line}"
        return paragraph + line  # "gender-responsive", "Secretary-General", "COVID-19"
    return f"{paragraph} {line}"


def unwrap_pasted_lines(raw_lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Rebuild the paragraphs of plain text pasted from a PDF: (lines, warnings).

    A line alone holding a paragraph label ("1.", "5 bis.", "(a)") is joined to the next
    non-blank line unless that line has its own label. A line is joined to the one before
    it when :func:`_continues` says so; a blank line always ends a paragraph. The front
    matter is the lines before the first that opens a unit (the opening formula, a number,
    an opener, an article). Hyphens at a line end are handled by :func:`_glue`.

    Text with one paragraph per line comes back unchanged (its lines stripped, blank lines
    dropped) and with no warning; otherwise the warning says how many lines were joined.
    """
    lines = [line.strip() for line in raw_lines]  # spaces inside are normalised later
    width = _wrap_width([line for line in lines if line])
    body = next((i for i, line in enumerate(lines) if line and _starts_paragraph(line)), None)
    vocabulary = _Vocabulary(lines)
    out: list[str] = []
    last_line = ""  # the last physical line of out[-1]
    open_paragraph = False  # out[-1] may take more lines: no blank line since
    joined = attached = 0
    for i, line in enumerate(lines):
        if not line:
            open_paragraph = bool(out) and _LONE_LABEL.match(out[-1]) is not None
            continue
        if open_paragraph:
            if len(out[-1]) <= 16 and _LONE_LABEL.match(out[-1]):
                if not (_NUMBERED.match(line) or _LONE_LABEL.match(line) or _SUB.match(line)):
                    out[-1] = f"{out[-1]} {line}"
                    attached += 1
                    last_line = line
                    continue
            elif _continues(last_line, line, width, front=body is None or i <= body):
                out[-1] = _glue(out[-1], line, vocabulary)
                joined += 1
                last_line = line
                continue
        out.append(line)
        last_line = line
        open_paragraph = True
    warnings: list[str] = []
    if joined or attached:
        what = []
        if joined:
            what.append(f"{joined} hard-wrapped line{'s were' if joined != 1 else ' was'} joined")
        if attached:
            what.append(
                f"{attached} paragraph number{'s' if attached != 1 else ''} alone on a line "
                f"{'were' if attached != 1 else 'was'} attached to the text after it"
            )
        warnings.append(
            f"This text looks like it was pasted from a PDF ({'; '.join(what)}); "
            "check the paragraph breaks."
        )
    return out, warnings


def _language_score(line: str) -> int:
    """+1 for a line that reads as Dutch, -1 for English, 0 when it cannot tell."""
    words = [w.lower() for w in _WORD.findall(line)]
    dutch = sum(w in _DUTCH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    if dutch >= 2 and dutch > english:
        return 1
    if english >= 2 and english > dutch:
        return -1
    return 0


def _drop_dutch(lines: list[_Line], warnings: list[str]) -> list[_Line]:
    """Cut the Dutch translation (the tail that reads most as Dutch) and stray Dutch notes.

    The tail start is the split that maximises the Dutch score of everything after it
    (a maximum suffix sum), so scattered Dutch notes inside the English text do not end it
    early and an untranslatable heading ("VOLKENBOND.") just before the Dutch goes with it.
    """
    scores = [_language_score(line.text) for line in lines]
    best, best_at, running = 0, len(lines), 0
    for i in range(len(lines) - 1, -1, -1):
        running += scores[i]
        if running >= best:
            best, best_at = running, i
    kept = lines
    if best >= 3 and best_at > 0:
        dropped = len(lines) - best_at
        kept = lines[:best_at]
        warnings.append(f"dropped the Dutch translation ({dropped} lines)")
    notes = [line for line, score in zip(kept, scores, strict=False) if score > 0]
    if notes:
        warnings.append(f"dropped {len(notes)} Dutch line(s) (Dutch title or editorial notes)")
        kept = [line for line, score in zip(kept, scores, strict=False) if score <= 0]
    return kept


def _markdown_lines(raw_lines: list[str]) -> list[_Line]:
    """Clean Markdown lines; split an italic lead from the text glued after it."""
    out: list[_Line] = []
    for raw in raw_lines:
        stripped = raw.strip()
        if not stripped or stripped.startswith("<meta") or stripped.startswith("# source:"):
            continue
        level = len(stripped) - len(stripped.lstrip("#"))
        body = stripped[level:].strip() if level else stripped
        lead = _ITALIC_LEAD.match(body)
        if lead and not level and not _PREAMBLE_LABEL.match(body):
            out.append(_Line(clean_markdown_line(lead.group(1)), 0))
            body = lead.group(2)
        text = clean_markdown_line(body)
        if text:
            out.append(_Line(text, level))
    return out


def _split_preamble(text: str) -> tuple[str, list[str], str]:
    """Split a one-line preamble into (opening formula, clauses, closing formula)."""
    closing = ""
    m = _CLOSING.search(text)
    if m and m.start(1) > 0:
        closing = m.group(1).strip()
        text = text[: m.start(1)].rstrip()
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(text) if p.strip()]
    opening = ""
    if parts and not _PP_START.match(parts[0]):
        opening = parts.pop(0)
    return opening, parts, closing


def _is_roman(label: str) -> bool:
    return bool(re.fullmatch(r"[ivxlc]+", label))


def _label_style(label: str) -> tuple[bool, str]:
    """(parenthesised, "num" | "roman" | "alpha") of a sub-paragraph label. Only i, v and x
    (up to xxxix) count as roman here, so "(c)" and "(d)" are both letters."""
    inner = label.strip("()")
    if inner.isdigit():
        style = "num"
    elif re.fullmatch(r"x{0,3}(?:ix|iv|v?i{0,3})", inner):
        style = "roman"
    else:
        style = "alpha"
    return label.startswith("("), style


def _typed_number(number: str, text: str) -> tuple[str, str]:
    """The typed number when an automatic one was put before it ("5. 6. Encourages"); a
    decimal is wording ("3. 0.7 per cent of gross national income …")."""
    if (m := _NUMBERED.match(text)) and not _DECIMAL.match(text):
        return _SPACES.sub(" ", m.group(1)), m.group(2).strip()
    return number, text


def _typed_label(label: str, text: str) -> tuple[str, str]:
    """The typed label when an automatic one of the same style was put before it
    ("(c) (d) On …"); "(a) (i) …" keeps "(a)", as a roman label may open a nested list."""
    if (m := _SUB.match(text)) and m.group(2).strip():
        if _label_style(m.group(1)) == _label_style(label):
            return m.group(1), m.group(2).strip()
    return label, text


class _Builder:
    """Keeps the open containers while units are appended in document order."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.title = ""
        self.annex: int | None = None
        self.chapter: int | None = None
        self.article: int | None = None
        self.block: int | None = None  # the last PP/OP/paragraph sub-paragraphs hang from
        #: Open sub-paragraphs as (style, index, label): style is "alpha", "roman", "num", "dash".
        self.subs: list[tuple[str, int, str]] = []
        self.pp_count = 0
        self.seen_operative = False
        self.structured = False
        #: False while in the front matter: before the opening formula or the first unit
        #: of the body. Front-matter headings are never flagged bracketed.
        self.in_body = False
        #: Indices of the headings whose bracket flag was cleared as front matter.
        self.front_matter: list[int] = []

    def add(self, kind: str, number: str, text: str, parent: int | None, heading: str = "") -> int:
        front = kind == "heading" and not self.in_body
        self.units.append(
            Unit(
                kind,
                number,
                text,
                parent,
                heading=heading,
                bracketed=not front and is_bracketed(text),
            )
        )
        if front:
            self.front_matter.append(len(self.units) - 1)
        if kind not in ("text", "title", "heading"):
            self.structured = self.in_body = True
        return len(self.units) - 1

    def container(self) -> int | None:
        if self.article is not None:
            return self.article
        if self.chapter is not None:
            return self.chapter
        return self.annex

    def reset_below_block(self) -> None:
        self.subs = []

    # -- kinds ---------------------------------------------------------------------------
    def title_line(self, text: str) -> None:
        if not self.title:
            self.title = text
            self.add("title", "", text, None)
        else:
            self.add("heading", "", text, self.container())

    def annex_line(self, number: str, rest: str) -> None:
        label = f"Annex {number}" if number else "Annex"
        self.annex = self.add("annex", label, rest, None, heading=rest)
        self.chapter = self.article = self.block = None
        self.reset_below_block()

    def chapter_line(self, number: str, rest: str) -> None:
        self.chapter = self.add("chapter", number, rest, self.annex, heading=rest)
        self.article = self.block = None
        self.reset_below_block()

    def article_line(self, number: str, rest: str) -> None:
        parent = self.chapter if self.chapter is not None else self.annex
        self.article = self.add("article", f"Article {number}", rest, parent, heading=rest)
        self.block = None
        self.reset_below_block()

    def caption(self, text: str) -> bool:
        """Attach a caption to the chapter/article/annex just opened, if it has none yet."""
        last = len(self.units) - 1
        opened = (self.article, self.chapter, self.annex)
        if last >= 0 and last in opened and not self.units[last].heading:
            unit = self.units[last]
            unit.heading = unit.text = text
            unit.bracketed = is_bracketed(text)
            return True
        return False

    def preambular(self, text: str) -> None:
        self.pp_count += 1
        self.block = self.add("preambular", f"PP{self.pp_count}", text, self.annex)
        self.reset_below_block()

    def numbered(self, number: str, text: str) -> None:
        if self.container() is not None:
            self.block = self.add("paragraph", number, text, self.container())
        else:
            self.seen_operative = True
            self.block = self.add("operative", number, text, None)
        self.reset_below_block()

    def unnumbered(self, text: str) -> None:
        if self.article is not None:
            self.block = self.add("paragraph", "", text, self.article)
            self.reset_below_block()
        elif self.pp_count and not self.seen_operative and text.endswith((",", ";")):
            self.preambular(text)
        elif not (self.pp_count or self.seen_operative or self.container() is not None):
            # Front matter after the title: "INTERNATIONAL LABOUR CONFERENCE.", a symbol line.
            self.heading(text, top=True)
        else:
            self.block = self.add("text", "", text, self.container())
            self.reset_below_block()

    def heading(self, text: str, *, top: bool = False, heading: str = "") -> None:
        self.add("heading", "", text, None if top else self.container(), heading=heading)
        if top:
            self.block = None
            self.reset_below_block()

    def subparagraph(self, label: str, text: str) -> None:
        inner = label.strip("()")
        if label in "–—•-":
            style = "dash"
        elif inner.isdigit():
            style = "num"
        elif _is_roman(inner):
            style = "roman"
            # "(i)" after "(h)", "(v)" after "(u)": a letter, not a roman numeral.
            for open_style, _idx, open_label in self.subs:
                prev = open_label.strip("()")
                if open_style == "alpha" and len(inner) == 1 and ord(inner) == ord(prev[-1]) + 1:
                    style = "alpha"
                    break
            else:
                if (
                    len(inner) == 1
                    and inner != "i"
                    and not any(s == "roman" for s, _, _ in self.subs)
                ):
                    style = "alpha"
        else:
            style = "alpha"
        styles = [s for s, _, _ in self.subs]
        if style in styles:
            del self.subs[styles.index(style) :]
        if self.subs:
            parent = self.subs[-1][1]
        elif self.block is not None:
            parent = self.block
        else:
            parent = self.container()
        idx = self.add("subparagraph", label, text, parent)
        self.subs.append((style, idx, label))


def segment_lines(
    lines: Iterable[str | Unit],
    *,
    source_name: str = "",
    warnings: Sequence[str] = (),
    markdown: bool = False,
) -> Segmented:
    """Segment already-extracted lines (one per paragraph) into units.

    Importers that read the paragraphs themselves (Word) call this directly; a :class:`Unit`
    in the input (a table row the importer already understood) is kept as is, at top level.
    """
    notes = list(warnings)
    prepared: list[_Line | Unit] = []
    for item in lines:
        if isinstance(item, Unit):
            prepared.append(item)
        elif markdown:
            prepared.extend(_markdown_lines([item]))
        else:
            text = _SPACES.sub(" ", item).strip()
            if text:
                prepared.append(_Line(text))
    if markdown:
        plain = [p for p in prepared if isinstance(p, _Line)]
        kept = {id(p) for p in _drop_dutch(plain, notes)}
        prepared = [p for p in prepared if isinstance(p, Unit) or id(p) in kept]
    return _build(prepared, notes, source_name)


def segment_text(text: str, *, source_name: str = "") -> Segmented:
    """Segment plain text, pasted e-mail text or Markdown (the shared treaty texts).

    Markdown is recognised by its heading marks or the ``# source:`` line the shared texts
    start with; plain text keeps its lines as paragraphs, once the lines of a text pasted
    from a PDF are joined back into paragraphs (:func:`unwrap_pasted_lines`).
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    markdown = source_name.endswith(".md") or any(
        re.match(r"^#{1,6}\S|^#{1,6} ", line) for line in raw[:40]
    )
    warnings: list[str] = []
    if not markdown:
        # E-mail quoting ("> 1. Decides …") is removed so pasted drafts segment the same.
        raw = [re.sub(r"^(?:>\s?)+", "", line) for line in raw]
        raw, warnings = unwrap_pasted_lines(raw)
    return segment_lines(raw, source_name=source_name, warnings=warnings, markdown=markdown)


def _build(items: list[_Line | Unit], warnings: list[str], source_name: str) -> Segmented:
    b = _Builder()
    front: list[str] = []  # plain-text lines before the first structural unit

    def flush_front() -> None:
        if not front:
            return
        candidates = [
            t
            for t in front
            if not _SYMBOL.match(t)
            and not (t.startswith("[") and t.endswith("]"))  # "[on the report of …]"
            and not re.search(r"draft (?:resolution|decision)|session|Agenda item|Committee$", t)
        ]
        title = candidates[-1] if candidates else ""
        for t in front:
            if t == title and not b.title:
                b.title_line(t)
            else:
                b.heading(t, top=True)
        front.clear()

    for item in items:
        if isinstance(item, Unit):
            flush_front()
            b.units.append(
                Unit(item.kind, item.number, item.text, None, item.heading, item.bracketed)
            )
            if item.kind not in ("text", "title", "heading"):
                b.structured = b.in_body = True
            continue
        text, level = item.text, item.level
        if level:
            inner = _SPACES.sub(" ", text.strip("# ")).strip()
            if m := _ARTICLE.match(inner):
                flush_front()
                b.article_line(_SPACES.sub(" ", m.group(1)), m.group(2) or "")
            elif (m := _CHAPTER.match(inner)) and level == 3:
                flush_front()
                b.chapter_line(m.group(1) or m.group(2), m.group(3) or "")
            elif m := _ANNEX.match(inner):
                flush_front()
                b.annex_line(m.group(1) or "", m.group(2) or "")
            elif not b.caption(inner):
                flush_front()
                b.title_line(inner)
            continue
        _body_line(b, text, front, flush_front)
    flush_front()

    if not b.structured:
        for unit in b.units:
            unit.kind = "text"
        for i in b.front_matter:  # no body, so no front matter either
            b.units[i].bracketed = is_bracketed(b.units[i].text)
        b.title = ""
        where = f"{source_name}: " if source_name else ""
        warnings.append(
            f"{where}no recognisable structure (no numbered paragraphs, articles or preamble); "
            "each paragraph was kept as plain text"
        )
    return Segmented(units=b.units, title=b.title, warnings=warnings)


def _body_line(b: _Builder, text: str, front: list[str], flush_front) -> None:
    """Classify one body line and append the unit(s) it makes."""
    label = ""
    if m := _PREAMBLE_LABEL.match(text):
        label = "Preamble"
        text = text[m.end() :].strip()
        if not text:
            return
    if m := _ARTICLE.match(text):
        flush_front()
        b.article_line(_SPACES.sub(" ", m.group(1)), m.group(2) or "")
        return
    if (m := _CHAPTER.match(text)) and (
        m.group(1) or b.article is not None or b.chapter is not None
    ):
        flush_front()
        b.chapter_line(m.group(1) or m.group(2), m.group(3) or "")
        return
    if (m := _ANNEX.match(text)) and len(text) < 120:
        flush_front()
        b.annex_line(m.group(1) or "", m.group(2) or "")
        return
    # A caption right after "Article 6" in plain text: short, no final punctuation.
    if (
        len(text) < 150
        and not text.endswith((".", ",", ";", ":"))
        and not _NUMBERED.match(text)
        and not _SUB.match(text)
        and b.caption(text)
    ):
        return
    is_long_preamble = len(text) > 300 and len(_CLAUSE_SPLIT.findall(text)) >= 1
    if label or (is_long_preamble and not b.seen_operative and b.article is None):
        opening, clauses, closing = _split_preamble(text)
        if clauses or label:
            flush_front()
            if opening:
                b.heading(opening, top=True, heading=label)
            for clause in clauses:
                b.preambular(clause)
            if closing:
                b.heading(closing, top=True)
            return
    if _OPENING.match(text) and not b.pp_count and b.article is None:
        flush_front()
        b.heading(text, top=True)
        b.in_body = True
        return
    if _WITNESS.match(text):
        flush_front()
        b.heading(text, top=True)
        b.article = b.chapter = None
        return
    if _CLOSING.match(text) and b.pp_count:
        b.heading(text, top=True)
        return
    if m := _NUMBERED.match(text):
        flush_front()
        b.numbered(*_typed_number(_SPACES.sub(" ", m.group(1)), m.group(2).strip()))
        return
    if m := _SUB.match(text):
        if m.group(2).strip() and (b.units or front):
            flush_front()
            b.subparagraph(*_typed_label(m.group(1), m.group(2).strip()))
            return
    if (m := _DASH.match(text)) and b.units:
        flush_front()
        b.subparagraph(m.group(1), m.group(2).strip())
        return
    if _PP_START.match(text) and not b.seen_operative and b.article is None:
        flush_front()
        b.preambular(text)
        return
    if not b.units and not b.structured:
        front.append(text)
        return
    flush_front()
    b.unnumbered(text)
