"""Tables as every page draws them (`reindus.ui.tables`): one text for an empty cell, amounts in whole euros."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.paths import ROOT

SOURCES = sorted(
    [*(ROOT / "pages").glob("*.py"), *(ROOT / "lib" / "reindus" / "ui").glob("*.py"), ROOT / "app.py"]
)


def _table_page() -> None:
    import pandas as pd

    from reindus.ui import tables

    frame = pd.DataFrame({"Région": ["Normandie", None], "Montant": [1234567.0, float("nan")]})
    tables.show(frame, hide_index=True, column_config={"Montant": tables.euros("Montant")})
    tables.edit(frame, hide_index=True, key="editor")


def _tables() -> list:
    at = AppTest.from_function(_table_page, default_timeout=30).run()
    assert not at.exception, at.exception
    return [element.proto for element in at.dataframe]


def test_an_empty_cell_reads_a_dash_as_the_captions_say():
    # Streamlit's default is a grey « None »; the captions under the tables speak of « — »
    assert [proto.placeholder for proto in _tables()] == ["—", "—"]


def test_amounts_show_whole_euros():
    # Streamlit's « euro » format shows cents (« 1 234 567,00 € ») unless the column's step is whole
    amount = json.loads(_tables()[0].columns)["Montant"]
    assert amount["type_config"]["format"] == "euro" and amount["type_config"]["step"] == 1


def _calls(names: set[str]) -> Iterator[tuple[Path, ast.Call]]:
    """Every call `x.name(…)` with `name` in `names` in the app's sources, with its file."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in names
            ):
                yield path, node


def test_no_page_draws_a_table_but_through_reindus_ui_tables():
    offending = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, node in _calls({"dataframe", "data_editor"})
        if path.name != "tables.py"
    ]
    assert not offending, "tables drawn without tables.show / tables.edit:\n" + "\n".join(offending)


DATE_WIDGETS = {"date_input", "datetime_input", "DateColumn", "DatetimeColumn"}


def test_every_date_picker_and_date_column_is_given_the_french_format():
    # Streamlit's default reads « YYYY/MM/DD », in the picker's placeholder and the column's cells
    offending = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, node in _calls(DATE_WIDGETS)
        if not any(k.arg == "format" and ast.unparse(k.value) == "formats.DATE_WIDGET" for k in node.keywords)
    ]
    assert not offending, "date widgets without format=formats.DATE_WIDGET:\n" + "\n".join(offending)
