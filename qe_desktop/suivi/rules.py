"""The stage a written question has reached at a date, under the rules in force at its publication.

Assemblée nationale, written questions (QE): article 139 of the Règlement of 1959, renumbered
article 135 by the reform of 2009, then rewritten by the reform of 2019.  What each period says
is in :data:`AN_RULES`, with its source; a question follows the rules in force on the day it was
published in the Journal officiel (the period of a question published before a reform is not
changed by it).

* **Answer period** (« Les réponses des ministres doivent être publiées dans le mois suivant la
  publication des questions », art. 139 al. 2 then art. 135): one month until the 2019 reform,
  two months after it.  A period in months ends on the day of the same number in the last month,
  or on that month's last day when it has no such day (the reckoning of art. 641 of the code de
  procédure civile); an answer published on that day is in time.
* **Extension** (« à titre exceptionnel, … un délai supplémentaire qui ne peut excéder un
  mois »): before the 2019 reform, a minister could ask for at most one more month.  Whether he did
  is not in the open data: a question past its month but within the second one is shown « dans le
  délai supplémentaire éventuel », and an answer within it counts as in time.
* **Signalement**: after the periods above, a group president may « signaler » a question
  unanswered; the minister must then answer within **ten days**.  A practice decided in 1994 by the
  Conférence des présidents, written into article 135 by the reform of 2009 (résolution of
  27 May 2009) — « Les ministres sont alors tenus de répondre dans un délai de dix jours ».
* **Renewal**: an unanswered question can be published again (« renouvelée »); the Règlement sets
  no new period for it, so none is computed: the stage says when it was renewed.
* **Lapse**: the questions still unanswered at the end of a legislature lapse (« caduques », the
  pages say « Question retirée le … (fin de mandat) »): at the last day of the legislature in
  :data:`LEGISLATURES` when the record gives no closure date.
* **Withdrawal** by the author: the record's status.

Sénat questions are shown without deadline stages (status and days only): the Sénat's article 75
(one month plus one month of extension, later two months without extension) was reformed at a
date this module does not know for certain, and no importer reads Sénat records yet.  Questions
au Gouvernement and oral questions have no written-answer period either.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from qe_desktop.dates import format_date_fr
from qe_desktop.model import Question

StageCode = Literal[
    "answered",
    "answered_in_time",
    "answered_after_signal",
    "answered_late",
    "waiting",
    "extension",
    "overdue",
    "signalled",
    "signalled_overdue",
    "renewed",
    "withdrawn",
    "lapsed",
    "no_deadline",
]

#: How each stage reads (in a sentence; the window capitalises it for a column).
STAGE_LABELS: dict[StageCode, str] = {
    "answered": "répondue",
    "answered_in_time": "répondue dans le délai",
    "answered_after_signal": "répondue après signalement, dans les dix jours",
    "answered_late": "répondue hors délai",
    "waiting": "dans le délai de réponse",
    "extension": "dans le délai supplémentaire éventuel",
    "overdue": "délai de réponse dépassé",
    "signalled": "signalée, dans les dix jours",
    "signalled_overdue": "signalée, délai de dix jours dépassé",
    "renewed": "renouvelée",
    "withdrawn": "retirée",
    "lapsed": "caduque",
    "no_deadline": "sans délai réglementaire",
}
#: The stages in the order a count per stage is shown.
STAGES: tuple[StageCode, ...] = tuple(STAGE_LABELS)
#: Stages of a question still waiting for its answer.
OPEN_STAGES: frozenset[StageCode] = frozenset(
    {"waiting", "extension", "overdue", "signalled", "signalled_overdue", "renewed"}
)


@dataclass(frozen=True, slots=True)
class AnswerRules:
    """The answer periods of the Assemblée's written questions for those published from ``since``."""

    since: date
    #: Months the minister has to answer (« dans le mois » then « dans les deux mois »).
    answer_months: int
    #: Months of the exceptional extension a minister may ask for (0: none).
    extension_months: int
    #: Days the minister has after a signalement by a group president.
    signal_days: int
    #: Where it is written (French, shown in the window's explanation of a stage).
    source: str


#: The date from which the rules of the 2019 reform apply.  Résolution n° 281 adopted on
#: 4 June 2019, declared in conformity (partly) by the Conseil constitutionnel (décision
#: n° 2019-785 DC of 4 July 2019, JORF of 6 July 2019).  Taken here as 1 September 2019, the
#: start of the reform's application believed from memory and NOT verified offline: a question
#: published between 4 July and 31 August 2019 may be given the wrong period (one month instead
#: of two).
REFORM_2019 = date(2019, 9, 1)

