"""Data text made safe for Streamlit's markdown and plotly: the escapes, and what a reader sees of them."""

from __future__ import annotations

import re

import pytest

from reindus.ingest import textfile
from reindus.text.safe import html_text, md_text, visible
from tests.support.markdown import shown

PAYLOADS = [
    "**gras** _penché_ `code`",
    ":red[Alerte] :green-badge[OK] :material/lock: :smile:",
    "![](http://127.0.0.1:9/pixel.png) [lien](http://example.org)",
    "$x^2$ et $$\\frac{1}{2}$$",
    "http://example.org/a www.example.org contact@example.org",
    "<img src=x onerror=alert(1)> &lt;b&gt; &#x202E;",
    "# Titre\n===\n> citation\n- liste\n1. un",
    "a | b\n--|--\n1 | 2",
    "chemin\\avec\\barres ~~barré~~ ^exposant^",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_text_escapes_every_markdown_sign_and_reads_back_as_the_text(payload):
    escaped = md_text(payload)
    assert shown(escaped) == " ".join(payload.split("\n"))
    unescaped = re.sub(r"\\.", "", escaped, flags=re.DOTALL)  # what is left outside escapes
    assert not set(unescaped) & set("*_`[]()!<>$:&#=|~^\\/-+.{}\n")


def test_md_text_breaks_bare_urls_and_addresses_with_an_invisible_joiner():
    escaped = md_text("voir http://a.fr, www.b.fr ou x@c.fr")
    assert "http\\:\u2060\\/\\/a\\.fr" in escaped
    assert "www\u2060\\.b\\.fr" in escaped
    assert "x@\u2060c\\.fr" in escaped


def test_invisible_characters_are_dropped_on_display_and_on_import():
    rlo = "TI\u202eKCOL\u200b\u2066x\u2069\ufeff"
    assert visible(rlo) == "TIKCOLx"
    assert md_text(rlo) == "TIKCOLx"
    assert html_text(f"<b>{rlo}</b>") == "&lt;b&gt;TIKCOLx&lt;/b&gt;"
    assert textfile.clean_text(f"  Forge {rlo} ", max_length=100) == "Forge TIKCOLx"


def test_md_text_of_missing_and_numbers():
    assert md_text(None) == ""
    assert md_text(2026) == "2026"
    assert md_text("12,5 % l'édition") == "12,5 % l'édition"
