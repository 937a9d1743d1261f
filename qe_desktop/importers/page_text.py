"""Question pages of the AN web site, as saved text renderings or as HTML.

One page is one question.  The site has had five layouts over the years (see
DATA.md, "Page layouts"): the "Données clés" page (13-101851QE), the "dyn"
pages (``QANR5L…``), the "FICHE QUESTION" pages, the section pages with ``|``
separators and the 14th–16th legislature pages with ``Label > value``.  They
share their labels, so one line-driven parser reads them all: labelled lines
fill the fields, the "Texte de la question/réponse" headings (or, on dyn pages,
the lines after the author and constituency) open the texts, and any labelled
line closes them.  HTML is first turned into text lines with
:func:`~qe_desktop.importers.html_text.html_to_text`.

Rendering artefacts are cleaned: markdown links (``[Mme X](#)`` -> ``Mme X``),
superscripts (``1^{re}`` -> ``1re``), ``|`` separators, paragraphs broken by a
page break, trailing junk lines ("UDF 12 Picardie N", "partager").  The texts
themselves are kept as printed (typos, missing accents, odd characters).

Some layouts carry the question number only in the page's address, so the
file name (``13-101851QE.txt``, ``QANR5L11QE328.txt``) is part of the record:
the page's own number and legislature win, the file name fills the gaps.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from qe_desktop.dates import parse_date
from qe_desktop.importers.an_json import closure_status, question_url
from qe_desktop.importers.clean import controls_note
from qe_desktop.importers.html_text import html_to_text
from qe_desktop.importers.sources import Source
from qe_desktop.model import ParsedItem, Question, QuestionType, Rejection, Status

FORMAT = "page_text"
LABEL = "page de question du site de l'Assemblée nationale (texte ou HTML)"

#: A question page is a few kilobytes (a saved HTML page a few hundred); anything
#: far bigger was dropped here by mistake and is refused before being read whole.
MAX_BYTES = 20 * 1024 * 1024

_log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- decoding

_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")
#: Characters a French text in Windows-1252 legitimately holds beyond ASCII.
_FRENCH_CHARS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»‘’“”…–—°€§²³µ·¼½¾ªº\u00a0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _Unreadable(Exception):
    """A file that is not a readable text, with the French reason."""


def _decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding used; _Unreadable otherwise."""
    if not data.strip():
        raise _Unreadable("fichier vide")
    if data.startswith(_BOMS_UTF16):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _Unreadable(f"texte UTF-16 illisible ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise _Unreadable("fichier binaire (octets nuls) : ce n'est pas une page de question")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise _Unreadable(
                f"encodage inconnu : ni UTF-8 (octet invalide en position {exc.start}) ni Windows-1252"
            ) from exc
        if not _looks_french(text):
            raise _Unreadable(
                f"encodage inconnu : ni UTF-8 (octet invalide en position {exc.start}) "
                "ni Windows-1252 donnant un texte français"
            ) from exc
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 200):
        raise _Unreadable(
            f"fichier binaire ({controls} caractères de contrôle) : ce n'est pas une page de question"
        )
    return text, encoding


def _looks_french(text: str) -> bool:
    """True when the non-ASCII characters of a cp1252 reading are those of French text."""
    if _CONTROL.search(text):
        return False
    extra = [c for c in text if ord(c) > 127]
    if not extra:
        return True
    french = sum(1 for c in extra if c in _FRENCH_CHARS)
    return french >= 0.9 * len(extra)


# --------------------------------------------------------------------------- sniffing

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_STRONG_MARKERS = re.compile(
    r"texte de la (?:question|reponse)|question (?:ecrite|orale|au gouvernement)[^\n]{0,30}?n\s*(?:°|o(?![a-z]))"
    r"|fiche question|question n\s*(?:°|o(?![a-z]))|question de\s*:|ministere (?:interroge|attributaire|repondant)"
    r"|donnees cles|type de question\s*:"
)
_WEAK_MARKERS = re.compile(r"rubrique\s*[:>]|assemblee nationale|\blegislature\b|assemblee-nationale\.fr")
_NAME = re.compile(
    r"(?<![0-9A-Za-z])(?:(\d{1,2})-(\d{1,7})(QE|QG|QOSD)|QANR5L(\d{1,2})(QE|QG|QOSD)(\d{1,7}))(?![0-9])"
)


def _fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: for comparing labels."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").lower().split())


