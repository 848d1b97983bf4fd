"""Text from data made safe for folium, whose tooltips and popups are JavaScript template literals.

folium writes `Marker(tooltip=…)`, `Tooltip`, `Popup` strings inside backtick strings of the map's
script: `html.escape` is not enough, a name containing `${…}` would still run. Every
character that means something to HTML or to a JS template literal becomes a numeric HTML entity,
which the browser shows as the character itself once the tooltip's HTML is parsed.
"""

from __future__ import annotations

import re

import numpy as np

# "&" first, so that the entities themselves are not escaped again. Chained str.replace runs in C over
# the whole text: several times faster than a translate table on the 20 k names of a supplier map.
_ENTITIES = tuple((c, f"&#{ord(c)};") for c in "&<>\"'\\`${}")
_SEPARATOR = "\ue000"  # private use: joins many texts for one pass, so never kept in a text
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ue000]")
_CONTROL_BUT_SEPARATOR = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _entities(text: str) -> str:
    for char, entity in _ENTITIES:
        if char in text:
            text = text.replace(char, entity)
    return text


def _spaces(text: str) -> str:
    return _CONTROL.sub(" ", text) if _CONTROL.search(text) else text


def js_html_text(value: object) -> str:
    """`value` as text safe in HTML and inside a JS template literal: & < > " ' \\ ` $ { } become
    numeric entities (`&#38;` …); line breaks, other control characters and U+E000 become spaces."""
    return _spaces(_entities("" if value is None else str(value)))


def js_html_texts(values, empty: str = "") -> list[str]:
    """`js_html_text` over many values in one pass over their join; empty or missing → `empty`."""
    texts = [v if isinstance(v, str) and v else empty for v in np.asarray(values, dtype=object)]
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator itself: one by one
        return [js_html_text(t) for t in texts]
    return _CONTROL_BUT_SEPARATOR.sub(" ", _entities(joined)).split(_SEPARATOR)
