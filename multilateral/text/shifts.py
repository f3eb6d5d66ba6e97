"""Did a change make a paragraph bind less or more? Judged on commitments, not paragraphs.

A paragraph's commitments are its operative clauses that ask someone to act (actionable or
hortatory; see :mod:`multilateral.text.clauses`). Two versions of a paragraph are compared
clause by clause:

- a commitment removed, or softened (a weaker verb, a demoting or qualifying softener added, a
  deadline or reporting duty dropped) → **weakened**;
- a commitment added, or hardened → **strengthened**;
- both at once → **mixed**; neither → **none**, however much the wording moved: a paragraph
  that keeps its request word for word and gains a softer aside is not weakened, and an
  unchanged request is not strengthened.

A deleted paragraph that held a commitment is a lost commitment (weakened); an inserted one is
a gain (strengthened). Each verdict names the clause that decided it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from multilateral.text.clauses import LABEL_RANK, Analysis, Clause

__all__ = ["NO_SHIFT", "SHIFTS", "Shift", "judge_change", "judge_deleted", "judge_inserted"]

#: Every verdict, in the order a negotiator reads them.
SHIFTS = ("weakened", "mixed", "strengthened", "none")


@dataclass(frozen=True, slots=True)
class Shift:
    """A verdict and the clause-level reasons for it ("'encourages' → 'invites'")."""

    verdict: str
    reasons: tuple[str, ...] = ()
    #: The reasons that weaken, and those that strengthen (a mixed verdict has both).
    weakening: tuple[str, ...] = ()
    strengthening: tuple[str, ...] = ()

    @classmethod
    def of(cls, weakening: Sequence[str], strengthening: Sequence[str]) -> Shift:
        if weakening and strengthening:
            verdict = "mixed"
        elif weakening:
            verdict = "weakened"
        elif strengthening:
            verdict = "strengthened"
        else:
            verdict = "none"
        return cls(
            verdict=verdict,
            reasons=(*weakening, *strengthening),
            weakening=tuple(weakening),
            strengthening=tuple(strengthening),
        )


NO_SHIFT = Shift("none")


def _commitments(analysis: Analysis) -> list[Clause]:
    """The clauses that ask someone to act; a paragraph read as a whole (a treaty article)
    counts as one clause of its own label and strength."""
    if analysis.clauses:
        return [c for c in analysis.clauses if c.label != "descriptive"]
    if analysis.label == "descriptive":
        return []
    verb = next(
        (c.text for c in analysis.cues if c.role in ("operative verb", "modal") and c.effect), ""
    )
    return [Clause(0, 0, verb, analysis.label, analysis.strength)]


def _name(clause: Clause) -> str:
    words = f"'{' '.join(clause.verb.split()).lower()}'"
    if clause.addressee:
        words += f" ({' '.join(clause.addressee.split())})"
    return words


def _verb(clause: Clause) -> str:
    return " ".join(clause.verb.lower().split())


def _match(old: list[Clause], new: list[Clause]) -> tuple[list[tuple[int, int]], list, list]:
    """Pair old and new commitments (by index): same verb and addressee first, then same
    addressee, then same verb, then what is left in order (one old clause and one new clause
    that remain are the same commitment reworded: "encourages Governments" → "invites
    Governments"). Returns the pairs and the unpaired old and new indices."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old)))
    free_new = list(range(len(new)))

    def take(test) -> None:
        for i in list(free_old):
            for j in free_new:
                if test(old[i], new[j]):
                    pairs.append((i, j))
                    free_old.remove(i)
                    free_new.remove(j)
                    break

    take(lambda a, b: _verb(a) == _verb(b) and a.addressee.lower() == b.addressee.lower())
    take(lambda a, b: bool(a.addressee) and a.addressee.lower() == b.addressee.lower())
    take(lambda a, b: _verb(a) == _verb(b))
    if len(free_old) == len(free_new):
        take(lambda a, b: True)
    return pairs, free_old, free_new


def judge_change(old: Analysis | None, new: Analysis | None) -> Shift:
    """Compare the commitments of two versions of one paragraph (or of a split or merge)."""
    if old is None or new is None:
        return NO_SHIFT
    before, after = _commitments(old), _commitments(new)
    if not old.clauses and not new.clauses and before and after:
        # Two treaty-style paragraphs read as a whole: the label and strength decide.
        rank_old = (LABEL_RANK[old.label], old.strength)
        rank_new = (LABEL_RANK[new.label], new.strength)
        if rank_new < rank_old:
            return Shift.of([f"{old.label} {old.strength} → {new.label} {new.strength}"], [])
        if rank_new > rank_old:
            return Shift.of([], [f"{old.label} {old.strength} → {new.label} {new.strength}"])
        return NO_SHIFT
    pairs, removed, added = _match(before, after)
    weakening: list[str] = []
    strengthening: list[str] = []
    for i, j in sorted(pairs, key=lambda pair: pair[1]):
        _compare(before[i], after[j], weakening, strengthening)
    weakening += [f"commitment removed: {_name(before[i])}" for i in sorted(removed)]
    strengthening += [f"commitment added: {_name(after[j])}" for j in sorted(added)]
    return Shift.of(weakening, strengthening)


def _compare(was: Clause, now: Clause, weakening: list[str], strengthening: list[str]) -> None:
    """The reasons one commitment became weaker or stronger, if any."""
    name = _name(now)
    added = [s for s in now.softeners if s.lower() not in {t.lower() for t in was.softeners}]
    dropped = [s for s in was.softeners if s.lower() not in {t.lower() for t in now.softeners}]
    if was.rank != now.rank:
        if _verb(was) != _verb(now):
            change = f"'{_verb(was)}' → '{_verb(now)}'"
            if now.addressee:
                change += f" ({' '.join(now.addressee.split())})"
        elif was.label != now.label and not (added or dropped):
            change = f"{name}: {was.label} → {now.label}"
        else:
            change = ""
        if change:
            (weakening if now.rank < was.rank else strengthening).append(change)
    if added:
        weakening.append(f"{name} now qualified by {', '.join(repr(s) for s in added)}")
    if dropped:
        strengthening.append(f"{name} no longer qualified by {', '.join(repr(s) for s in dropped)}")
    for what, label in (("deadline", "deadline"), ("reporting", "reporting duty")):
        old_value, new_value = getattr(was, what), getattr(now, what)
        if old_value and not new_value:
            weakening.append(f"{name} lost its {label} '{' '.join(old_value.split())}'")
        elif new_value and not old_value:
            strengthening.append(f"{name} gained a {label} '{' '.join(new_value.split())}'")


def judge_deleted(old: Analysis | None) -> Shift:
    """A deleted paragraph that asked anyone to act is a lost commitment."""
    if old is None or old.label == "descriptive":
        return NO_SHIFT
    lost = _commitments(old)
    names = ", ".join(_name(c) for c in lost) if lost else f"a {old.label} paragraph"
    return Shift.of([f"paragraph deleted: {names}"], [])


def judge_inserted(new: Analysis | None) -> Shift:
    """An inserted paragraph that asks anyone to act is a new commitment."""
    if new is None or new.label == "descriptive":
        return NO_SHIFT
    gained = _commitments(new)
    names = ", ".join(_name(c) for c in gained) if gained else f"a {new.label} paragraph"
    return Shift.of([], [f"paragraph inserted: {names}"])
