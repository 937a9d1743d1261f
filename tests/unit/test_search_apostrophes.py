"""A phrase pasted with its apostrophes lost finds what it finds with them.

Text copied from a PDF often loses its apostrophes: « et de l insertion ».  A lone
elided word before a word (l, d, j, m, n, s, t, c, qu, jusqu, lorsqu, puisqu…) is
read as the elided word; a lone letter that stands for itself (« RER D emprunté »)
still finds its text.  Checked on the bundled sample corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qe_desktop.model import SearchRequest
from qe_desktop.paths import DataPaths
from qe_desktop.search import analysis, schema
from qe_desktop.search.highlight import highlight_spans
from qe_desktop.search.index import SearchIndex
from qe_desktop.search.query import parse_query
from qe_desktop.store import CorpusStore


@pytest.fixture(scope="module")
def sample(sample_data_folder: Path) -> Iterator[tuple[SearchIndex, CorpusStore]]:
    paths = DataPaths(sample_data_folder)
    with CorpusStore(paths.corpus_db, readonly=True) as store, SearchIndex.open(paths, store) as index:
        yield index, store


def found(index: SearchIndex, query: str) -> list[tuple[str, float | None]]:
    result = index.search(SearchRequest(query=query, limit=1000))
    assert result.warnings == ()
    return [(h.uid, h.score) for h in result.hits]


@pytest.mark.parametrize(
    ("lost", "typed"),
    [
        ('"et de l insertion"', '"et de l\'insertion"'),
        ('"et de l insertion"', '"et de l’insertion"'),
        ('"D autre part"', '"d\'autre part"'),
        ('"jusqu au bout"', '"jusqu\'au bout"'),
        ('"n est pas"', '"n\'est pas"'),
        ('"aujourd hui"', '"aujourd\'hui"'),
        ("l insertion", "l'insertion"),
        ("insertion sociale l insertion", "insertion sociale l'insertion"),
    ],
)
def test_a_lost_apostrophe_finds_the_same_questions_with_the_same_scores(
    sample: tuple[SearchIndex, CorpusStore], lost: str, typed: str
) -> None:
    index, _ = sample
    expected = found(index, typed)
    assert expected, f"{typed} finds nothing in the sample: the test would prove nothing"
    assert found(index, lost) == expected


@pytest.mark.parametrize(
    ("lost", "typed"),
    [('"et de l insertion"', '"et de l\'insertion"'), ('"D autre part"', '"d\'autre part"')],
)
def test_a_lost_apostrophe_marks_the_same_words(
    sample: tuple[SearchIndex, CorpusStore], lost: str, typed: str
) -> None:
    index, store = sample
    uids = [uid for uid, _ in found(index, typed)]
    marked = 0
    for question in store.get_many(uids).values():
        for text, pane in ((question.question_text, "question"), (question.answer_text, "answer")):
            spans = highlight_spans(text, typed, pane)
            assert highlight_spans(text, lost, pane) == spans
            marked += len(spans)
    assert marked >= len(uids)


def test_a_lone_letter_that_stands_for_itself_still_finds_its_text(
    sample: tuple[SearchIndex, CorpusStore],
) -> None:
    # « la ligne du RER D emprunté par des milliers » (QANR5L16QG357): D is not « d' » here.
    index, store = sample
    assert [uid for uid, _ in found(index, '"la ligne du RER D emprunté"')] == ["QANR5L16QG357"]
    question = store.get("QANR5L16QG357")
    assert question is not None
    text = f"{question.question_text}\n\n{question.answer_text}"
    [(start, end)] = highlight_spans(text, '"la ligne du RER D emprunté"')
    assert text[start:end] == "la ligne du RER\xa0D emprunté"


def test_the_query_reads_the_elided_word_and_says_what_was_typed() -> None:
    parsed = parse_query('"et de l insertion"')
    assert parsed.marks("question").phrases == (("et", "de", "insertion"),)
    assert parsed.query == parse_query('"et de l\'insertion"').query
    assert "« et de l insertion »" in parsed.interpretation
    # Two readings only where a letter may be a word of its own: in capitals, inside the phrase.
    assert parse_query('"RER D emprunté"').marks("question").phrases == (
        ("rer", "emprunte"),
        ("rer", "d", "emprunte"),
    )
    for one_reading in ('"L insertion professionnelle"', '"de la route d emprunt"'):
        assert len(parse_query(one_reading).marks("question").phrases) == 1


def test_restoring_apostrophes_touches_only_lone_elided_words() -> None:
    restore = analysis.restore_elisions
    assert restore("et de l insertion") == "et de l'insertion"
    assert restore("L insertion, qu il  fasse, jusqu au bout") == "L'insertion, qu'il  fasse, jusqu'au bout"
    assert restore("aujourd hui, prud hommes") == "aujourd'hui, prud'hommes"
    for unchanged in ("del insertion", "M. le ministre", "article L 1234", "n° 12", "l'insertion", "a b c"):
        assert restore(unchanged) == unchanged
    assert restore("RER D emprunté", capital_letters=False) == "RER D emprunté"
    assert restore("route d emprunt, jusqu au", capital_letters=False) == "route d'emprunt, jusqu'au"


def test_the_index_reads_lone_letters_as_typed_and_its_fingerprint_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Indexed texts keep their apostrophes: a lone letter in them is a word (« RER D »).
    assert analysis.exact_terms("le RER D emprunté") == ["le", "rer", "d", "emprunte"]
    # The fingerprint's probe has such letters: an index that read them otherwise is rebuilt.
    before = schema.fingerprint.__wrapped__()
    fold = analysis.fold
    monkeypatch.setattr(analysis, "fold", lambda text: fold(analysis.restore_elisions(text)))
    monkeypatch.setattr(analysis, "_LAST_ANALYSED", [("", analysis._NOTHING)])  # its one-text cache
    assert schema.fingerprint.__wrapped__() != before
