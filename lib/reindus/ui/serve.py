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

import os
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


def main(streamlit_args: list[str], demo_auth: bool = False) -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from reindus import config

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