def _head_text(head: bytes) -> str | None:
    """Best-effort text of the first bytes (a multi-byte character may be cut at the end)."""
    if head.startswith(_BOMS_UTF16):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8-sig", errors="replace")
        return head.decode("cp1252", errors="replace")


def sniff(head: bytes, name: str) -> bool:
    """True for the text or HTML of an AN question page (tried after the JSON/XML/AMO importers)."""
    text = _head_text(head)
    if text is None:
        return False
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] in "{[":
        return False
    if stripped.startswith("<"):
        if not _HTML_START.match(stripped):
            return False  # XML, or some other markup
        plain = _fold(re.sub(r"<[^>]*>", " ", stripped))
        if _STRONG_MARKERS.search(plain):
            return True
        # The head of a saved HTML page is mostly <head>: its title and links name the site.
        raw = _fold(stripped)
        return "assemblee-nationale.fr" in raw and ("question" in raw or _NAME.search(name) is not None)
    folded = _fold(stripped)
    if _STRONG_MARKERS.search(folded):
        return True
    # Pages, descriptions of them and READMEs all name the Assemblée and its legislatures:
    # without a page landmark, only a file named after a question counts.
    return _WEAK_MARKERS.search(folded) is not None and _NAME.search(name) is not None


# --------------------------------------------------------------------------- line preparation

#: Site chrome of a saved HTML page; after the last text section it would read as part of the answer.
_HTML_CHROME = re.compile(r"<(nav|footer|aside|noscript)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)")
_SUPERSCRIPT = re.compile(r"\^\{([^{}]*)\}")
_PIPES_ONLY = re.compile(r"^[\s|]*\|[\s|]*$")
_PIPE_SPLIT = re.compile(r"\s*\|+\s*")
#: "UDF 12 Picardie N": group abbreviation, legislature, region, flag — the tail of FICHE pages.
_FICHE_TAIL = re.compile(
    r"^(?P<abbrev>[A-Z][A-Za-z0-9&.'-]{0,11})\s+(?P<leg>\d{1,2})\s+(?P<region>[^\d.!?;:,()]{2,50}?)\s+[A-Z]$"
)


def _clean_inline(line: str) -> str:
    """Remove markdown links and ``^{…}`` superscripts of the rendering."""
    if "](" in line:
        line = _MD_LINK.sub(r"\1", line)
    if "^{" in line:
        line = _SUPERSCRIPT.sub(r"\1", line)
    return line


def _prepare_lines(text: str) -> list[str]:
    """Stripped, cleaned lines; ``|`` separators turned into line breaks where they separate fields."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pipe_layout = sum(1 for line in raw_lines if _PIPES_ONLY.match(line)) >= 2
    out: list[str] = []
    for raw in raw_lines:
        line = _clean_inline(raw.replace("\ufeff", "")).strip()
        if "|" not in line:
            out.append(line)
            continue
        if _PIPES_ONLY.match(line):
            out.append("")
            continue
        segments = _PIPE_SPLIT.split(line)
        if pipe_layout or any(_classify(seg)[0] is not None for seg in segments if seg):
            # "Rubrique : | logement | Texte de la QUESTION : | …": one field per line.
            out.extend(segments)
        else:
            out.append(line)  # a table row of an HTML answer: keep it whole
    return out


def _drop_fiche_tail(lines: list[str]) -> str | None:
    """Remove the FICHE page's last line ("UDF 12 Picardie N"); its group abbreviation, if any."""
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i]:
            continue
        m = _FICHE_TAIL.match(lines[i])
        if m and 1 <= int(m["leg"]) <= 20:
            del lines[i]
            return m["abbrev"]
        return None
    return None


# --------------------------------------------------------------------------- line classes

_LEGISLATURE = re.compile(
    r"^(?:(\d{1,2})|([IVXLC]{1,6}))\s*(?:e|è|ème|eme|ième|ieme)\s+l[ée]gislature$", re.I
)
_QNUM = re.compile(
    r"^question\s+(?P<kind>[^\d]{3,40}?)\s+n\s*[°º]\s*(?P<num>\d{1,7})\s*(?::\s*(?P<title>.*))?$",
    re.I,
)
_QNO = re.compile(r"^question\s+n\s*[°º]\s*:?\s*(?P<rest>.*)$", re.I)
_QUESTION_DE = re.compile(r"^question\s+de\s*:\s*(?P<rest>.*)$", re.I)
_HEADING = re.compile(r"^texte\s+de\s+la\s+(?P<which>question|r[ée]ponse)\s*:?\s*(?P<rest>.*)$", re.I)
_PUBLISHED = re.compile(
    r"^(?P<which>question|r[ée]ponse)\s+publi[ée]e\s+(?:au\s+j\.?\s?o\.?\s+)?le\s*:?\s*(?P<rest>.*)$", re.I
)
_WITHDRAWN = re.compile(r"^question\s+retir[ée]e\s+le\s*:?\s*(?P<rest>.*)$", re.I)
_LABELLED = re.compile(r"^(?P<label>[^:>|]{2,60}?)\s*[:>]\s*(?P<rest>.*)$")
_DE_LINE = re.compile(r"^de(?:\s+(?P<rest>.*))?$")

