"""Statistics over any set of questions (a search result, a legislature, the whole corpus).

Per answering ministry, rubrique or year: questions, share answered, median and 90th
percentile of the days to answer, share answered within two months of publication, questions
still waiting and the oldest of them; and the distributions the charts draw (days to answer,
questions per month).

Fast at 133,000 questions: :func:`load_table` reads the few columns needed in one SQL query
into numpy arrays (no Question objects), once per state of the corpus (``data_version``);
:func:`compute` then works on those arrays for any subset of uids.

A ministry's successive names (renamed at each government) are put on one line when asked,
from the editable table ``resources/suivi/ministeres.csv`` (:func:`load_equivalences`).
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from qe_desktop.dates import format_date_fr
from qe_desktop.labels import capitalised
from qe_desktop.paths import resources_dir
from qe_desktop.search.analysis import fold
from qe_desktop.store import CorpusStore
from qe_desktop.typography import NBSP, NNBSP

GroupBy = Literal["ministere", "rubrique", "annee"]
GROUP_BYS: tuple[GroupBy, ...] = ("ministere", "rubrique", "annee")
GROUP_TITLES: dict[GroupBy, str] = {"ministere": "Ministère", "rubrique": "Rubrique", "annee": "Année"}

#: What a missing value is shown as, per grouping.
UNKNOWN: dict[GroupBy, str] = {
    "ministere": "Ministère non indiqué",
    "rubrique": "Rubrique non indiquée",
    "annee": "Date inconnue",
}

_STATUS_CODES = {"answered": 0, "pending": 1, "withdrawn": 2, "lapsed": 3}
_NO_DAY = np.iinfo(np.int32).min

#: Edges (days) of the bars of the days-to-answer chart; the last bar is « plus de 2 ans ».
HISTOGRAM_EDGES: tuple[int, ...] = (0, 30, 61, 92, 183, 365, 730)

I32 = npt.NDArray[np.int32]


def equivalences_file() -> Path:
    """The shipped table of ministry equivalences (CSV: nom, ligne, source)."""
    return resources_dir() / "suivi" / "ministeres.csv"


@dataclass(frozen=True, slots=True)
class Equivalence:
    """One ministry name and the line that groups it with its other names, with the source."""

    name: str
    line: str
    source: str


def load_equivalences(path: Path | None = None) -> dict[str, Equivalence]:
    """The equivalence table by folded name.  Lines starting with ``#`` are comments.

    Raises ValueError (French, naming the file and the line) for a line without its three
    columns; the user may edit the file.
    """
    path = path or equivalences_file()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"Table des ministères illisible : « {path} » ({exc.strerror or exc}).") from exc
    kept = [
        (n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")
    ]
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in kept))))
    table: dict[str, Equivalence] = {}
    for (number, _), row in zip(kept, rows, strict=False):
        if not any(cell.strip() for cell in row):
            continue
        if row[:3] == ["nom", "ligne", "source"]:
            continue
        if len(row) < 3 or not row[0].strip() or not row[1].strip():
            raise ValueError(
                f"Table des ministères « {path} », ligne {number} : trois colonnes attendues (nom, ligne, source)."
            )
        name, line, source = (cell.strip() for cell in row[:3])
        table[_key(name)] = Equivalence(name, line, source)
    return table


def _key(name: str) -> str:
    return " ".join(fold(name).split())


@dataclass(frozen=True, slots=True)
class StatsTable:
    """The columns statistics need, for every written question of the corpus (numpy arrays by row).

    Questions au Gouvernement and oral questions are answered in session, the day they are asked:
    they have no answer delay to measure, and would pull every median to 0.  They are left out
    (``others``: their uids, counted apart).
    """

    uids: list[str]
    row_of: dict[str, int]
    ministry: I32  # index into ministry_names, -1 when missing
    ministry_names: list[str]
    rubrique: I32
    rubrique_names: list[str]
    question_day: I32  # days since 1970-01-01, _NO_DAY when missing
    answer_day: I32
    two_months_day: I32  # the last day of the two months after publication
    status: npt.NDArray[np.int8]
    data_version: int = 0
    #: The corpus's other questions (au Gouvernement, orales), left out of the statistics.
    others: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.uids)


def _codes(values: list[str | None]) -> tuple[I32, list[str]]:
    """Integer codes for the values (missing: -1), grouped case- and space-insensitively."""
    codes: dict[str, int] = {}
    names: list[str] = []
    of_value: dict[str | None, int] = {}
    # Each distinct value is folded once (a few hundred for 133,000 questions), in the order met.
    for value in dict.fromkeys(values):
        if not value:
            of_value[value] = -1
            continue
        key = " ".join(value.lower().split())
        code = codes.get(key)
        if code is None:
            code = codes[key] = len(names)
            names.append(capitalised(" ".join(value.split())))
        of_value[value] = code
    return np.fromiter(map(of_value.__getitem__, values), dtype=np.int32, count=len(values)), names


def _days(values: list[str | None]) -> I32:
    days = np.array(values, dtype="datetime64[D]").astype(np.int64)
    days[days == np.iinfo(np.int64).min] = _NO_DAY  # NaT
    return days.astype(np.int32)


def _plus_two_months(days: I32) -> I32:
    """The day with the same number two months later, or that month's last day (vectorised)."""
    valid = days != _NO_DAY
    d = np.where(valid, days, 0).astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + 2
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    result = target.astype("datetime64[D]").astype(np.int64) + np.minimum(offset, length - 1)
    return np.where(valid, result, _NO_DAY).astype(np.int32)


