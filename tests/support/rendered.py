"""What an AppTest run put on screen, as text: to look for a value that must not be there."""

from __future__ import annotations

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from tests.support import markdown


def rendered_text(at: AppTest) -> str:
    """Every string of every element (protobuf as UTF-8 text) as a reader sees it (markdown escapes
    removed), plus the dataframes' cells."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(markdown.shown(text_format.MessageToString(proto, as_utf8=True)))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    return "\n".join(parts)