#: Folded label -> field key.
_LABELS: dict[str, str] = {
    "auteur": "author",
    "circonscription": "constituency",
    "groupe": "group",
    "groupe politique": "group",
    "type de question": "type",
    "numero de la question": "number",
    "numero": "number",
    "rubrique": "rubrique",
    "tete d'analyse": "tete_analyse",
    "analyse": "analyse",
    "titre": "analyse",
    "ministere interroge": "ministry_asked",
    "ministere attributaire": "ministry_answering",
    "ministere repondant": "ministry_answering",
    "date de changement d'attribution": "attribution_change",
    "signalement": "signal",
    "date de signalement": "signal",
    "question signalee le": "signal",
    "date de renouvellement": "renewal",
    "dates de renouvellement": "renewal",
    "date(s) de renouvellement": "renewal",
    "renouvellement": "renewal",
    "date de cloture": "closure",
    "date de retrait": "closure",
}
#: Folded whole lines that are page furniture.
_FURNITURE = frozenset(
    {
        "assemblee nationale",
        "fiche question",
        "donnees cles",
        "date(s) cle(s)",
        "dates cles",
        "dates",
        "date",
        "partager",
    }
)
_TYPE_CODES: dict[str, QuestionType] = {"QE": "QE", "QG": "QG", "QOSD": "QOSD"}
_TYPE_WORDS: tuple[tuple[str, QuestionType], ...] = (
    ("sans debat", "QOSD"),
    ("au gouvernement", "QG"),
    ("actualite", "QG"),
    ("orale", "QOSD"),
    ("ecrite", "QE"),
)


def _question_type(words: str) -> QuestionType | None:
    folded = _fold(words)
    for key, qtype in _TYPE_WORDS:
        if key in folded:
            return qtype
    return None


def _classify(line: str) -> tuple[str | None, re.Match[str] | None]:
    """The kind of a prepared line, with its match; (None, None) for plain text."""
    if not line:
        return None, None
    for kind, pattern in (
        ("heading", _HEADING),
        ("published", _PUBLISHED),
        ("withdrawn", _WITHDRAWN),
        ("question_de", _QUESTION_DE),
        ("qno", _QNO),
        ("legislature", _LEGISLATURE),
    ):
        m = pattern.match(line)
        if m:
            return kind, m
    m = _QNUM.match(line)
    if m and _question_type(m["kind"]):
        return "qnum", m
    folded = _fold(line)
    if folded.rstrip(" :") in _FURNITURE:
        return "furniture", None
    if re.fullmatch(r"question (?:ecrite|orale(?: sans debat)?|au gouvernement|d'actualite)", folded):
        return "type_line", None
    m = _LABELLED.match(line)
    if m and _fold(m["label"]) in _LABELS:
        return "label", m
    return None, None


# --------------------------------------------------------------------------- values

_DATE_IN = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2}(?:er)?\s+[^\W\d_]{3,9}\s+\d{4}")
_PAGE_IN = re.compile(r"\bpage\s*:?\s*(\d{1,6})\b", re.I)
_CIRC = re.compile(
    r"^(?P<circ>.*?\(\s*\d{1,2}\s*(?:e|re|er|ère|ème|eme)?\s*circonscription\s*\))\s*(?:-\s*(?P<group>.*))?$",
    re.I,
)
_GROUP_ABBREV = re.compile(r"^[A-Z][A-Z0-9&.'-]{0,11}$")
_CIVILITY = re.compile(r"^(?P<civ>M\.|MM\.|Mme|Mlle|Mmes|M)\s+(?P<name>.+)$")
_TEXT_CIVILITY = re.compile(r"^(?:m\.?|mme\.?|mlle\.?)\s+")
_PARTICLES = frozenset(
    {"de", "du", "des", "d'", "la", "le", "van", "von", "der", "den", "di", "da", "del", "della"}
)
_TERMINAL = frozenset('.!?:;»)…"”')