#: The statistics' one read of the corpus, and the uids it leaves out: both answered from the
#: covering index ``questions_stats`` (store.py, schema 5), never by walking the rows.
TABLE_QUERY = (
    "SELECT uid, ministry_answering, rubrique, question_date, answer_date, status FROM questions "
    "WHERE type = 'QE'"
)
OTHERS_QUERY = "SELECT uid FROM questions WHERE type != 'QE'"


def load_table(store: CorpusStore) -> StatsTable:
    """Every question's statistics columns, in one query."""
    conn = store.db.conn
    version = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    # Six columns of every written question make about a million small objects and no cycle:
    # the cyclic collector, run again and again over them, took a third of the time at 133,000.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = conn.execute(TABLE_QUERY).fetchall()
        others = frozenset(uid for (uid,) in conn.execute(OTHERS_QUERY))
        if rows:
            uids, ministries, rubriques, qdates, adates, statuses = (list(c) for c in zip(*rows, strict=True))
        else:
            uids, ministries, rubriques, qdates, adates, statuses = [], [], [], [], [], []
        del rows
    finally:
        if collecting:
            gc.enable()
    ministry, ministry_names = _codes(ministries)
    rubrique, rubrique_names = _codes(rubriques)
    question_day = _days(qdates)
    status = np.fromiter((_STATUS_CODES.get(s, 1) for s in statuses), dtype=np.int8, count=len(statuses))
    return StatsTable(
        uids=uids,
        row_of={uid: i for i, uid in enumerate(uids)},
        ministry=ministry,
        ministry_names=ministry_names,
        rubrique=rubrique,
        rubrique_names=rubrique_names,
        question_day=question_day,
        answer_day=_days(adates),
        two_months_day=_plus_two_months(question_day),
        status=status,
        data_version=int(version[0]) if version else 0,
        others=others,
    )


