"""Tables as every page draws them (`reindus.ui.tables`): one text for an empty cell."""

from __future__ import annotations

import ast

from streamlit.testing.v1 import AppTest

from tests.support.paths import ROOT

SOURCES = sorted(
    [*(ROOT / "pages").glob("*.py"), *(ROOT / "lib" / "reindus" / "ui").glob("*.py"), ROOT / "app.py"]
)


def _table_page() -> None:
    import pandas as pd

    from reindus.ui import tables

    frame = pd.DataFrame({"Région": ["Normandie", None], "Montant": [1234567.0, float("nan")]})
    tables.show(frame, hide_index=True)
    tables.edit(frame, hide_index=True, key="editor")


def _tables() -> list:
    at = AppTest.from_function(_table_page, default_timeout=30).run()
    assert not at.exception, at.exception
    return [element.proto for element in at.dataframe]


def test_an_empty_cell_reads_a_dash_as_the_captions_say():
    # Streamlit's default is a grey « None »; the captions under the tables speak of « — »
    assert [proto.placeholder for proto in _tables()] == ["—", "—"]


def test_no_page_draws_a_table_but_through_reindus_ui_tables():
    offending = []
    for path in SOURCES:
        if path.name == "tables.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offending += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("dataframe", "data_editor")
        ]
    assert not offending, "tables drawn without tables.show / tables.edit:\n" + "\n".join(offending)