def _squeeze(text: str | None) -> str | None:
    """Ordinary whitespace runs -> one space (NBSP kept); None for empty."""
    if text is None:
        return None
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text or None


def _find_date(value: str, label: str) -> str | None:
    """The ISO date written in ``value`` (None if there is none); ValueError for an impossible one."""
    m = _DATE_IN.search(value)
    if not m:
        return None
    try:
        return parse_date(m[0])
    except ValueError as exc:
        raise ValueError(f"« {label} » : {exc}") from exc


def _date_and_page(value: str, label: str) -> tuple[str | None, int | None]:
    """``8 mars 2011, page 2121`` / ``30/08/2005 page : 8080`` -> (ISO date, page)."""
    value = value.strip()
    if not value:
        return None, None
    date = _find_date(value, label)
    if date is None:
        raise ValueError(f"« {label} » : date illisible : « {value} »")
    m = _PAGE_IN.search(value)
    return date, int(m[1]) if m else None


def _has_date_and_motif(value: str) -> bool:
    return _DATE_IN.search(value) is not None and bool(_DATE_IN.sub("", value, count=1).strip(" ()-:,\t"))


def _is_abbrev(group: str) -> bool:
    return _GROUP_ABBREV.match(group) is not None


@dataclass
class _Page:
    """What the parser found on the page (mutable while reading it)."""

    legislature: int | None = None
    number: int | None = None
    qtype: QuestionType | None = None
    rubrique: str | None = None
    tete_analyse: str | None = None
    analyse: str | None = None
    author: str | None = None
    group: str | None = None
    group_abbrev: str | None = None
    constituency: str | None = None
    ministry_asked: str | None = None
    ministry_answering: str | None = None
    question_lines: list[str] = field(default_factory=list)
    answer_lines: list[str] = field(default_factory=list)
    question_date: str | None = None
    question_page: int | None = None
    answer_date: str | None = None
    answer_page: int | None = None
    answer_announced: bool = False
    closure_date: str | None = None
    closure_motif: str | None = None
    closure_withdrawal: bool = False
    signal_date: str | None = None
    renewal_dates: list[str] = field(default_factory=list)
    title: str | None = None
    landmarks: int = 0

    def set_group(self, group: str | None) -> None:
        group = _squeeze(group)
        if not group:
            return
        if _is_abbrev(group):
            self.group_abbrev = self.group_abbrev or group
        else:
            self.group = self.group or group

    def set_constituency_group(self, value: str) -> None:
        """``Côtes-d'Armor (1re circonscription) - Groupe``, ``- RPR``, ``Somme - Groupe``."""
        value = _squeeze(value) or ""
        m = _CIRC.match(value)
        if m:
            self.constituency = self.constituency or _squeeze(m["circ"])
            self.set_group(m["group"])
        elif value.startswith("-"):
            self.set_group(value[1:])
        elif " - " in value:
            place, group = value.split(" - ", 1)
            self.constituency = self.constituency or _squeeze(place)
            self.set_group(group)
        elif value:
            self.constituency = self.constituency or value

    def set_who(self, who: str) -> None:
        """``M. Demilly Stéphane ( Groupe - Somme ) QE``: name, then group and department."""
        who = re.sub(r"\s+(?:QE|QG|QOSD)\s*$", "", who.strip())
        m = re.match(r"^(?P<name>[^()]*?)\s*(?:\((?P<inner>[^()]*)\))?\s*$", who)
        if not m:
            self.author = self.author or _squeeze(who)
            return
        self.author = self.author or _squeeze(m["name"])
        inner = _squeeze(m["inner"])
        if inner:
            if " - " in inner:
                group, place = inner.rsplit(" - ", 1)
                self.set_group(group)
                self.constituency = self.constituency or _squeeze(place)
            else:
                self.set_group(inner)


# --------------------------------------------------------------------------- the parser


