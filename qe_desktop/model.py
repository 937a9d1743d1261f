"""Frozen records shared by every layer: importers produce them, the store keeps them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Chamber = Literal["AN", "SENAT"]
QuestionType = Literal["QE", "QG", "QOSD"]
Status = Literal["answered", "pending", "withdrawn", "lapsed"]

STATUSES: tuple[Status, ...] = ("answered", "pending", "withdrawn", "lapsed")
QUESTION_TYPES: tuple[QuestionType, ...] = ("QE", "QG", "QOSD")

#: The keys of `qe-desktop show REF --json`, in this order.
RECORD_KEYS: tuple[str, ...] = (
    "uid",
    "chamber",
    "legislature",
    "type",
    "number",
    "rubrique",
    "tete_analyse",
    "analyse",
    "author",
    "author_ref",
    "group",
    "group_abbrev",
    "constituency",
    "ministry_asked",
    "ministry_answering",
    "question_text",
    "question_date",
    "question_page",
    "answer_text",
    "answer_date",
    "answer_page",
    "status",
    "closure_label",
    "closure_date",
    "signal_date",
    "renewal_dates",
    "errata",
    "url",
    # Added after the keys above were documented: what the import had to clean (French).
    "source_notes",
)

#: How notes and messages name each field of a Question (French, with its article).
FIELD_LABELS: dict[str, str] = {
    "uid": "l'identifiant",
    "legislature": "la législature",
    "number": "le numéro",
    "rubrique": "la rubrique",
    "tete_analyse": "la tête d'analyse",
    "analyse": "l'analyse",
    "author": "l'auteur",
    "author_ref": "la référence de l'auteur",
    "group": "le groupe",
    "group_abbrev": "le sigle du groupe",
    "constituency": "la circonscription",
    "ministry_asked": "le ministère interrogé",
    "ministry_answering": "le ministère attributaire",
    "question_text": "le texte de la question",
    "question_date": "la date de publication de la question",
    "question_page": "la page de la question au JO",
    "answer_text": "le texte de la réponse",
    "answer_date": "la date de publication de la réponse",
    "answer_page": "la page de la réponse au JO",
    "closure_label": "le libellé de clôture",
    "closure_date": "la date de clôture",
    "signal_date": "la date de signalement",
    "renewal_dates": "les dates de renouvellement",
    "errata": "les errata",
    "url": "l'adresse de la page officielle",
    "source_notes": "les notes d'import",
    "mandate_ref": "la référence du mandat",
    "group_ref": "la référence du groupe",
    "source_format": "le format de la source",
    "source_name": "le nom du fichier source",
    "source_raw": "la source d'origine",
}


@dataclass(frozen=True, slots=True)
class Question:
    """One normalised question, whatever its source.

    Dates are ISO ``YYYY-MM-DD`` strings; texts are clean plain text with
    paragraphs separated by one blank line (non-breaking spaces kept).
    ``mandate_ref`` and ``group_ref`` are AMO references used to resolve the
    author's constituency and group; ``source_format``/``source_raw`` keep the
    original record for re-processing and for showing tables as published.
    """

    uid: str
    legislature: int | None
    type: QuestionType
    number: int | None
    chamber: Chamber = "AN"
    rubrique: str | None = None
    tete_analyse: str | None = None
    analyse: str | None = None
    author: str | None = None
    author_ref: str | None = None
    group: str | None = None
    group_abbrev: str | None = None
    constituency: str | None = None
    ministry_asked: str | None = None
    ministry_answering: str | None = None
    question_text: str | None = None
    question_date: str | None = None
    question_page: int | None = None
    answer_text: str | None = None
    answer_date: str | None = None
    answer_page: int | None = None
    status: Status = "pending"
    closure_label: str | None = None
    closure_date: str | None = None
    signal_date: str | None = None
    renewal_dates: tuple[str, ...] = ()
    errata: tuple[str, ...] = ()
    url: str | None = None
    #: What the import changed to store the record (French sentences, see importers/clean.py).
    source_notes: tuple[str, ...] = ()
    # Not part of the public record, but needed to resolve and re-process it.
    mandate_ref: str | None = None
    group_ref: str | None = None
    source_format: str = ""
    source_name: str = ""
    source_raw: str = field(default="", repr=False, compare=False)

    def record(self) -> dict[str, Any]:
        """The public record: exactly RECORD_KEYS, lists for the tuple fields."""
        data = asdict(self)
        out: dict[str, Any] = {}
        for key in RECORD_KEYS:
            value = data[key]
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    @property
    def reference(self) -> str:
        """Short human reference, e.g. ``13-101851QE``."""
        return f"{self.legislature}-{self.number}{self.type}"


QUESTION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Question))


@dataclass(frozen=True, slots=True)
class Rejection:
    """One record or file that could not be imported, and why (French)."""

    source: str  # file path, with "!member" for a zip member
    reason: str
    record: str | None = None  # uid or position of the record inside the source, when known


@dataclass(frozen=True, slots=True)
class CleanedRecord:
    """One record stored after the import cleaned it: where it came from and what changed (French)."""

    source: str  # file path, with "!member" for a zip member
    notes: tuple[str, ...]
    record: str | None = None  # uid of the question, or of the deputy or body


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: counts, every rejection with its reason, every record cleaned."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[Rejection, ...] = ()
    cancelled: bool = False
    added_uids: tuple[str, ...] = field(default=(), repr=False)
    updated_uids: tuple[str, ...] = field(default=(), repr=False)
    reference_records: int = 0  # AMO acteurs/organes stored
    #: Stored, but not as given (counted in added/updated/unchanged too).
    cleaned: tuple[CleanedRecord, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.cancelled


@dataclass(frozen=True, slots=True)
class Changes:
    """What an operation changed, fanned out to the panels by the main window.

    Every operation a writer runs returns one (see ``jobs.Operation``); what the
    user must be told of comes with it: the report of an import, why the index
    was rebuilt, notices.
    """

    questions_added: tuple[str, ...] = ()
    questions_updated: tuple[str, ...] = ()
    questions_removed: tuple[str, ...] = ()
    reference_data_changed: bool = False
    index_rebuilt: bool = False
    #: Why the search index was rebuilt (French), when it was.
    index_rebuilt_because: str | None = None
    #: The report of an operation that imported files (the window shows it).
    import_report: ImportReport | None = None
    #: What the user must read although the operation went through (French): a corpus found missing.
    notices: tuple[str, ...] = ()
    #: What it changed in the user's own database (annotations re-anchored, an edit saved).
    user: UserChanges = field(default_factory=lambda: UserChanges())

    @classmethod
    def of_import(cls, report: ImportReport) -> Changes:
        """What an import changed, its report with it."""
        return cls(
            questions_added=report.added_uids,
            questions_updated=report.updated_uids,
            reference_data_changed=report.reference_records > 0,
            import_report=report,
        )

    @property
    def empty(self) -> bool:
        return not (
            self.questions_added
            or self.questions_updated
            or self.questions_removed
            or self.reference_data_changed
            or self.index_rebuilt
            or not self.user.empty
        )


@dataclass(frozen=True, slots=True)
class Mandate:
    """One mandate of a deputy (AMO), enough to name a constituency and a group."""

    uid: str
    actor_ref: str
    type_organe: str  # ASSEMBLEE, GP, ...
    legislature: int | None = None
    organe_ref: str | None = None
    departement: str | None = None
    num_departement: str | None = None
    num_circo: int | None = None
    start_date: str | None = None
    end_date: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A deputy from AMO reference data (``acteur/PA….json``)."""

    uid: str
    civility: str | None
    first_name: str | None
    last_name: str | None
    mandates: tuple[Mandate, ...] = ()

    @property
    def display_name(self) -> str:
        parts = [p for p in (self.civility, self.first_name, self.last_name) if p]
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Organe:
    """A body from AMO reference data (``organe/PO….json``): group, ministry, ..."""

    uid: str
    code_type: str | None
    label: str | None
    short_label: str | None = None
    abbrev: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    legislature: int | None = None


