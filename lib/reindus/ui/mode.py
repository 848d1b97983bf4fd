"""Atelier mode: large, live, public views for a shared screen (workshops, the hackathon, a hall).

- The mode comes from the URL (`?mode=atelier`) or the sidebar switch, which writes it into the URL.
  A click in the navigation menu opens the other page without query parameters, so the mode is also
  kept in session state and put back into the URL on arrival (`setup`, called by app.py each run).
- Atelier mode is the public view. A visitor who is not signed in always gets it (and its switch stays
  on); a signed-in viewer may choose it for a shared screen and leave it again.
- `scope()` is what the pages hand the ui loaders: the viewer's `reindus.auth.Scope` (signed in, from
  `reindus.ui.auth`), or the anonymous one in atelier mode. The loaders take it in their cache key and
  go through `reindus.programme.public`.
- `live(body)` runs a page's body in `st.fragment(run_every=…)`: every `data.REFRESH_SECONDS` (or
  `?rafraichir=N`, bounded) the view reruns and reads the caches again; the caches follow the
  store's change counter, so a change in the store shows within `data.SHOWN_WITHIN_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from reindus.auth import ANONYMOUS_SCOPE, Scope
from reindus.programme.public import MIN_PUBLIC_COUNT
from reindus.text.params import bounded_int
from reindus.ui import auth, charts
from reindus.ui.data import REFRESH_SECONDS

MODE_PARAM = "mode"
ATELIER = "atelier"
REFRESH_PARAM = "rafraichir"
REFRESH_BOUNDS = (2, 300)
_STATE = "_atelier"
_REFRESH_STATE = "_atelier_refresh"
_SWITCH = "_atelier_switch"


def setup() -> bool:
    """Read the mode from the URL (or the session, after a menu click) and write it back into the URL."""
    params = st.query_params
    if MODE_PARAM in params:
        st.session_state[_STATE] = params[MODE_PARAM] == ATELIER
        if params[MODE_PARAM] != ATELIER:
            del params[MODE_PARAM]
    elif st.session_state.get(_STATE):
        params[MODE_PARAM] = ATELIER
    if REFRESH_PARAM in params:
        seconds = bounded_int(params[REFRESH_PARAM], REFRESH_BOUNDS, None)
        st.session_state[_REFRESH_STATE] = seconds
    elif st.session_state.get(_REFRESH_STATE) and st.session_state.get(_STATE):
        params[REFRESH_PARAM] = str(st.session_state[_REFRESH_STATE])
    return is_atelier()


def chosen() -> bool:
    """Atelier mode asked for: by the URL, the switch or the carousel."""
    return bool(st.session_state.get(_STATE)) or st.query_params.get(MODE_PARAM) == ATELIER


def is_atelier() -> bool:
    """The public view: chosen, or because nobody is signed in (a visitor always gets it, and a
    deployment without sign-in shows nothing else)."""
    return chosen() or not auth.viewer().signed_in


def scope() -> Scope:
    """The viewer's scope as the data loaders take it: the anonymous (public) one in atelier mode
    (chosen, or nobody signed in), else the signed-in viewer's."""
    return ANONYMOUS_SCOPE if is_atelier() else auth.viewer().scope


def refresh_seconds() -> int:
    return st.session_state.get(_REFRESH_STATE) or REFRESH_SECONDS


def _toggled() -> None:
    on = bool(st.session_state[_SWITCH])
    st.session_state[_STATE] = on
    if on:
        st.query_params[MODE_PARAM] = ATELIER
    elif MODE_PARAM in st.query_params:
        del st.query_params[MODE_PARAM]


def switch() -> None:
    """The sidebar switch between the normal and the atelier mode. Only a signed-in viewer may turn
    atelier mode off: a visitor's switch stays on, so a public screen never turns confidential by a
    click (the data would be public anyway: `scope()` decides, not the switch)."""
    if not auth.viewer().signed_in:
        st.sidebar.toggle(
            "Mode atelier",
            value=True,
            disabled=True,
            key="_atelier_locked",
            help="Données publiques seulement : connectez-vous pour voir les données de votre périmètre.",
        )
        return
    st.sidebar.toggle(
        "Mode atelier",
        value=is_atelier(),
        key=_SWITCH,
        on_change=_toggled,
        help="Grands caractères, vues actualisées toutes seules et seulement des données "
        "publiques : pour un écran partagé.",
    )


def live(body: Callable[[], None]) -> None:
    """Run `body` once, or in atelier mode as a fragment that reruns itself every refresh interval."""
    if is_atelier():
        st.fragment(body, run_every=refresh_seconds())()
    else:
        body()


# --- the look of atelier mode -----------------------------------------------------------------------

ATELIER_CSS = """
<style>
  /* readable from the back of a room on a 1920×1080 screen */
  [data-testid="stMain"] h1 { font-size: 3.4rem !important; line-height: 1.15; }
  [data-testid="stMain"] h2 { font-size: 2.4rem !important; }
  [data-testid="stMain"] h3 { font-size: 1.9rem !important; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.35rem; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.15rem; }
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
    font-size: 3.2rem !important; font-weight: 700; line-height: 1.15; }
  [data-testid="stMetricLabel"] p { font-size: 1.35rem !important; }
  [data-testid="stMetricDelta"] div { font-size: 1.2rem !important; }
  [data-testid="stMain"] [data-testid="stTable"] td, [data-testid="stMain"] [data-testid="stTable"] th,
  [data-testid="stMain"] [data-testid="stTableStyledTable"] td,
  [data-testid="stMain"] [data-testid="stTableStyledTable"] th { font-size: 1.3rem !important; }
  [data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 1.2rem; }
  [data-testid="stMain"] [data-baseweb="select"] div { font-size: 1.15rem; }
  /* the pitch card: long values (region, stage) wrap instead of being cut */
  .st-key-pitch_facts [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
    font-size: 2rem !important; white-space: normal; line-height: 1.1; }
  .st-key-pitch_facts [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] {
    white-space: normal; overflow: visible; }
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; max-width: 100%; }
</style>
"""


# Streamlit cuts a metric's label and value with « … » when they do not fit their column on one line:
# « Part des retenus dans la r… », « 03/12/20… ». They wrap between words instead, in both modes; only a
# single word wider than its column (« Normandie » in atelier type) still ends in « … », never cut in two.
METRIC_CSS = """
<style>
  [data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] .stMarkdownEllipsis p,
  [data-testid="stMetricValue"] .stMarkdownEllipsis, [data-testid="stMetricValue"] .stMarkdownEllipsis p {
    white-space: normal; overflow-wrap: normal; word-break: normal; overflow: hidden;
    text-overflow: ellipsis; }
</style>
"""


def style() -> None:
    st.html(METRIC_CSS)
    if is_atelier():
        st.html(ATELIER_CSS)


PUBLIC_NOTE = (
    " Mode atelier : données publiques seulement (ni montants par entreprise, ni conseillers, "
    "ni fournisseurs présélectionnés ; noms des seuls projets publics ; groupes de moins de "
    f"{MIN_PUBLIC_COUNT} projets masqués « — »)."
)


def force() -> bool:
    """Switch this session to atelier mode (the carousel always runs in it); called by app.py."""
    st.session_state[_STATE] = True
    st.query_params[MODE_PARAM] = ATELIER
    return True


def readable(figure):
    """A plotly figure as the page draws it: with text large enough for a room in atelier mode, and
    prepared once for `st.plotly_chart` (`reindus.ui.charts`); the cached figure itself is never changed."""
    return charts.shown(figure, large=is_atelier())