AN_RULES: tuple[AnswerRules, ...] = (
    AnswerRules(
        since=date(1959, 6, 24),
        answer_months=1,
        extension_months=1,
        signal_days=10,
        # One month: art. 139 al. 2 (quoted in QE n° 11-33490 of 2 August 1999: « Fixé à un mois
        # par l'alinéa 2 ») and still « au lieu d'un actuellement » in amendment n° 32 on the 2014
        # reform (Tardy, 25 November 2014).  Extension of one month: art. 139 al. 3, then 135.
        # Ten days after a signalement: Conférence des présidents 1994, art. 135 since 2009
        # (amendment n° 332 of 5 May 2009; art. 135 al. 7 quoted by A. Chassaigne, QE 14-43619).
        source=(
            "Règlement de l'Assemblée nationale, article 139 (1959), article 135 depuis la "
            "résolution du 27 mai 2009 : réponse dans le mois suivant la publication, délai "
            "supplémentaire d'un mois au plus à titre exceptionnel ; après signalement par un "
            "président de groupe (procédure de 1994, inscrite au Règlement en 2009), réponse "
            "dans les dix jours."
        ),
    ),
    AnswerRules(
        since=REFORM_2019,
        answer_months=2,
        extension_months=0,
        signal_days=10,
        # Two months: art. 135 al. 6 as the reform wrote it (« dans les deux mois suivant la
        # publication », amendments n° 419 and 737 on proposition n° 1882, 27 May 2019, which
        # refer to « le délai mentionné à l'alinéa 6 », a single period: no extension left).
        source=(
            "Règlement de l'Assemblée nationale, article 135, alinéa 6, rédaction de la "
            "résolution n° 281 du 4 juin 2019 : réponse dans les deux mois suivant la "
            "publication ; après signalement par un président de groupe, réponse dans les dix "
            "jours."
        ),
    ),
)

#: Legislatures of the Fifth Republic from the 8th: (first day, last day; None while it lasts).
#: The questions still unanswered lapse on the last day.  The 13th and 14th are verified in real
#: records (closure « Fin de mandat » on 19 June 2012 and 20 June 2017); the others are the
#: official dates of the elected Assemblies (from memory: the day before the next one first
#: met, or the dissolution of 1988, 1997 and 2024).
LEGISLATURES: dict[int, tuple[date, date | None]] = {
    7: (date(1981, 7, 2), date(1986, 4, 1)),
    8: (date(1986, 4, 2), date(1988, 5, 14)),
    9: (date(1988, 6, 23), date(1993, 4, 1)),
    10: (date(1993, 4, 2), date(1997, 4, 21)),
    11: (date(1997, 6, 12), date(2002, 6, 18)),
    12: (date(2002, 6, 19), date(2007, 6, 19)),
    13: (date(2007, 6, 20), date(2012, 6, 19)),
    14: (date(2012, 6, 20), date(2017, 6, 20)),
    15: (date(2017, 6, 21), date(2022, 6, 21)),
    16: (date(2022, 6, 22), date(2024, 6, 9)),
    17: (date(2024, 7, 18), None),
}


def add_months(day: date, months: int) -> date:
    """The day ``months`` later with the same number, or that month's last day (31 Dec + 2 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rules_for(published: date) -> AnswerRules:
    """The Assemblée's rules in force for a question published on ``published``."""
    chosen = AN_RULES[0]
    for rules in AN_RULES:
        if published >= rules.since:
            chosen = rules
    return chosen


def legislature_end(legislature: int | None) -> date | None:
    """The last day of a legislature (None while it lasts, or unknown)."""
    if legislature is None or legislature not in LEGISLATURES:
        return None
    return LEGISLATURES[legislature][1]


@dataclass(frozen=True, slots=True)
class Deadlines:
    """The dates (inclusive) by which a question had to be answered."""

    rules: AnswerRules
    #: End of the answer period.
    answer: date
    #: End of the exceptional extension (None when the rules have none).
    extension: date | None
    #: End of the ten days after the signalement (None when not signalled).
    signal: date | None

    @property
    def last(self) -> date:
        """The last day of the ordinary periods (extension included)."""
        return self.extension or self.answer


