"""No data reaches a markdown-rendering Streamlit call unescaped: checked on the source of every page and
`reindus.ui` module.

Streamlit renders markdown (links, images fetched from anywhere, `:red[…]`, `:material/…:` icons, LaTeX)
in far more places than `st.markdown`: headers, captions, `st.write`, alerts, metric labels, values and
deltas, widget and expander labels, tab labels, radio and pills options, every `help=` tooltip. What any of
these receive must be literal text written in the code, a French number or date (`reindus.text.formats`),
or go through `reindus.text.safe.md_text`; a name holding text (`st.header(company)`) is refused even when
it happens to be a literal today, since nothing says where the next caller's text comes from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*(ROOT / "pages").glob("*.py"), *(ROOT / "lib" / "reindus" / "ui").glob("*.py"), ROOT / "app.py"]
)

# method -> positional indexes and keywords rendered as markdown ("*" = every positional argument)
BODY = ("*", "body")
LABEL = (0, "label")
MARKDOWN_ARGUMENTS: dict[str, tuple] = {
    **dict.fromkeys(
        (
            "markdown",
            "header",
            "subheader",
            "title",
            "caption",
            "write",
            "info",
            "warning",
            "error",
            "success",
        ),
        BODY,
    ),
    "toast": BODY,
    "metric": (0, 1, 2, "label", "value", "delta"),
    **dict.fromkeys(
        (
            "expander",
            "popover",
            "button",
            "download_button",
            "link_button",
            "form_submit_button",
            "checkbox",
            "toggle",
            "radio",
            "selectbox",
            "multiselect",
            "slider",
            "select_slider",
            "text_input",
            "text_area",
            "number_input",
            "date_input",
            "time_input",
            "file_uploader",
            "color_picker",
            "pills",
            "segmented_control",
        ),
        LABEL,
    ),
    "page_link": (1, "label"),
    "tabs": (0, "tabs"),
    "column": ("label", "help"),  # st.column_config.*Column(label, help=)
}
# Widgets that render their options (format_func's text) and captions as markdown.
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}
# Receivers whose methods share a name with Streamlit's but render nothing (logging, files).
NOT_STREAMLIT = {"log", "logger", "logging", "LOG", "LOGGER", "handle", "out", "stream", "file", "sys"}
# A line that renders the repository's own markdown (a README) says so, and why.
TRUSTED = "# trusted markdown:"
SAFE_CALLS = {"md_text", "len"}
# The app's own formatters: French numbers, amounts, rates and their differences, « — » when missing;
# the source line of the programme's figures (constant text and edition years).
FORMATTERS = {
    "format_value",
    "_delta",
    "kd.display",
    "kd.delta_text",
    "captions.source_caption",
    "captions.years_text",
}
SAFE_MODULES = {"formats"}  # reindus.text.formats: French numbers and dates


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_constant(node: ast.AST) -> bool:
    """`LABELS`, `metrics.KPI_LABELS[column]`, `industry.INDICATORS[key].label`: text the code defines."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute) and node.attr.isupper():
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id.isupper()


def _safe_field(field: ast.FormattedValue) -> bool:
    """`{x}` is safe when `x` is; `{n:d}`, `{n:02d}`, `{r:.1%}` only ever format a number."""
    spec = field.format_spec
    if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values):
        text = "".join(str(v.value) for v in spec.values)
        if text and text[-1] in "bdeEfFgGnoxX%" and field.conversion == -1:
            return True
    return safe(field.value)


def _safe_call(node: ast.Call) -> bool:
    """`md_text(…)`, `len(…)`, `formats.number(…)`, `" ; ".join(<safe>)`, `TEMPLATE.format(<safe>)`."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name in SAFE_CALLS or ast.unparse(func) in FORMATTERS:
        return True
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in SAFE_MODULES:
        return True
    if name in ("join", "format") and isinstance(func, ast.Attribute) and safe(func.value):
        return all(safe(a) for a in node.args) and all(safe(k.value) for k in node.keywords)
    return False


def safe(node: ast.AST | None) -> bool:
    """Whether `node` can only produce text written in the code, French numbers, or escaped data."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe_field(v) if isinstance(v, ast.FormattedValue) else True for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return safe(node.left) and safe(node.right)
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(safe(e) for e in node.elts)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return safe(node.elt)
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) and _is_constant(node):
        return True
    if isinstance(node, ast.Call):
        return _safe_call(node)
    if isinstance(node, ast.Lambda):
        return safe(node.body)
    return False