#: What an importer's parse() yields.
ParsedItem = Question | Actor | Organe | Rejection


# -- search (qe_desktop.search) ------------------------------------------------------

SortOrder = Literal["pertinence", "date", "reponse", "delai"]
SORT_ORDERS: tuple[SortOrder, ...] = ("pertinence", "date", "reponse", "delai")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search: the text typed, facet filters, order and page.

    ``filters`` maps a facet (``legislature``, ``type``, ``rubrique``,
    ``ministry_answering``, ``group_abbrev``, ``status``, ``year``, or their
    French names ``ministere``, ``groupe``, ``statut``, ``annee``) to the
    values accepted (OR within a facet, AND across facets); values compare
    folded (``sante`` = ``Santé``).  Give a tuple of ``(facet, value)`` pairs
    to keep the request hashable.
    """

    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    sort: SortOrder = "pertinence"
    limit: int = 20
    offset: int = 0
    snippets: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the question's key data and its two snippets.

    Snippets are HTML-safe text with the matched words in ``<b>…</b>``.
    ``score`` is the relevance (BM25F); None for a question put first because
    its number or reference was typed.
    """

    uid: str
    score: float | None
    legislature: int | None
    type: str
    number: int | None
    analyse: str | None
    rubrique: str | None
    author: str | None
    group_abbrev: str | None
    question_date: str | None
    answer_date: str | None
    status: str
    question_snippet: str = ""
    answer_snippet: str = ""
    answer_delay_days: int | None = None
    #: The heading of older questions whose pages give no analyse: a title when analyse is None.
    tete_analyse: str | None = None

    def record(self) -> dict[str, Any]:
        """The JSON form of ``qe-desktop search --json`` (keys in the documented order)."""
        return {
            "uid": self.uid,
            "score": None if self.score is None else round(self.score, 4),
            "legislature": self.legislature,
            "type": self.type,
            "number": self.number,
            "analyse": self.analyse,
            "rubrique": self.rubrique,
            "author": self.author,
            "group_abbrev": self.group_abbrev,
            "question_date": self.question_date,
            "answer_date": self.answer_date,
            "status": self.status,
            "question_snippet": self.question_snippet,
            "answer_snippet": self.answer_snippet,
            "answer_delay_days": self.answer_delay_days,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: every match counted, one page of hits, facet counts.

    ``facets`` maps each facet to ``(value, count)`` pairs over the whole
    result set (most frequent first; legislature and year newest first).
    ``interpretation`` says in French how the query was understood;
    ``warnings`` (French) say what could not be read and was ignored.
    """

    query: str
    interpretation: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    sort: SortOrder = "pertinence"
    offset: int = 0

    def record(self) -> dict[str, Any]:
        """The JSON form of ``qe-desktop search --json``."""
        return {
            "query": self.query,
            "interpretation": self.interpretation,
            "total": self.total,
            "hits": [h.record() for h in self.hits],
            "facets": {
                name: [{"value": v, "count": c} for v, c in values] for name, values in self.facets.items()
            },
            "warnings": list(self.warnings),
        }


# -- the user's work (qe_desktop.annotations) ----------------------------------------

#: The pane of the reader a passage was selected in.
Pane = Literal["question", "answer"]
PANES: tuple[Pane, ...] = ("question", "answer")

#: Where an annotation stands on the current text of its question (see annotations.anchoring):
#: ``exact`` at its recorded position, ``moved`` its quote found elsewhere with its context,
#: ``fuzzy`` an edited passage found by approximate matching, ``orphan`` (« orpheline ») the
#: passage cannot be placed with confidence, ``absent`` the question is not in the corpus,
#: ``question`` a note on the whole question (nothing to place).
PlacementState = Literal["exact", "moved", "fuzzy", "orphan", "absent", "question"]
PLACEMENT_STATES: tuple[PlacementState, ...] = ("exact", "moved", "fuzzy", "orphan", "absent", "question")

#: The colours of highlights, numbered 1 to 5 (their meanings are the user's, in user.sqlite).
COLOURS: tuple[int, ...] = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class TextAnchor:
    """Where a passage is, as a W3C Web Annotation target says it.

    ``exact``/``prefix``/``suffix``: the TextQuoteSelector (the passage and up
    to 32 characters on each side); ``start``/``end``: the TextPositionSelector,
    offsets in the plain text of the pane (``question_text`` or ``answer_text``
    as ``qe-desktop show --json`` prints it); ``text_hash``: a digest of that
    whole text when the passage was selected, to know at once that nothing moved.
    """

    pane: Pane
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    text_hash: str


@dataclass(frozen=True, slots=True)
class Annotation:
    """A highlight or a note: on a passage (``anchor``) or on a whole question (``anchor`` None).

    ``id`` is stable across copies (export, import, undo): a UUID for those made here.
    ``colour`` is 1 to 5 or None; ``created``/``modified`` are ISO 8601 UTC
    (``2025-03-08T10:21:05.123Z``), ``modified`` decides which copy is the most recent.
    """

    id: str
    question_uid: str
    anchor: TextAnchor | None
    colour: int | None = None
    note: str = ""
    tags: tuple[str, ...] = ()
    created: str = ""
    modified: str = ""


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an annotation lands on the current text: [start, end) of that text, or nowhere.

    ``score`` is the similarity of the passage found to the quote (1.0 when exact).
    """

    state: PlacementState
    start: int | None = None
    end: int | None = None
    score: float = 1.0

    @property
    def drawn(self) -> bool:
        """True when the window draws it on the text (never for an orphan or an absent question)."""
        return self.state in ("exact", "moved", "fuzzy")


@dataclass(frozen=True, slots=True)
class PlacedAnnotation:
    """An annotation with where it lands on the current text of its question."""

    annotation: Annotation
    placement: Placement


@dataclass(frozen=True, slots=True)
class ColourMeaning:
    """One highlight colour and what it means to the user (« Chiffre / donnée »)."""

    number: int
    meaning: str


@dataclass(frozen=True, slots=True)
class Dossier:
    """A named, ordered collection of questions for a deputy; a question may be in several.

    ``items`` are question uids in the user's order.  ``position`` orders the dossiers.
    """

    id: str
    name: str
    description: str = ""
    items: tuple[str, ...] = ()
    position: int = 0
    created: str = ""
    modified: str = ""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A search kept under a name: query, filters and sort as a SearchRequest takes them.

    ``last_opened`` is a Unix time (as the corpus's ``imported_at``/``updated_at``),
    None when never opened since it was saved.
    """

    id: str
    name: str
    query: str
    filters: tuple[tuple[str, str], ...] = ()
    sort: SortOrder = "pertinence"
    position: int = 0
    created: str = ""
    last_opened: float | None = None


@dataclass(frozen=True, slots=True)
class UserChanges:
    """What an operation on the user's database changed, fanned out to the panels by the window.

    ``questions``: uids whose annotations or dossiers changed (the results list's marks,
    the reader's highlights).  Ids are annotation, dossier and saved-search ids.
    """

    annotations_added: tuple[str, ...] = ()
    annotations_updated: tuple[str, ...] = ()
    annotations_removed: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    dossiers_changed: tuple[str, ...] = ()
    dossiers_removed: tuple[str, ...] = ()
    saved_searches_changed: tuple[str, ...] = ()
    saved_searches_removed: tuple[str, ...] = ()
    colours_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.annotations_added
            or self.annotations_updated
            or self.annotations_removed
            or self.questions
            or self.dossiers_changed
            or self.dossiers_removed
            or self.saved_searches_changed
            or self.saved_searches_removed
            or self.colours_changed
        )

    def merged(self, other: UserChanges) -> UserChanges:
        """Both changes in one (each id once, in order)."""

        def union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys((*a, *b)))

        return UserChanges(
            union(self.annotations_added, other.annotations_added),
            union(self.annotations_updated, other.annotations_updated),
            union(self.annotations_removed, other.annotations_removed),
            union(self.questions, other.questions),
            union(self.dossiers_changed, other.dossiers_changed),
            union(self.dossiers_removed, other.dossiers_removed),
            union(self.saved_searches_changed, other.saved_searches_changed),
            union(self.saved_searches_removed, other.saved_searches_removed),
            self.colours_changed or other.colours_changed,
        )