@dataclass(frozen=True, slots=True)
class Stage:
    """Where a question stands at a date: its stage, the dates that decide it and its days.

    ``days``: days taken to answer (answered), or days waiting (until today, or until the
    lapse or withdrawal that closed it); None when the dates are unknown.
    ``since``: the day the stage began when the record says it (signalement, renewal, closure,
    answer).  ``deadlines``: None when no period applies (Sénat, QG, no date).
    """

    code: StageCode
    days: int | None
    deadlines: Deadlines | None = None
    since: date | None = None
    signalled: date | None = None
    renewed: date | None = None

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.code]

    @property
    def open(self) -> bool:
        """True while the question waits for its answer."""
        return self.code in OPEN_STAGES

    @property
    def in_time(self) -> bool | None:
        """For an answered question: answered within the period that applied (None: unknown or no period)."""
        if self.code in ("answered_in_time", "answered_after_signal"):
            return True
        if self.code == "answered_late":
            return False
        return None

    def explanation(self) -> str:
        """One French sentence: the stage with its dates (« signalée le 3 mai 1999 ; … »)."""
        parts = [self.label]
        if self.since and self.code in ("withdrawn", "lapsed", "renewed"):
            parts[0] += f" le {format_date_fr(self.since.isoformat())}"
        d = self.deadlines
        if d is not None:
            if self.code in ("waiting", "answered_in_time", "answered_late"):
                parts.append(f"délai de réponse : {format_date_fr(d.answer.isoformat())}")
            if d.extension and self.code in ("extension", "overdue", "answered_in_time", "answered_late"):
                parts.append(f"délai supplémentaire éventuel : {format_date_fr(d.extension.isoformat())}")
            if self.code == "overdue" and not d.extension:
                parts.append(f"délai de réponse : {format_date_fr(d.answer.isoformat())}")
            if d.signal and self.signalled:
                parts.append(
                    f"signalée le {format_date_fr(self.signalled.isoformat())}, réponse attendue le "
                    f"{format_date_fr(d.signal.isoformat())} au plus tard"
                )
        if self.days is not None:
            kind = "jours pour répondre" if self.code.startswith("answered") else "jours d'attente"
            parts.append(f"{self.days} {kind}")
        return " ; ".join(parts)


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def stage_at(
    today: date,
    *,
    chamber: str = "AN",
    type: str = "QE",
    legislature: int | None = None,
    status: str = "pending",
    question_date: str | None = None,
    answer_date: str | None = None,
    signal_date: str | None = None,
    renewal_dates: Sequence[str] = (),
    closure_date: str | None = None,
) -> Stage:
    """The stage of a question on ``today`` from its dates (ISO strings) and status.

    Dates after ``today`` are not yet known on ``today``: a question answered later is still
    waiting then, a signalement to come has not happened.
    """
    published = _day(question_date)
    answered = _day(answer_date)
    if answered is not None and answered > today:
        answered = None
    signalled = _day(signal_date)
    if signalled is not None and signalled > today:
        signalled = None
    renewals = [d for d in (_day(r) for r in renewal_dates) if d is not None and d <= today]
    renewed = max(renewals) if renewals else None
    closed = _day(closure_date)
    end = legislature_end(legislature) if chamber == "AN" else None

    deadlines: Deadlines | None = None
    if published is not None and chamber == "AN" and type == "QE":
        rules = rules_for(published)
        answer_by = add_months(published, rules.answer_months)
        extension = add_months(published, rules.answer_months + rules.extension_months)
        deadlines = Deadlines(
            rules=rules,
            answer=answer_by,
            extension=extension if rules.extension_months else None,
            signal=signalled + timedelta(days=rules.signal_days) if signalled else None,
        )

    def days_to(day: date) -> int | None:
        return (day - published).days if published else None

    # Answered (on or before today).
    if status == "answered" and answered is not None:
        days = days_to(answered)
        if deadlines is None:
            return Stage("answered", days, None, answered, signalled, renewed)
        if answered <= deadlines.last:
            code: StageCode = "answered_in_time"
        elif deadlines.signal is not None and answered <= deadlines.signal:
            code = "answered_after_signal"
        else:
            code = "answered_late"
        return Stage(code, days, deadlines, answered, signalled, renewed)
    if status == "answered" and answer_date is None:
        return Stage("answered", None, deadlines, None, signalled, renewed)

    # Closed without an answer: withdrawn, or lapsed (by the record, or by the legislature's end).
    if status == "withdrawn" and (closed is None or closed <= today):
        return Stage("withdrawn", days_to(closed or today), deadlines, closed, signalled, renewed)
    lapse: date | None = None
    if status == "lapsed":
        lapse = closed or end
        if lapse is None:  # lapsed, but the record says neither when nor in which legislature
            return Stage("lapsed", None, deadlines, None, signalled, renewed)
    elif end is not None and end < today:
        lapse = end  # still unanswered when its legislature ended: lapsed with it
    if lapse is not None and lapse <= today:
        return Stage("lapsed", days_to(lapse), deadlines, lapse, signalled, renewed)

    days = days_to(today)
    if deadlines is None:
        return Stage("no_deadline", days, None, None, signalled, renewed)
    # Still waiting: the latest event decides (a renewal after a signalement, or the reverse).
    if signalled is not None and (renewed is None or signalled >= renewed):
        assert deadlines.signal is not None
        code = "signalled" if today <= deadlines.signal else "signalled_overdue"
        return Stage(code, days, deadlines, signalled, signalled, renewed)
    if renewed is not None:
        return Stage("renewed", days, deadlines, renewed, signalled, renewed)
    if today <= deadlines.answer:
        return Stage("waiting", days, deadlines, published, None, None)
    if deadlines.extension is not None and today <= deadlines.extension:
        return Stage("extension", days, deadlines, deadlines.answer + timedelta(days=1), None, None)
    return Stage("overdue", days, deadlines, deadlines.last + timedelta(days=1), None, None)


def stage_of(question: Question, today: date) -> Stage:
    """The stage of a stored question on ``today``."""
    return stage_at(
        today,
        chamber=question.chamber,
        type=question.type,
        legislature=question.legislature,
        status=question.status,
        question_date=question.question_date,
        answer_date=question.answer_date,
        signal_date=question.signal_date,
        renewal_dates=question.renewal_dates,
        closure_date=question.closure_date,
    )
