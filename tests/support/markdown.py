"""What a reader sees of markdown made by `reindus.text.safe.md_text`: AppTest gives the markdown source."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(source: str) -> str:
    """`source` without its backslash escapes and the word joiners that keep URLs from being linked."""
    return _ESCAPE.sub(r"\1", source).replace("\u2060", "")
