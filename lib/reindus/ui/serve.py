"""`reindus serve`: start the Streamlit server on app.py with st.navigation in charge from the first request.

Streamlit decides once per process, when the first session starts, whether the app is a legacy
multipage app: a `pages/` folder beside the main script makes it run a deep link such as
`/donnees` as a bare page, without app.py (no page config, no navigation, no first-start setup),
until some session happens to open the home page. Our layout keeps its pages in `pages/` and
registers them with st.navigation, so we settle that question before the first session.
"""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "app.py"


def main(streamlit_args: list[str]) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    try:
        cli.main(["run", str(APP), *streamlit_args], standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0
