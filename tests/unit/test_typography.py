"""French spacing of what is printed or copied."""

from __future__ import annotations

import pytest

from qe_desktop.typography import NBSP, NNBSP, french


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
        ("Pourquoi?", f"Pourquoi{NNBSP}?"),
        (f"Attention{NBSP}!", f"Attention{NNBSP}!"),
        ("réponse ; suite", f"réponse{NNBSP}; suite"),
        ("Objet : la route", f"Objet{NBSP}: la route"),
        ("à 10:30 précises", "à 10:30 précises"),  # an hour, not a colon of French prose
        ("« la route »", f"«{NBSP}la route{NBSP}»"),
        ("«la route»", f"«{NBSP}la route{NBSP}»"),
        ("https://www.assemblee-nationale.fr/q?x=1", "https://www.assemblee-nationale.fr/q?x=1"),
        ("L'Œuvre d'aujourd'hui", "L'Œuvre d'aujourd'hui"),
    ],
)
def test_french_spacing(typed: str, printed: str) -> None:
    assert french(typed) == printed