@dataclass(frozen=True, slots=True)
class GroupStats:
    """The figures of one line (a ministry, a rubrique, a year, or the whole set).

    ``answered_share`` and ``within_two_months_share``: of all the line's questions (0 to 1).
    Days are from the publication of the question to that of the answer, over the answered
    questions whose two dates are known; None when there is none.  ``waiting``: questions still
    pending (neither answered, withdrawn nor lapsed); ``oldest_waiting``: the uid and date of the
    one published first.
    """

    label: str
    questions: int
    answered: int
    answered_share: float
    median_days: float | None
    p90_days: float | None
    within_two_months: int
    within_two_months_share: float
    waiting: int
    oldest_waiting_uid: str | None = None
    oldest_waiting_date: str | None = None
    #: The names grouped on this line (ministries, when equivalences were applied).
    names: tuple[str, ...] = ()

    def record(self) -> dict[str, object]:
        return {
            "label": self.label,
            "questions": self.questions,
            "answered": self.answered,
            "answered_share": round(self.answered_share, 4),
            "median_days": self.median_days,
            "p90_days": self.p90_days,
            "within_two_months": self.within_two_months,
            "within_two_months_share": round(self.within_two_months_share, 4),
            "waiting": self.waiting,
            "oldest_waiting_uid": self.oldest_waiting_uid,
            "oldest_waiting_date": self.oldest_waiting_date,
            "names": list(self.names),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """The statistics of a set of questions: the total, one line per group, the distributions."""

    by: GroupBy
    total: GroupStats
    groups: tuple[GroupStats, ...]
    #: Days-to-answer bars: (from day, to day exclusive or None for the last, count).
    histogram: tuple[tuple[int, int | None, int], ...]
    #: Questions published per month: (``YYYY-MM``, count), months between the first and last.
    per_month: tuple[tuple[str, int], ...]
    grouped_names: bool = False
    not_found: int = 0
    #: Questions of the set that are not written questions (au Gouvernement, orales): left out.
    left_out: int = 0

    def record(self) -> dict[str, object]:
        return {
            "by": self.by,
            "grouped_names": self.grouped_names,
            "left_out": self.left_out,
            "total": self.total.record(),
            "groups": [g.record() for g in self.groups],
            "histogram": [{"from": lo, "to": hi, "count": n} for lo, hi, n in self.histogram],
            "per_month": [{"month": m, "count": n} for m, n in self.per_month],
        }


def histogram_label(lo: int, hi: int | None) -> str:
    """« 0 à 29 jours », « plus de 730 jours »."""
    if hi is None:
        return f"{lo} jours et plus"
    return f"{lo} à {hi - 1} jours"


def _iso(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def _line(
    label: str, rows: npt.NDArray[np.intp], table: StatsTable, names: tuple[str, ...] = ()
) -> GroupStats:
    status = table.status[rows]
    qday = table.question_day[rows]
    aday = table.answer_day[rows]
    answered_mask = status == 0
    dated = answered_mask & (qday != _NO_DAY) & (aday != _NO_DAY)
    delays = (aday[dated] - qday[dated]).astype(np.float64)
    within = int(np.count_nonzero(dated & (aday <= table.two_months_day[rows])))
    waiting_mask = status == 1
    waiting = int(np.count_nonzero(waiting_mask))
    oldest_uid = oldest_date = None
    waiting_dated = waiting_mask & (qday != _NO_DAY)
    if waiting_dated.any():
        candidates = np.flatnonzero(waiting_dated)
        first = candidates[np.argmin(qday[candidates])]
        oldest_uid = table.uids[int(rows[first])]
        oldest_date = _iso(int(qday[first]))
    count = len(rows)
    answered = int(np.count_nonzero(answered_mask))
    return GroupStats(
        label=label,
        questions=count,
        answered=answered,
        answered_share=answered / count if count else 0.0,
        median_days=float(np.median(delays)) if len(delays) else None,
        p90_days=float(np.percentile(delays, 90)) if len(delays) else None,
        within_two_months=within,
        within_two_months_share=within / count if count else 0.0,
        waiting=waiting,
        oldest_waiting_uid=oldest_uid,
        oldest_waiting_date=oldest_date,
        names=names,
    )


def select_rows(table: StatsTable, uids: Iterable[str] | None) -> tuple[npt.NDArray[np.intp], int, int]:
    """Row numbers of ``uids`` (None: every written question), how many of them are other
    questions (left out), and how many the corpus does not hold."""
    if uids is None:
        return np.arange(len(table), dtype=np.intp), len(table.others), 0
    row_of = table.row_of
    wanted = list(dict.fromkeys(uids))
    found = [row_of[u] for u in wanted if u in row_of]
    others = sum(1 for u in wanted if u in table.others)
    return np.array(found, dtype=np.intp), others, len(wanted) - len(found) - others


def compute(
    table: StatsTable,
    uids: Iterable[str] | None = None,
    *,
    by: GroupBy = "ministere",
    equivalences: Mapping[str, Equivalence] | None = None,
) -> Stats:
    """The statistics of ``uids`` (None: the whole corpus) grouped ``by`` ministry, rubrique or year.

    ``equivalences`` (ministries only): names found in the table are put on its line; the
    others stay on their own.  Lines are sorted by number of questions, most first (years: newest
    first).
    """
    rows, left_out, not_found = select_rows(table, uids)
    keys, labels, names_of = _group_keys(table, rows, by, equivalences)
    groups: list[GroupStats] = []
    if len(rows):
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
        for chunk in np.split(order, bounds):
            key = int(keys[chunk[0]])
            groups.append(_line(labels[key], rows[chunk], table, names_of.get(key, ())))
    if by == "annee":
        groups.sort(key=lambda g: g.label, reverse=True)
    else:
        groups.sort(key=lambda g: (-g.questions, fold(g.label)))
    return Stats(
        by=by,
        total=_line("Ensemble", rows, table),
        groups=tuple(groups),
        histogram=_histogram(table, rows),
        per_month=_per_month(table, rows),
        grouped_names=bool(equivalences) and by == "ministere",
        not_found=not_found,
        left_out=left_out,
    )


def _group_keys(
    table: StatsTable,
    rows: npt.NDArray[np.intp],
    by: GroupBy,
    equivalences: Mapping[str, Equivalence] | None,
) -> tuple[npt.NDArray[np.int64], dict[int, str], dict[int, tuple[str, ...]]]:
    """A group key per selected row, the label of each key, and the names each key groups."""
    names_of: dict[int, tuple[str, ...]] = {}
    if by == "annee":
        qday = table.question_day[rows]
        years = np.where(
            qday != _NO_DAY, qday.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970, -1
        )
        labels = {int(y): (str(int(y)) if y >= 0 else UNKNOWN[by]) for y in np.unique(years)}
        return years.astype(np.int64), labels, names_of
    codes = (table.ministry if by == "ministere" else table.rubrique)[rows].astype(np.int64)
    names = table.ministry_names if by == "ministere" else table.rubrique_names
    if by != "ministere" or not equivalences:
        labels = {i: name for i, name in enumerate(names)}
        labels[-1] = UNKNOWN[by]
        return codes, labels, names_of
    # Each name to its line: a lookup array from name code to line code.
    line_codes: dict[str, int] = {}
    lookup = np.empty(len(names) + 1, dtype=np.int64)  # the last slot for -1 (missing)
    grouped: dict[int, list[str]] = {}
    for i, name in enumerate(names):
        eq = equivalences.get(_key(name))
        line = eq.line if eq else name
        code = line_codes.setdefault(line, len(line_codes))
        lookup[i] = code
        grouped.setdefault(code, []).append(name)
    missing = len(line_codes)
    lookup[len(names)] = missing
    labels = {code: line for line, code in line_codes.items()}
    labels[missing] = UNKNOWN[by]
    names_of = {code: tuple(sorted(ns, key=fold)) for code, ns in grouped.items()}
    return lookup[codes], labels, names_of


def _histogram(table: StatsTable, rows: npt.NDArray[np.intp]) -> tuple[tuple[int, int | None, int], ...]:
    qday = table.question_day[rows]
    aday = table.answer_day[rows]
    dated = (table.status[rows] == 0) & (qday != _NO_DAY) & (aday != _NO_DAY)
    delays = aday[dated] - qday[dated]
    edges = np.array([*HISTOGRAM_EDGES, np.iinfo(np.int32).max], dtype=np.int64)
    counts = np.histogram(np.clip(delays, 0, None), bins=edges)[0]
    out: list[tuple[int, int | None, int]] = []
    for i, n in enumerate(counts):
        hi = HISTOGRAM_EDGES[i + 1] if i + 1 < len(HISTOGRAM_EDGES) else None
        out.append((HISTOGRAM_EDGES[i], hi, int(n)))
    return tuple(out)


def _per_month(table: StatsTable, rows: npt.NDArray[np.intp]) -> tuple[tuple[str, int], ...]:
    qday = table.question_day[rows]
    qday = qday[qday != _NO_DAY]
    if not len(qday):
        return ()
    months = qday.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first = int(months.min())
    counts = np.bincount(months - first)
    return tuple((str(np.datetime64(first + i, "M")), int(n)) for i, n in enumerate(counts))


# -- the figures in French, as the view, the report and the command line write them ---------


def number(value: int) -> str:
    """1 234 (narrow no-break space between thousands, as French typography wants)."""
    return f"{value:,}".replace(",", NNBSP)


def percent(share: float) -> str:
    """0.4567 -> « 45,7 % »."""
    return f"{share * 100:.1f}".replace(".", ",") + f"{NNBSP}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}{NBSP}j"


def cells(group: GroupStats) -> tuple[str, ...]:
    """The figures of one line as the view and the report write them (in :data:`COLUMNS` order)."""
    return (
        number(group.questions),
        percent(group.answered_share),
        days(group.median_days),
        days(group.p90_days),
        percent(group.within_two_months_share),
        number(group.waiting),
        format_date_fr(group.oldest_waiting_date) if group.oldest_waiting_date else "",
    )


def summary(stats: Stats) -> str:
    """One sentence of the whole set's figures."""
    t = stats.total
    left_out = ""
    if stats.left_out:
        n = stats.left_out
        left_out = (
            f" {number(n)} question{'s' if n > 1 else ''} au Gouvernement ou orale{'s' if n > 1 else ''} "
            f"laissée{'s' if n > 1 else ''} de côté (réponse en séance : pas de délai à mesurer)."
        )
    if not t.questions:
        return "Aucune question écrite." + left_out
    text = (
        f"{number(t.questions)} question{'s' if t.questions > 1 else ''} écrite{'s' if t.questions > 1 else ''}, "
        f"{percent(t.answered_share)} "
        f"répondues ({percent(t.within_two_months_share)} dans les deux mois)"
    )
    if t.median_days is not None:
        text += f", délai médian {days(t.median_days)}, 9e décile {days(t.p90_days)}"
    if t.waiting:
        text += f" ; {number(t.waiting)} en attente"
        if t.oldest_waiting_date:
            text += f", la plus ancienne publiée le {format_date_fr(t.oldest_waiting_date)}"
    return text + "." + left_out
