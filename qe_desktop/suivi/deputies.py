"""« Mes députés »: a deputy's questions with their stages, the counts per month, the session quota.

The deputies the user works for are a setting of the window; here, a deputy is found by AMO
reference (``PA…``) or by name (the AMO deputies of the corpus, and the authors named by the
records themselves when no AMO record resolves them), and their questions are read in one query.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from qe_desktop.search.analysis import fold
from qe_desktop.store import CorpusStore
from qe_desktop.suivi.rules import STAGES, Stage, StageCode, stage_at

#: The written questions a deputy may ask from the start of one ordinary session to the start of
#: the next, as the Conférence des présidents sets it under article 135 al. 2 of the Règlement
#: (inserted by résolution n° 437 of 28 November 2014).  52 is the figure the amendments to the
#: 2019 reform quote as the cap in force (« Le nombre de questions écrites limité à 52 », amendments
#: n° 370, 461 on proposition n° 1882, May 2019) and the AN's own answer quoted in DATA.md (« 52 per
#: deputy per year since 2015 »).  A setting: the Conférence may change it each September.
DEFAULT_SESSION_CAP = 52

_PA = re.compile(r"^PA\d+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Deputy:
    """A deputy as the corpus knows them: AMO reference (None when only the records name them)."""

    ref: str | None
    name: str
    questions: int


@dataclass(frozen=True, slots=True)
class SuiviRow:
    """One question of a deputy, with its stage at the day of the list."""

    uid: str
    legislature: int | None
    type: str
    number: int | None
    analyse: str | None
    rubrique: str | None
    ministry: str | None
    author: str | None
    question_date: str | None
    answer_date: str | None
    status: str
    stage: Stage

    @property
    def reference(self) -> str:
        return f"{self.legislature}-{self.number}{self.type}" if self.number is not None else self.uid


@dataclass(frozen=True, slots=True)
class Quota:
    """The questions asked in the current ordinary session against the cap."""

    session_start: date
    session_end: date  # the day before the next session starts
    cap: int
    asked: int

    @property
    def remaining(self) -> int:
        return max(self.cap - self.asked, 0)


def find_deputies(store: CorpusStore, text: str) -> list[Deputy]:
    """The deputies whose reference is ``text`` (``PA721764``) or whose name holds all its words.

    Folded comparison (``dupont-aignan`` finds « Nicolas Dupont-Aignan »); most questions first.
    """
    conn = store.db.conn
    text = text.strip()
    if not text:
        return []
    if _PA.match(text):
        ref = text.upper()
        row = conn.execute(
            "SELECT a.civility, a.first_name, a.last_name, "
            "(SELECT count(*) FROM questions q WHERE q.author_ref = a.uid) FROM actors a WHERE a.uid = ?",
            (ref,),
        ).fetchone()
        if row is not None:
            name = " ".join(p for p in row[:3] if p)
            return [Deputy(ref, name, int(row[3]))]
        count, author = conn.execute(
            "SELECT count(*), max(author) FROM questions WHERE author_ref = ?", (ref,)
        ).fetchone()
        return [Deputy(ref, author or ref, int(count))] if count else []
    words = fold(text).replace("-", " ").split()
    found: dict[tuple[str | None, str], int] = {}
    # Deputies of the AMO reference data (with or without questions in the corpus).
    for uid, civ, first, last, count in conn.execute(
        "SELECT a.uid, a.civility, a.first_name, a.last_name, count(q.uid) "
        "FROM actors a LEFT JOIN questions q ON q.author_ref = a.uid GROUP BY a.uid"
    ):
        name = " ".join(p for p in (civ, first, last) if p)
        if _matches(words, name):
            found[(uid, name)] = int(count)
    # Authors the records name without an AMO record to resolve them.
    for ref, author, count in conn.execute(
        "SELECT author_ref, author, count(*) FROM questions q WHERE author IS NOT NULL AND "
        "(author_ref IS NULL OR NOT EXISTS (SELECT 1 FROM actors a WHERE a.uid = q.author_ref)) "
        "GROUP BY author_ref, author"
    ):
        if _matches(words, author):
            found[(ref, author)] = found.get((ref, author), 0) + int(count)
    deputies = [Deputy(ref, name, count) for (ref, name), count in found.items()]
    deputies.sort(key=lambda d: (-d.questions, fold(d.name)))
    return deputies


def _matches(words: list[str], name: str) -> bool:
    have = fold(name).replace("-", " ").split()
    return all(any(h.startswith(w) for h in have) for w in words)


_ROW_SQL = (
    "SELECT uid, legislature, type, number, analyse, rubrique, ministry_answering, author, chamber, "
    "question_date, answer_date, status, signal_date, renewal_dates, closure_date FROM questions "
)


def deputy_questions(store: CorpusStore, deputy: Deputy, today: date) -> list[SuiviRow]:
    """A deputy's questions with their stage on ``today``, newest first."""
    if deputy.ref is not None:
        where, args = "WHERE author_ref = ?", [deputy.ref]
    else:
        where, args = "WHERE author_ref IS NULL AND author = ?", [deputy.name]
    rows: list[SuiviRow] = []
    for r in store.db.conn.execute(_ROW_SQL + where, args):
        (uid, leg, typ, number, analyse, rubrique, ministry, author, chamber) = r[:9]
        qdate, adate, status, signal, renewals, closure = r[9:]
        stage = stage_at(
            today,
            chamber=chamber or "AN",
            type=typ,
            legislature=leg,
            status=status,
            question_date=qdate,
            answer_date=adate,
            signal_date=signal,
            renewal_dates=_dates(renewals),
            closure_date=closure,
        )
        rows.append(
            SuiviRow(uid, leg, typ, number, analyse, rubrique, ministry, author, qdate, adate, status, stage)
        )
    rows.sort(key=lambda row: (row.question_date or "", row.number or 0), reverse=True)
    return rows


