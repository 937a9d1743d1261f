import pytest

from qe_desktop.references import Reference, make_uid, parse_reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("QANR5L13QE101851", Reference(101851, 13, "QE")),
        ("qanr5l16qg6", Reference(6, 16, "QG")),
        ("13-101851QE", Reference(101851, 13, "QE")),
        ("13-101851", Reference(101851, 13, "QE")),
        ("16-6QG", Reference(6, 16, "QG")),
        ("101851", Reference(101851)),
        ("n° 5268", Reference(5268)),
        ("santé", None),
        ("", None),
    ],
)
def test_references_as_users_type_them(text: str, expected: Reference | None) -> None:
    assert parse_reference(text) == expected


def test_uid_follows_the_official_scheme() -> None:
    assert make_uid(13, "QE", 101851) == "QANR5L13QE101851"
    assert Reference(101851, 13, "QE").uid() == "QANR5L13QE101851"
    assert Reference(101851).uid() is None
