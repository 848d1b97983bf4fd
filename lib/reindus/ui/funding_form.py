"""A project's funding applications on its page (scheme, amounts asked / granted / paid, dates, status),
through `reindus.programme.workspace.funding`; and the list of schemes, which administrators edit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.auth import Viewer
from reindus.programme.workspace import funding as workspace_funding
from reindus.programme.workspace import rules
from reindus.reference.programme import FUNDING_STATUSES
from reindus.text import formats
from reindus.ui import data, tables, writes
from reindus.ui.writes import Versioned

AREA = "funding"
SCHEMES_AREA = "schemes"
LABELS = {f.key: f.label for f in rules.APPLICATION_FIELDS} | {"scheme_id": rules.SCHEME_LABEL}
MONEY = ("amount_requested", "amount_granted", "amount_paid")
DATES = ("applied_on", "decided_on")


def applications_table(apps: pd.DataFrame, public: bool) -> None:
    shown = {"Dispositif": apps["scheme"], "Opérateur": apps["operator"], "Nature": apps["kind"]}
    shown["Statut"] = apps["status"].map(FUNDING_STATUSES)
    shown[LABELS["applied_on"]] = apps["applied_on"]
    shown[LABELS["decided_on"]] = apps["decided_on"]
    if not public:  # amounts per company are confidential
        shown |= {LABELS[k]: apps[k] for k in MONEY}
    tables.show(
        pd.DataFrame(shown),
        hide_index=True,
        width="stretch",
        column_config={LABELS[k]: tables.euros(LABELS[k]) for k in MONEY}
        | {LABELS[k]: st.column_config.DateColumn(LABELS[k], format=formats.DATE_WIDGET) for k in DATES},
    )
    st.caption(
        "Versé : montant payé à ce jour (un versement peut être partiel) ; il ne dépasse pas le montant "
        "accordé."
    )


def _amount(value) -> str:
    return "" if value is None or pd.isna(value) else formats.amount(float(value))


def _date(value):
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _fields(form: Versioned, scope: data.Scope) -> None:
    schemes = data.funding_schemes(scope)
    names = dict(zip(schemes["id"].astype(int), schemes["name"] + " — " + schemes["operator"], strict=True))
    left, right = st.columns([2, 1])
    left.selectbox(
        LABELS["scheme_id"],
        list(names),
        index=None,
        format_func=names.get,
        placeholder="Choisissez un dispositif",
        key=form.key("scheme_id"),
    )
    right.selectbox(
        LABELS["status"], list(FUNDING_STATUSES), format_func=FUNDING_STATUSES.get, key=form.key("status")
    )
    cols = st.columns(3)
    for col, k in zip(cols, MONEY, strict=True):
        col.text_input(LABELS[k], **writes.amount_field(form, k))
    cols = st.columns(2)
    for col, k in zip(cols, DATES, strict=True):
        col.date_input(LABELS[k], value=None, format=formats.DATE_WIDGET, key=form.key(k))


def _values(form: Versioned) -> dict:
    keys = ("scheme_id", "status", *MONEY, *DATES)
    return {k: writes.value(form, k) for k in keys}


def add_application(project_id: int, viewer: Viewer, scope: data.Scope) -> None:
    base = f"application:new:{project_id}"
    form = Versioned(base, 0)
    writes.init(
        form, {"scheme_id": None, "status": "depose"} | dict.fromkeys(MONEY, "") | dict.fromkeys(DATES)
    )
    with st.form(form.key("form")):
        _fields(form, scope)
        if st.form_submit_button(
            "Ajouter la demande", key=form.key("submit"), type="primary", icon=":material/add:"
        ):
            values = _values(form)
            writes.save(
                AREA,
                lambda s: workspace_funding.add_application(s, project_id, values, viewer),
                "Demande de financement ajoutée.",
                forget=base,
            )


def edit_application(app, viewer: Viewer, scope: data.Scope) -> None:
    form = writes.versioned(f"application:{int(app.id)}", int(app.version))
    writes.init(
        form,
        {"scheme_id": int(app.scheme_id), "status": app.status}
        | {k: _amount(getattr(app, k)) for k in MONEY}
        | {k: _date(getattr(app, k)) for k in DATES},
    )
    with st.form(form.key("form")):
        _fields(form, scope)
        if st.form_submit_button("Enregistrer la demande", key=form.key("submit"), icon=":material/save:"):
            values = _values(form)
            writes.save(
                AREA,
                lambda s: workspace_funding.update_application(s, int(app.id), form.version, values, viewer),
                "Demande de financement enregistrée.",
            )
    sure = st.checkbox("Je confirme le retrait de cette demande", key=form.key("remove_sure"))
    if st.button("Retirer la demande", key=form.key("remove"), icon=":material/delete:", disabled=not sure):
        writes.save(
            AREA,
            lambda s: workspace_funding.remove_application(s, int(app.id), form.version, viewer),
            "Demande de financement retirée (elle reste dans l'historique du projet).",
        )


def funding_forms(project_id: int, apps: pd.DataFrame, viewer: Viewer, scope: data.Scope) -> None:
    writes.flash(AREA)
    if len(apps):
        labels = {
            int(a.id): f"{a.scheme} — {FUNDING_STATUSES.get(a.status, a.status)}, déposée le "
            f"{pd.Timestamp(a.applied_on):%d/%m/%Y}"
            for a in apps.itertuples(index=False)
        }
        chosen = st.selectbox(
            "Demande à modifier",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Choisissez une demande",
            key=f"application_choice:{project_id}",
        )
        if chosen is not None:
            edit_application(
                next(a for a in apps.itertuples(index=False) if int(a.id) == chosen), viewer, scope
            )
    st.markdown("**Nouvelle demande de financement**")
    add_application(project_id, viewer, scope)


def schemes_editor(viewer: Viewer, scope: data.Scope) -> None:
    """The list of funding schemes; administrators add, rename and remove them."""
    writes.flash(SCHEMES_AREA)
    schemes = data.funding_schemes(scope)
    tables.show(
        schemes[["name", "operator", "kind"]].rename(
            columns={"name": "Dispositif", "operator": "Opérateur", "kind": "Nature"}
        ),
        hide_index=True,
        width="stretch",
    )
    kinds = rules.FUNDING_KIND_LABELS
    by_id = schemes.set_index("id")
    chosen = st.selectbox(
        "Dispositif à modifier",
        [None, *by_id.index.astype(int)],
        format_func=lambda i: "— nouveau dispositif —" if i is None else by_id.at[i, "name"],
        key="scheme_choice",
    )
    if chosen is None:
        form, stored = Versioned("scheme:new", 0), {"name": "", "operator": "", "kind": None}
    else:
        row = by_id.loc[chosen]
        form = writes.versioned(f"scheme:{chosen}", int(row["version"]))
        stored = {"name": row["name"], "operator": row["operator"], "kind": row["kind"]}
    writes.init(form, stored)
    with st.form(form.key("form")):
        cols = st.columns(3)
        cols[0].text_input("Dispositif", key=form.key("name"), max_chars=200)
        cols[1].text_input("Opérateur", key=form.key("operator"), max_chars=200)
        cols[2].selectbox(
            "Nature",
            list(kinds),
            index=None,
            format_func=kinds.get,
            placeholder="Choisissez",
            key=form.key("kind"),
        )
        submitted = st.form_submit_button(
            "Ajouter le dispositif" if chosen is None else "Enregistrer le dispositif", key=form.key("submit")
        )
    if submitted:
        values = {k: writes.value(form, k) for k in ("name", "operator", "kind")}
        if chosen is None:
            work = lambda s: workspace_funding.add_scheme(s, values, viewer)  # noqa: E731
        else:
            work = lambda s: workspace_funding.update_scheme(s, chosen, form.version, values, viewer)  # noqa: E731
        writes.save(SCHEMES_AREA, work, f"Dispositif « {values['name']} » enregistré.", forget="scheme:new")
    if chosen is not None and st.button(
        "Retirer ce dispositif", key=form.key("remove"), icon=":material/delete:"
    ):
        writes.save(
            SCHEMES_AREA,
            lambda s: workspace_funding.remove_scheme(s, chosen, form.version, viewer),
            "Dispositif retiré.",
        )