def _dates(stored: str | None) -> tuple[str, ...]:
    # renewal_dates is stored as a JSON list of ISO dates: read without json for speed.
    if not stored or stored == "[]":
        return ()
    return tuple(re.findall(r"\d{4}-\d{2}-\d{2}", stored))


def stage_counts(rows: list[SuiviRow]) -> dict[StageCode, int]:
    """How many questions at each stage (every stage, in display order, zeros included)."""
    counts = Counter(row.stage.code for row in rows)
    return {code: counts.get(code, 0) for code in STAGES}


def per_month(rows: list[SuiviRow]) -> list[tuple[str, int]]:
    """Questions published per month (``YYYY-MM``, oldest first), months without any included."""
    months = Counter(row.question_date[:7] for row in rows if row.question_date)
    if not months:
        return []
    first, last = min(months), max(months)
    out: list[tuple[str, int]] = []
    year, month = int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        out.append((key, months.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def session_start(today: date) -> date:
    """The first day of the ordinary session ``today`` falls in.

    The ordinary session opens on the first working day of October (Constitution, art. 28); the
    cap runs « jusqu'au début de la session ordinaire suivante », so the year of the quota is
    taken from 1 October to 30 September (a question published on the few days before the first
    working day may be counted in the new session).
    """
    return date(today.year if today.month >= 10 else today.year - 1, 10, 1)


def quota(rows: list[SuiviRow], today: date, cap: int = DEFAULT_SESSION_CAP) -> Quota:
    """The written questions (QE) published in the session of ``today``, against ``cap``."""
    start = session_start(today)
    end = date(start.year + 1, 9, 30)
    asked = sum(
        1
        for row in rows
        if row.type == "QE"
        and row.question_date
        and start.isoformat() <= row.question_date <= end.isoformat()
    )
    return Quota(start, end, cap, asked)
