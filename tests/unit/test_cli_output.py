"""What the command line prints: safe on a terminal whatever the database holds, exact JSON,
and command-line text that is not UTF-8 read without a crash."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from qe_desktop.cli import Bold, echo, echo_json, main, terminal_text
from qe_desktop.paths import DataPaths

DATA = Path(__file__).resolve().parent.parent / "data"

#: An analyse and a text as an older version could have stored them: ESC ] 0 ; … BEL retitles
#: the terminal, ESC [ 2 J clears it, U+009B is a one-byte CSI, U+202E reverses what follows.
ANALYSE = "Kazakhstan \x1b]0;piégé\x07\x1b[2J effacé \x9b2J \u202eesrever\u202c\r\nsuite\rretour\x7f"
TEXT = "Le Kazakhstan \x1b]0;piégé\x07 et encore le Kazakhstan \x1b[2J effacé."
UID = "QANR5L13QE101851"

#: What must never reach the terminal as it is (all but newline and tab).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


class Terminal(io.StringIO):
    """A captured stdout that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    folder = str(tmp_path / "data")
    assert main(["import", "--data-dir", folder, "--json", str(DATA / "page_text")]) == 0
    # Written behind the importers' back, as by an older version; then indexed as it is.
    with sqlite3.connect(DataPaths(Path(folder)).corpus_db) as conn:
        conn.execute(
            "UPDATE questions SET analyse = ?, question_text = ? WHERE uid = ?", (ANALYSE, TEXT, UID)
        )
    conn.close()
    assert main(["reindex", "--data-dir", folder]) == 0
    return folder


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b]0;titre\x07b", "a\\x1b]0;titre\\x07b"),
        ("\x1b[2J", "\\x1b[2J"),
        ("ligne\r\nsuivante", "ligne\nsuivante"),
        ("retour\rchariot", "retour\\x0dchariot"),
        ("\x00\x08\x7f\x9b\x9d", "\\x00\\x08\\x7f\\x9b\\x9d"),
        ("\u202edroite\u2066", "\\u202edroite\\u2066"),
        ("h\udce9pital", "h\\udce9pital"),
        ("tab\tet\nligne : é … « » 😀", "tab\tet\nligne : é … « » 😀"),
    ],
)
def test_terminal_text_escapes_what_a_terminal_would_obey(text: str, shown: str) -> None:
    assert terminal_text(text) == shown
    assert terminal_text(shown) == shown  # already safe: unchanged


def test_show_prints_stored_controls_as_visible_escapes(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["show", "--data-dir", data_dir, "13-101851QE"]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    assert (
        "Kazakhstan \\x1b]0;piégé\\x07\\x1b[2J effacé \\x9b2J \\u202eesrever\\u202c\nsuite\\x0dretour\\x7f"
        in out
    )
    assert "Le Kazakhstan \\x1b]0;piégé\\x07 et encore le Kazakhstan \\x1b[2J effacé." in out


def test_search_and_similar_print_stored_controls_as_visible_escapes(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["search", "--data-dir", data_dir, "kazakhstan"]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    assert "   Kazakhstan \\x1b]0;piégé\\x07\\x1b[2J effacé" in out
    assert "Question : Le [Kazakhstan] \\x1b]0;piégé\\x07 et encore le [Kazakhstan] \\x1b[2J effacé." in out
    assert main(["similar", "--data-dir", data_dir, "13-101851QE"]) == 0
    assert not RAW_CONTROL.search(capsys.readouterr().out)


def test_bold_marks_still_bold_on_a_terminal(
    data_dir: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["search", "--data-dir", data_dir, "kazakhstan"]) == 0
    out = terminal.getvalue()
    assert "Le \x1b[1mKazakhstan\x1b[0m \\x1b]0;piégé\\x07 et encore le \x1b[1mKazakhstan\x1b[0m" in out
    # The CLI's own marks are the only escape sequences.
    assert not RAW_CONTROL.search(out.replace("\x1b[1m", "").replace("\x1b[0m", ""))


def test_data_cannot_forge_the_bold_marks() -> None:
    terminal = Terminal()
    echo(["\x1b[1mfaux", Bold("vrai\x1b[0m")], file=terminal)
    assert terminal.getvalue() == "\\x1b[1mfaux\x1b[1mvrai\\x1b[0m\x1b[0m\n"


def test_json_is_exact_and_safe_on_a_terminal(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["search", "--data-dir", data_dir, "kazakhstan", "--json"]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    assert json.loads(out)["hits"][0]["analyse"] == ANALYSE
    assert main(["show", "--data-dir", data_dir, "13-101851QE", "--json"]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    record = json.loads(out)
    assert (record["analyse"], record["question_text"]) == (ANALYSE, TEXT)


def test_import_report_and_status_escape_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "données\x1b[2J"
    bad = tmp_path / "mauvais\x1b]0;piégé\x07.json"
    bad.write_text("{ pas du JSON", encoding="utf-8")
    assert main(["import", "--data-dir", str(folder), str(bad)]) == 1
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    # The import names the file with its controls replaced (the report is made safe where it is
    # built); anything that reaches the terminal is escaped whatever it holds.
    assert "mauvais\ufffd]0;piégé\ufffd.json" in out
    assert main(["status", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    assert "données\\x1b[2J" in out


def test_a_terminal_without_some_characters_gets_escapes_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    latin = io.TextIOWrapper(raw, encoding="latin-1")
    echo("Santé … 😀", file=latin)
    latin.flush()
    assert raw.getvalue().decode("latin-1") == "Santé \\u2026 \\U0001f600\n"
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="latin-1"))
    echo_json({"analyse": "Santé … \x9b"})
    sys.stdout.flush()
    assert json.loads(raw.getvalue().decode("latin-1")) == {"analyse": "Santé … \x9b"}


# -- command-line text that is not UTF-8 (bytes kept as lone surrogates by Python) ----------


def test_a_query_with_undecodable_bytes_is_searched_with_a_warning(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["search", "--data-dir", data_dir, "h\udce9pital*"]) == 0
    out = capsys.readouterr().out
    assert "Interprétation : les mots commençant par « h\ufffdpital »" in out
    assert "Attention : La recherche contenait des caractères illisibles" in out
    assert main(["search", "--data-dir", data_dir, "h\udce9pital*", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["query"] == "h\ufffdpital*"
    assert main(["search", "--data-dir", data_dir, "kazakhstan", "--filtre", "rubrique=\udcff"]) == 0
    assert "Aucune question trouvée." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("show", "qe-desktop : aucune question ne correspond à « \ufffd »\n"),
        ("similar", "qe-desktop : Question introuvable : « \ufffd ».\n"),
    ],
)
def test_a_reference_with_undecodable_bytes_is_not_found_in_french(
    data_dir: str, capsys: pytest.CaptureFixture[str], command: str, message: str
) -> None:
    capsys.readouterr()
    assert main([command, "--data-dir", data_dir, "\udcff"]) == 2
    assert capsys.readouterr().err == message
