import pytest

from qe_desktop.dates import days_between, format_date_fr, month_number, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2011-03-08", "2011-03-08"),
        ("08/03/2011", "2011-03-08"),
        ("8/3/2011", "2011-03-08"),
        ("8 mars 2011", "2011-03-08"),
        ("1er août 2005", "2005-08-01"),
        ("14 Juin 2011", "2011-06-14"),
        ("3 fevrier 2000", "2000-02-03"),
        ("2025-03-25T00:00:00", "2025-03-25"),
        ("\u00a08 mars 2011 ", "2011-03-08"),
        (None, None),
        ("", None),
    ],
)
def test_parse_date_accepts_what_the_sources_write(text: str | None, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["31/02/2011", "demain", "2011-13-01", "8 brumaire 2011"])
def test_parse_date_names_the_bad_value(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def test_dates_read_as_french() -> None:
    assert format_date_fr("2011-03-08") == "8 mars 2011"
    assert format_date_fr("2005-08-01") == "1er août 2005"
    assert format_date_fr(None) == ""
    assert month_number("Décembre") == 12
    assert month_number("brumaire") is None
    assert days_between("2011-03-08", "2011-06-14") == 98
    assert days_between("2011-03-08", None) is None
