"""Shift verdicts compare commitments, clause by clause, not whole paragraphs."""

from __future__ import annotations

import pytest

from multilateral.text.clauses import analyse
from multilateral.text.shifts import judge_change, judge_deleted, judge_inserted

REQUEST = (
    "Requests the Secretary-General to submit to the General Assembly at its eighty-second "
    "session a report on the implementation of the present resolution"
)


def _judge(old: str, new: str):
    return judge_change(analyse(old, kind="operative"), analyse(new, kind="operative"))


def test_a_kept_request_with_a_softer_aside_added_is_not_weakened() -> None:
    shift = _judge(
        REQUEST + ";",
        REQUEST + ", and to consider cooperating with the International Labour Organization;",
    )
    assert shift.verdict == "none", shift.reasons


def test_an_unchanged_request_in_reworded_text_is_not_strengthened() -> None:
    shift = _judge(
        REQUEST + ";",
        REQUEST.replace("present resolution", "present resolution, including recommendations")
        + " and on further measures to be taken;",
    )
    assert shift.verdict == "none", shift.reasons


@pytest.mark.parametrize(
    ("old", "new", "verdict", "reason"),
    [
        (
            "Urges Governments to protect women migrant workers;",
            "Encourages Governments to protect women migrant workers;",
            "weakened",
            "'urges' → 'encourages' (Governments)",
        ),
        (
            "Encourages Governments to protect women migrant workers, and also encourages "
            "Governments to participate in the Forum;",
            "Encourages Governments to protect women migrant workers, and invites Governments "
            "to participate in the Forum;",
            "weakened",
            "'encourages' → 'invites' (Governments)",
        ),
        (
            REQUEST + ";",
            "Requests the Secretary-General to submit a report on the implementation of the "
            "present resolution;",
            "weakened",
            "lost its deadline 'at its eighty-second session'",
        ),
        (
            "Requests the Secretary-General to submit a report on the matter;",
            "Requests the Secretary-General, as appropriate, to submit a report on the matter;",
            "weakened",
            "now qualified by 'as appropriate'",
        ),
        (
            "Takes note of the report of the Secretary-General, and requests the "
            "Secretary-General to continue to report on the matter;",
            "Takes note of the report of the Secretary-General;",
            "weakened",
            "commitment removed: 'requests' (the Secretary-General)",
        ),
        (
            "Takes note of the report of the Secretary-General;",
            "Takes note of the report of the Secretary-General, and therefore decides to convene "
            "a high-level meeting in 2027;",
            "strengthened",
            "commitment added: 'decides'",
        ),
        (
            "Invites States to share good practices;",
            "Calls upon States to share good practices;",
            "strengthened",
            "'invites' → 'calls upon' (States)",
        ),
        (
            "Urges States to ratify the Protocol, and requests the Secretary-General to report "
            "on the matter at its eighty-first session;",
            "Encourages States to ratify the Protocol, and requests the Secretary-General to "
            "report on the matter at its eighty-first session, and also decides to include the "
            "item in its agenda;",
            "mixed",
            "'urges' → 'encourages' (States)",
        ),
    ],
)
def test_the_verdict_names_the_clause(old: str, new: str, verdict: str, reason: str) -> None:
    shift = _judge(old, new)
    assert shift.verdict == verdict, shift.reasons
    assert any(reason in r for r in shift.reasons), shift.reasons


def test_a_deleted_commitment_is_a_weakening_and_an_inserted_one_a_gain() -> None:
    deleted = judge_deleted(analyse(REQUEST + ";", kind="operative"))
    assert deleted.verdict == "weakened"
    assert deleted.reasons == ("paragraph deleted: 'requests' (the Secretary-General)",)
    inserted = judge_inserted(analyse("Urges States to adopt laws;", kind="operative"))
    assert inserted.verdict == "strengthened"
    noted = analyse("Takes note of the report;", kind="operative")
    assert judge_deleted(noted).verdict == judge_inserted(noted).verdict == "none"


def test_treaty_articles_are_still_judged_as_a_whole() -> None:
    shift = judge_change(
        analyse("Each State Party shall adopt such measures as may be necessary."),
        analyse("Each State Party shall consider adopting such measures as may be necessary."),
    )
    assert shift.verdict == "weakened"
