"""Text from data made safe for folium, whose tooltips and popups are JavaScript template literals.

folium writes `Marker(tooltip=…)`, `Tooltip`, `Popup` strings inside backtick strings of the map's
script: `html.escape` is not enough, a name containing `${…}` would still run (GUIDE.md §5). Every
character that means something to HTML or to a JS template literal becomes a numeric HTML entity,
which the browser shows as the character itself once the tooltip's HTML is parsed.
"""

from __future__ import annotations

# & first in spirit: each character is replaced once, in a single pass, so no entity is re-escaped.
_UNSAFE = "&<>\"'\\`${}"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _UNSAFE}


def js_html_text(value: object) -> str:
    """`value` as text safe in HTML and inside a JS template literal: & < > " ' \\ ` $ { } become
    numeric entities (`&#38;` …); line breaks and other control characters become spaces."""
    text = "" if value is None else str(value)
    text = "".join(" " if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029") else c for c in text)
    return text.translate(_TABLE)
