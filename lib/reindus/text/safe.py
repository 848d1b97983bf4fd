"""Text from data shown as text: in Streamlit's markdown, in plotly's HTML-like labels, in folium's scripts.

Every text of the data (names, sources, definitions, file names, notes) goes through one of these on its
way to the screen, and `visible` on its way into the stores: it drops the invisible characters that
reorder or hide text (bidirectional overrides show « TIKCOL » as « LOCKIT »; zero-width spaces hide a
difference between two names).

- `md_text`: for every Streamlit call that renders markdown (`st.markdown`, headers, captions, `st.write`,
  alerts, metric labels and values, widget labels, `help=` tooltips, expander and tab labels).
- `html_text`: for plotly (labels, hover text and titles keep `<a>`, `<b>`, `<br>`).
- `js_html_text(s)`: for folium.

folium writes `Marker(tooltip=…)`, `Tooltip`, `Popup` strings inside backtick strings of the map's
script: `html.escape` is not enough, a name containing `${…}` would still run. Every
character that means something to HTML or to a JS template literal becomes a numeric HTML entity,
which the browser shows as the character itself once the tooltip's HTML is parsed.
"""

from __future__ import annotations

import html
import re

import numpy as np

# "&" first, so that the entities themselves are not escaped again. Chained str.replace runs in C over
# the whole text: several times faster than a translate table on the 20 k names of a supplier map.
_ENTITIES = tuple((c, f"&#{ord(c)};") for c in "&<>\"'\\`${}")
_SEPARATOR = "\ue000"  # private use: joins many texts for one pass, so never kept in a text
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ue000]")
_CONTROL_BUT_SEPARATOR = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidirectional embeddings, overrides, isolates and marks; zero-width spaces and joiners, word joiner and
# invisible operators; byte-order mark; Mongolian vowel separator; interlinear annotations.
INVISIBLE = re.compile(
    "[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
# CommonMark lets a backslash escape any ASCII punctuation: escaping those that mean something leaves no
# syntax (emphasis, links, images, HTML, entities, tables, headings, setext underlines, lists) and none of
# Streamlit's own (`:red[…]`, `:material/…:` — its `/` escaped, the frontend's rewrite of it no longer
# matches —, `$…$` LaTeX, `:emoji:`, whose detection requires an unescaped colon pair).
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=/^])")
# remark-gfm links bare URLs and e-mail addresses found in the parsed text, after escapes are resolved:
# a word joiner (invisible, not a word character) after « http: », « www » and « @ » breaks the match.
_AUTOLINK = re.compile(r"(?i)(https?\\:|www(?=\\\.)|@)")
_WORD_JOINER = "\u2060"


def _entities(text: str) -> str:
    for char, entity in _ENTITIES:
        if char in text:
            text = text.replace(char, entity)
    return text


def _spaces(text: str) -> str:
    return _CONTROL.sub(" ", text) if _CONTROL.search(text) else text


def visible(value: object) -> str:
    """`value` as text without the invisible characters that reorder or hide it (`INVISIBLE`); None → ""."""
    text = "" if value is None else str(value)
    return INVISIBLE.sub("", text) if INVISIBLE.search(text) else text


def md_text(value: object) -> str:
    """`value` as markdown that Streamlit shows as the very text: every ASCII punctuation backslash-escaped,
    bare URLs and e-mail addresses not linked, line breaks and control characters as spaces, invisible
    characters dropped. Use it for every piece of data put in a markdown-rendering call, alone or in an
    f-string: `st.header(md_text(name))`, `st.caption(f"Source : {md_text(source)}")`."""
    text = _MD_PUNCTUATION.sub(r"\\\1", _spaces(visible(value)).strip())
    return _AUTOLINK.sub(lambda m: m.group(1) + _WORD_JOINER, text) if _AUTOLINK.search(text) else text


def html_text(value: object) -> str:
    """`value` for plotly's labels, hover text and titles: `& < >` as entities, invisible characters dropped."""
    return html.escape(visible(value), quote=False)


def js_html_text(value: object) -> str:
    """`value` as text safe in HTML and inside a JS template literal: & < > " ' \\ ` $ { } become
    numeric entities (`&#38;` …); line breaks, other control characters and U+E000 become spaces."""
    return _spaces(_entities(visible(value)))


def js_html_texts(values, empty: str = "") -> list[str]:
    """`js_html_text` over many values in one pass over their join; empty or missing → `empty`."""
    texts = [visible(v) if isinstance(v, str) and v else empty for v in np.asarray(values, dtype=object)]
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator itself: one by one
        return [js_html_text(t) for t in texts]
    return _CONTROL_BUT_SEPARATOR.sub(" ", _entities(joined)).split(_SEPARATOR)