def _reindus_names(tree: ast.Module) -> set[str]:
    """Names bound to reindus modules (`views.title(v)` is the app's function, not `st.title`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reindus"):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("reindus")}
    return names


def _markdown_arguments(call: ast.Call, not_streamlit: set[str]) -> Iterator[ast.AST]:
    func = call.func
    if not isinstance(func, ast.Attribute) or _root_name(func.value) in NOT_STREAMLIT | not_streamlit:
        return
    method = func.attr
    if method.endswith("Column") and _root_name(func.value) in {"st", "column_config"}:
        method = "column"
    spec = MARKDOWN_ARGUMENTS.get(method)
    if spec is not None:
        for i, arg in enumerate(call.args):
            if "*" in spec or i in spec:
                yield arg
        yield from (k.value for k in call.keywords if k.arg in spec)
        if method in MARKDOWN_OPTIONS:
            yield from (k.value for k in call.keywords if k.arg in ("format_func", "captions"))
    # every Streamlit element's tooltip is markdown
    yield from (k.value for k in call.keywords if k.arg == "help")


def unescaped(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    return [
        f"{path.relative_to(ROOT) if ROOT in path.parents else path.name}:{arg.lineno} {ast.unparse(call)[:100]}"
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        for arg in _markdown_arguments(call, _reindus_names(tree))
        if not safe(arg) and TRUSTED not in lines[call.lineno - 2]
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_calls_receive_literal_text_or_md_text(path):
    offending = unescaped(path)
    assert not offending, "text passed to markdown without md_text:\n" + "\n".join(offending)


def test_the_check_catches_data_in_a_header_and_accepts_md_text(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "st.header(company)\n"
        "cells[0].metric('Région', c.region, help=f'Statut : {c.status}')\n"
        "st.caption(f'**Définition** : {series.definition}.')\n"
        "st.radio('Vue', names, format_func=lambda n: n.title())\n"
        "st.warning(UNAUTHORIZED.format(email=viewer.email))\n"
        "st.header(md_text(company))\n"
        "cells[0].metric('Région', md_text(c.region), help=f'Statut : {md_text(c.status)}')\n"
        "st.segmented_control('Classes', list(SCHEMES), format_func=SCHEMES.get)\n"
        "st.metric(metrics.KPI_LABELS[column], formats.euros(x), help=INDICATORS[k].definition)\n"
        "st.caption(f'{formats.number(n)} projets, {len(rows)} lignes, ' + TITLE)\n"
        "logger.error(message)\n"
        "st.caption(f'vue {index + 1:d} sur {len(names)}, {share:.0%}, {step.position}')\n"
        "# trusted markdown: the repository's own\n"
        "st.markdown(readme)\n"
    )
    found = sorted(int(line.split(" ", 1)[0].split(":")[1]) for line in unescaped(page))
    assert found == [1, 2, 2, 3, 4, 5, 12]  # 12: `{step.position}` may be text; 14 is vouched for


# Widgets whose label Streamlit also writes, as it stands, into the field's aria-label: escaped for
# markdown, it would read « Montant demandé \(€\) » to a screen reader and to the browser tests.
ARIA_LABELLED = {
    "text_input",
    "text_area",
    "number_input",
    "selectbox",
    "multiselect",
    "date_input",
    "time_input",
    "slider",
    "select_slider",
    "checkbox",
    "toggle",
    "color_picker",
}


def escaped_labels(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr not in ARIA_LABELLED:
            continue
        label = (
            call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "label"), None)
        )
        if label is not None and any(
            isinstance(n, ast.Call) and _safe_call(n) and "md_text" in ast.unparse(n.func)
            for n in ast.walk(label)
        ):
            found.append(f"{path.relative_to(ROOT) if ROOT in path.parents else path.name}:{call.lineno}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_widget_labels_stay_as_written(path):
    # with the check above: a widget's label is text written in the code, never data escaped for markdown
    offending = escaped_labels(path)
    assert not offending, "widget labels escaped for markdown (their aria-label shows the backslashes):\n" + (
        "\n".join(offending)
    )


def test_the_label_check_catches_an_escaped_label(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        "col.text_input(md_text(LABELS[k]), key=k)\n"
        "st.selectbox(label=f'Projet {md_text(name)}', options=[])\n"
        "col.text_input(LABELS[k], **writes.amount_field(form, k))\n"
        "st.button(f'Restaurer « {md_text(before)} »')\n"
    )
    assert [line.split(":")[1] for line in escaped_labels(page)] == ["1", "2"]
