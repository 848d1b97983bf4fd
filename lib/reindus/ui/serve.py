"""`reindus serve`: start the Streamlit server on app.py with st.navigation in charge from the first request.

Streamlit decides once per process, when the first session starts, whether the app is a legacy
multipage app: a `pages/` folder beside the main script makes it run a deep link such as
`/donnees` as a bare page, without app.py (no page config, no navigation, no first-start setup),
until some session happens to open the home page. Our layout keeps its pages in `pages/` and
registers them with st.navigation, so we settle that question before the first session.

With `demo_auth` (the demo, `make run`) and no `[auth]` section in `.streamlit/secrets.toml`, the demo
identity provider (reindus.demo.idp) runs beside the server and Streamlit reads a secrets file that
points at it. A deployment configures its own provider and never passes `--demo-auth`.
"""

from __future__ import annotations

import gc
import os
import threading
import tomllib
from contextlib import ExitStack
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "app.py"
PROJECT_SECRETS = APP.parent / ".streamlit" / "secrets.toml"
# Safety settings of .streamlit/config.toml, which Streamlit reads only from the working directory: given
# on the command line too, a server started from elsewhere keeps them. No traceback for users (server
# paths, « Ask Google »); no table toolbar download, which writes imported formulas as live ones.
SAFETY_OPTIONS = ["--client.showErrorDetails=none", "--client.disableDataExport=true"]


def _has_auth(path: Path) -> bool:
    try:
        return "auth" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False


def _option(args: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg == f"--{name}" and i + 1 < len(args):
            return args[i + 1]
    return default


# Python's collector walks every object it tracks on a full collection. On a warm server that was about
# 370 000 objects, 60 % of them the libraries' own (Streamlit, pandas, plotly, folium, SQLAlchemy): one
# full collection took 0.2 to 0.5 s of the interpreter lock and stopped every session meanwhile; 40
# sessions rerunning together triggered one every few seconds (`bench/load.py`). What a page's first run
# leaves behind (the modules it imported, reference data) lives as long as the process: it is frozen
# (`gc.freeze`) once per page, after that first run, and never walked again. Only this server does it
# (not AppTest), and a page at most once: what is frozen is never freed, so nothing per run or session is.
_SERVING = False
_PAGES_RUN: set[str] = set()
_PAGES_SETTLED: set[str] = set()
_SETTLING = threading.Lock()


def settle(page: str) -> None:
    """Called at the start of every run of `page` (app.py): the first time a page runs again after its
    first run, freeze what the process holds (see above)."""
    if not _SERVING or page in _PAGES_SETTLED:
        return
    with _SETTLING:
        if page in _PAGES_RUN and page not in _PAGES_SETTLED:
            gc.collect()
            gc.freeze()
            _PAGES_SETTLED.add(page)
        _PAGES_RUN.add(page)


def main(streamlit_args: list[str], demo_auth: bool = False) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from reindus import config

    global _SERVING
    _SERVING = True
    PagesManager.uses_pages_directory = False
    with ExitStack() as stack:
        if demo_auth and not _has_auth(PROJECT_SECRETS):
            from reindus.demo import idp

            port = _option(streamlit_args, "server.port", "8501")
            idp_url = stack.enter_context(
                idp.running(int(os.environ.get("REINDUS_DEMO_IDP_PORT", idp.DEFAULT_PORT)))
            )
            path = idp.write_secrets(config.home() / "demo-secrets.toml", f"http://localhost:{port}", idp_url)
            streamlit_args = [f"--secrets.files={path}", *streamlit_args]
            print(f"Fournisseur d'identité de démonstration : {idp_url} (comptes de démo, un clic)")
        try:
            cli.main(["run", str(APP), *SAFETY_OPTIONS, *streamlit_args], standalone_mode=False)
        except SystemExit as stop:
            return int(stop.code or 0)
    return 0