class _Parser:
    """Walks the prepared lines once and fills a _Page."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.kinds = [_classify(line) for line in lines]
        self.page = _Page()
        self.consumed: set[int] = set()
        self.mode: str | None = None  # "question" / "answer" while reading a text
        self.expect: str | None = None  # "author" / "constituency" after "Question de :"
        self.body_started = False
        self.head: list[tuple[str | None, str]] = []  # lines before the body, for the title

    def _next_plain(self, i: int) -> int | None:
        """Index of the next non-empty line if it is plain text (a value on its own line)."""
        for j in range(i + 1, len(self.lines)):
            if not self.lines[j]:
                continue
            return j if self.kinds[j][0] is None and j not in self.consumed else None
        return None

    def _value(self, i: int, inline: str) -> str:
        """The value of a label: on its line, else on the next line when that is plain text."""
        inline = inline.strip()
        if inline:
            return inline
        j = self._next_plain(i)
        if j is None:
            return ""
        self.consumed.add(j)
        return self.lines[j]

    def run(self) -> _Page:
        for i, line in enumerate(self.lines):
            if i in self.consumed:
                continue
            kind, m = self.kinds[i]
            if not line:
                if self.mode:
                    self._text().append("")
                continue
            if kind is None:
                self._plain(line)
                continue
            self.expect = None
            self.mode = None
            self.page.landmarks += 1
            if not self.body_started and kind in ("qnum", "legislature", "furniture"):
                self.head.append((kind, line))
            self._landmark(i, kind, m)
        self._choose_title()
        return self.page

    def _text(self) -> list[str]:
        return self.page.question_lines if self.mode == "question" else self.page.answer_lines

    def _plain(self, line: str) -> None:
        page = self.page
        if self.expect == "author":
            page.author = page.author or _squeeze(line)
            self.expect = "constituency"
            return
        if self.expect == "constituency":
            self.expect = None
            self.mode = "question"  # dyn pages: the text follows the author, unlabelled
            if _looks_like_constituency(line):
                page.set_constituency_group(line)
                return
        if self.mode:
            self._text().append(line)
        elif not self.body_started:
            self.head.append((None, line))

    def _landmark(self, i: int, kind: str, m: re.Match[str] | None) -> None:
        page = self.page
        if kind in ("heading", "question_de", "qno", "label", "published", "withdrawn", "type_line"):
            self.body_started = True
        if kind == "legislature":
            assert m is not None
            page.legislature = page.legislature or _legislature_number(m)
        elif kind == "qnum":
            assert m is not None
            page.qtype = page.qtype or _question_type(m["kind"])
            page.number = page.number or int(m["num"])
            if m["title"] and m["title"].strip():
                page.title = page.title or _squeeze(m["title"])
        elif kind == "heading":
            assert m is not None
            self.mode = "question" if _fold(m["which"]) == "question" else "answer"
            if m["rest"].strip():
                self._text().append(m["rest"].strip())
        elif kind == "question_de":
            assert m is not None
            rest = m["rest"].strip()
            if rest:
                page.author = page.author or _squeeze(rest)
                self.expect = "constituency"
            else:
                self.expect = "author"
            self.head.append(("question_de", ""))
        elif kind == "qno":
            assert m is not None
            self._qno(i, m["rest"])
        elif kind == "type_line":
            page.qtype = page.qtype or _question_type(self.lines[i])
        elif kind == "published":
            assert m is not None
            label = self.lines[i][: m.start("rest")].rstrip(" :")
            date, number = _date_and_page(self._value(i, m["rest"]), label)
            if _fold(m["which"]) == "question":
                page.question_date = page.question_date or date
                page.question_page = page.question_page or number
            else:
                page.answer_announced = page.answer_announced or date is not None
                page.answer_date = page.answer_date or date
                page.answer_page = page.answer_page or number
        elif kind == "withdrawn":
            assert m is not None
            page.closure_withdrawal = True
            self._closure(i, m["rest"], "Question retirée le")
        elif kind == "label":
            assert m is not None
            self._label(i, _LABELS[_fold(m["label"])], m["label"].strip(), m["rest"])

    def _qno(self, i: int, rest: str) -> None:
        """``Question N° : 72504 de M. X ( Groupe - Dépt ) QE`` or ``Question N° 95281`` + ``de …``."""
        page = self.page
        rest = rest.strip()
        if not rest:
            # "Question N° :" alone (a table cell, a section page): the number follows.
            j = self._next_plain(i)
            if j is not None and re.match(r"^\d{1,7}\b", self.lines[j]):
                self.consumed.add(j)
                rest, i = self.lines[j], j
        m = re.match(r"^(?P<num>\d{1,7})?\s*(?P<more>.*)$", rest)
        assert m is not None
        if m["num"]:
            page.number = page.number or int(m["num"])
        more = m["more"].strip()
        tail = re.search(r"\b(QE|QG|QOSD)\s*$", more)
        if tail:
            page.qtype = page.qtype or _TYPE_CODES[tail[1]]
        who: str | None = None
        dm = _DE_LINE.match(more)
        if dm:
            who = dm["rest"] or ""
        else:
            j = self._next_plain(i)
            if j is not None:
                dm = _DE_LINE.match(self.lines[j])
                if dm:
                    self.consumed.add(j)
                    who = dm["rest"] or ""
        if who:
            page.set_who(who)

    def _label(self, i: int, key: str, label: str, inline: str) -> None:
        page = self.page
        if key == "closure":
            self._closure(i, inline, label)
            return
        value = self._value(i, inline)
        if key == "signal":
            page.signal_date = page.signal_date or _find_date(value, label)
            return
        if key == "renewal":
            for found in _DATE_IN.findall(value):
                date = _find_date(found, label)
                if date and date not in page.renewal_dates:
                    page.renewal_dates.append(date)
            return
        if key == "attribution_change":
            return  # the record has no field for it (the answering ministry says where it went)
        if key == "type":
            page.qtype = page.qtype or _question_type(value)
            return
        if key == "number":
            digits = re.search(r"\d{1,7}", value)
            if digits:
                page.number = page.number or int(digits[0])
            return
        if key == "constituency":
            if value:
                page.set_constituency_group(value)
            return
        if key == "group":
            page.set_group(value)
            return
        value_or_none = _squeeze(value)
        if key == "ministry_answering":
            # Re-attributions list the ministries in order: the last one answers.
            page.ministry_answering = value_or_none or page.ministry_answering
        elif getattr(page, key) is None:
            setattr(page, key, value_or_none)

    def _closure(self, i: int, inline: str, label: str) -> None:
        """``Question retirée le: 20/06/2017 (fin de mandat)``; ``Date de clôture :`` / date / motif."""
        page = self.page
        parts = [inline.strip()] if inline.strip() else []
        j = i
        while len(parts) < 2 and not _has_date_and_motif(" ".join(parts)):
            nxt = self._next_plain(j)
            if nxt is None or len(self.lines[nxt]) > 80:
                break
            self.consumed.add(nxt)
            parts.append(self.lines[nxt])
            j = nxt
        value = " ".join(parts)
        page.closure_date = page.closure_date or _find_date(value, label)
        motif = _DATE_IN.sub(" ", value, count=1).strip(" ()-:,\t")
        motif = re.sub(r"^le\s+", "", motif).strip()
        if motif:
            page.closure_motif = page.closure_motif or _squeeze(motif)

    def _choose_title(self) -> None:
        """The page heading: next to "Question écrite n° …", or just before "Question de :"."""
        if self.page.title:
            return
        head = self.head
        title: str | None = None
        # The last "Question écrite n°" line: a saved HTML page may repeat it in its <title>.
        qnums = [k for k, (kind, _) in enumerate(head) if kind == "qnum"]
        if qnums:
            k = qnums[-1]
            if k + 1 < len(head) and head[k + 1][0] is None:
                title = head[k + 1][1]  # "Question écrite n° 58508 :" / "oiseaux"
            else:
                back = k - 1
                while back >= 0 and head[back][0] in ("legislature", "furniture"):
                    back -= 1
                if back >= 0 and head[back][0] is None:
                    title = head[back][1]  # "Kazakhstan" / "Question écrite n° 101851"
        elif head and head[-1][0] == "question_de" and len(head) > 1 and head[-2][0] is None:
            title = head[-2][1]  # "Formation des conducteurs" / "Question de :"
        self.page.title = _squeeze(title)


def _looks_like_constituency(line: str) -> bool:
    """``Yvelines (12e circonscription) - Groupe`` or ``- RPR``, not the first line of a text."""
    if line.startswith("-") or _CIRC.match(line):
        return True
    return " - " in line and len(line) < 120 and line[-1] not in _TERMINAL and line.count(" ") < 15


def _legislature_number(m: re.Match[str]) -> int | None:
    if m[1]:
        return int(m[1])
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    roman = m[2].upper()
    total = 0
    for k, ch in enumerate(roman):
        v = values[ch]
        total += -v if k + 1 < len(roman) and values[roman[k + 1]] > v else v
    return total or None


# --------------------------------------------------------------------------- texts and names


def _paragraphs(lines: list[str]) -> str | None:
    """Lines of a text -> paragraphs separated by one blank line, page breaks rejoined.

    Every non-empty line is a paragraph (renderings do not wrap lines); a paragraph
    that does not end a sentence followed by one starting in lower case is one
    paragraph cut by a page break ("un mécanisme" / "national de prévention").
    """
    paragraphs: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if paragraphs and paragraphs[-1][-1] not in _TERMINAL and line[0].isalpha() and line[0].islower():
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return "\n\n".join(paragraphs) or None


def _name_pattern(name: str) -> re.Pattern[str]:
    """Accent-, case- and apostrophe-insensitive pattern; U+FFFD (a broken character) matches any one."""
    escaped = "".join("." if c == "\ufffd" else re.escape(c) for c in _fold(name))
    return re.compile(escaped + r"(?![\w'-])")


def _normalise_author(author: str | None, text: str | None) -> str | None:
    """``M. Demilly Stéphane`` -> ``M. Stéphane Demilly`` when the question text opens with that order.

    The page's own spelling is kept (accents, broken characters); only the order of
    its words changes, and only when exactly one order matches the text's opening.
    """
    author = _squeeze(author)
    if not author or not text:
        return author
    m = _CIVILITY.match(author)
    if not m:
        return author
    opening = _TEXT_CIVILITY.sub("", _fold(text[:300]), count=1)
    words = m["name"].split()
    if _name_pattern(" ".join(words)).match(opening):
        return author
    matches = []
    for k in range(1, len(words)):
        candidate = " ".join(words[k:] + words[:k])
        if _name_pattern(candidate).match(opening):
            matches.append(candidate)
    if len(matches) == 1:
        return f"{m['civ']} {matches[0]}"
    return author


def _author_from_text(text: str | None) -> str | None:
    """``Mme Marie-Jo Zimmermann attire…`` -> ``Mme Marie-Jo Zimmermann``, for pages without an author field."""
    if not text:
        return None
    tokens = text.split(None, 10)
    if len(tokens) < 4 or tokens[0] not in ("M.", "M", "Mme", "Mlle"):
        return None
    name: list[str] = []
    stop: str | None = None  # the verb after the name ("attire"), or "," ("Mme X, députée de …")
    for token in tokens[1:]:
        bare = token.rstrip(",")
        is_name = bare[:1].isupper() or bare.lower() in _PARTICLES or re.match(r"^d['’][A-ZÀ-Ý]", bare)
        if not is_name:
            stop = bare
            break
        name.append(bare)
        if bare != token:
            stop = ","
            break
    while name and name[-1].lower() in _PARTICLES:
        name.pop()
    if stop is None or len(name) < 2 or not name[0][:1].isupper() or not (stop == "," or stop[:1].islower()):
        return None
    civility = "M." if tokens[0] == "M" else tokens[0]
    return f"{civility} {' '.join(name)}"


# --------------------------------------------------------------------------- building the record


def _from_name(basename: str) -> tuple[int | None, QuestionType | None, int | None]:
    """(legislature, type, number) from ``13-101851QE.txt`` or ``QANR5L11QE328.txt``."""
    m = _NAME.search(basename)
    if not m:
        return None, None, None
    if m[1]:
        return int(m[1]), _TYPE_CODES[m[3]], int(m[2])
    return int(m[4]), _TYPE_CODES[m[5]], int(m[6])


#: Unanswered written questions lapse when their legislature ends; the 17th is the current one.
LAST_ENDED_LEGISLATURE = 16


def _status(page: _Page, legislature: int, answer_text: str | None) -> tuple[Status, str | None, str | None]:
    """(status, closure label, closure date) from what the page states.

    An answer (text or "Réponse publiée le") -> answered.  A closure line
    ("Question retirée le : … (fin de mandat)", "Date de clôture : … Fin de
    mandat") -> its motif, mapped like the open data's closure label.  No
    closure on a page of a legislature that has ended -> lapsed: the page shows
    what it knew, but such a question can no longer be pending (the page gives
    no closure wording or date, so none is stored).
    """
    answered = bool(answer_text or page.answer_announced)
    label: str | None = None
    if page.closure_motif:
        label = page.closure_motif[0].upper() + page.closure_motif[1:]
    elif page.closure_withdrawal or page.closure_date:
        label = "Question retirée"
    status = closure_status(None, label, answered)
    if status == "answered":
        return status, None, None
    if status == "pending" and legislature <= LAST_ENDED_LEGISLATURE:
        return "lapsed", None, None
    return status, label, page.closure_date


_SENAT = re.compile(r"^Question de (?:M\.|Mme|Mlle) .{2,80}\) publiée le \d{2}/\d{2}/\d{4}", re.M)


def parse_text(text: str, source_name: str, basename: str, raw: str | None = None) -> Question | Rejection:
    """Read one question page already decoded (text rendering, or HTML when it starts like HTML).

    ``basename`` is the file name, which fills in the number and legislature a
    layout may leave out; ``raw`` is stored as ``source_raw`` (default: ``text``).
    """
    raw = text if raw is None else raw
    removed: list[str] = []  # control characters the HTML conversion takes out: said in the notes
    if _HTML_START.match(text):
        text = html_to_text(_HTML_CHROME.sub("\n", text), removed)
    lines = _prepare_lines(text)
    tail_abbrev = _drop_fiche_tail(lines)
    try:
        page = _Parser(lines).run()
    except ValueError as exc:
        name_leg, name_type, name_num = _from_name(basename)
        record = f"QANR5L{name_leg}{name_type}{name_num}" if name_num else None
        return Rejection(source_name, f"donnée illisible dans la page : {exc}", record)

    question_text = _paragraphs(page.question_lines)
    answer_text = _paragraphs(page.answer_lines)
    structured = question_text or answer_text or page.landmarks >= 3
    if not structured:
        if _SENAT.search(text):
            return Rejection(
                source_name,
                "page de question du Sénat : ce format ne lit que celles de l'Assemblée nationale",
            )
        return Rejection(
            source_name,
            "ni page de question de l'Assemblée nationale reconnue : aucun des repères attendus "
            "(« Texte de la question », « Question N° », « Question de : », « Rubrique : »…) "
            f"dans « {basename} »",
        )

    name_leg, name_type, name_num = _from_name(basename)
    legislature = page.legislature or name_leg
    number = page.number or name_num
    qtype: QuestionType = page.qtype or name_type or "QE"
    if legislature is None or number is None:
        missing = "le numéro" if number is None else "la législature"
        return Rejection(
            source_name,
            f"{missing} de la question n'est ni dans la page ni dans le nom du fichier « {basename} » "
            "(attendu : 13-101851QE.txt ou QANR5L13QE101851.txt)",
        )
    uid = f"QANR5L{legislature}{qtype}{number}"
    if not (question_text or answer_text or page.rubrique or page.title or page.author or page.analyse):
        return Rejection(source_name, "page de question vide : ni texte, ni rubrique, ni auteur", uid)

    # The heading is the "tête d'analyse" up to the 15th legislature (compare the FICHE
    # pages' fields); since the 16th the indexing has no tête d'analyse and the heading
    # is the "analyse" (the title).
    tete_analyse, analyse = page.tete_analyse, page.analyse
    if page.title:
        if legislature >= 16:
            analyse = analyse or page.title
        elif tete_analyse is None:
            tete_analyse = page.title
        elif _fold(tete_analyse) != _fold(page.title) and analyse is None:
            analyse = page.title

    author = page.author or _author_from_text(question_text)
    author = _normalise_author(author, question_text)
    status, closure_label, closure_date = _status(page, legislature, answer_text)
    return Question(
        uid=uid,
        legislature=legislature,
        type=qtype,
        number=number,
        chamber="AN",
        rubrique=page.rubrique,
        tete_analyse=tete_analyse,
        analyse=analyse,
        author=author,
        group=page.group,
        group_abbrev=page.group_abbrev or tail_abbrev,
        constituency=page.constituency,
        ministry_asked=page.ministry_asked,
        ministry_answering=page.ministry_answering,
        question_text=question_text,
        question_date=page.question_date,
        question_page=page.question_page,
        answer_text=answer_text,
        answer_date=page.answer_date,
        answer_page=page.answer_page,
        status=status,
        closure_label=closure_label,
        closure_date=closure_date,
        signal_date=page.signal_date,
        renewal_dates=tuple(sorted(page.renewal_dates)),
        url=question_url(legislature, qtype, number),
        source_format=FORMAT,
        source_name=source_name,
        source_raw=raw,
        source_notes=(controls_note(removed, "la page enregistrée"),) if removed else (),
    )


def parse(source: Source) -> Iterator[ParsedItem]:
    """One Question for the page, or one Rejection saying why it cannot be read."""
    try:
        with source.open() as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        yield Rejection(source.name, f"fichier illisible ({exc.strerror or exc})")
        return
    if len(data) > MAX_BYTES:
        yield Rejection(
            source.name,
            f"fichier trop volumineux pour une page de question (plus de {MAX_BYTES // (1024 * 1024)} Mo)",
        )
        return
    try:
        text, encoding = _decode(data)
    except _Unreadable as exc:
        yield Rejection(source.name, str(exc))
        return
    if encoding == "cp1252":
        _log.info("%s : lu en Windows-1252 (ce n'est pas de l'UTF-8)", source.name)
    yield parse_text(text, source.name, source.basename)
