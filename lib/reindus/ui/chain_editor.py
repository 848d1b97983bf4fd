"""A project's supply chain on its page: « Ajouter un maillon », edit, move upstream / downstream and
remove (asked first; shortlisted suppliers go with the link and stay in the history), through
`reindus.programme.workspace.links`. Each link's NAF codes are picked from the tree of its nomenclature
(NAF rév. 2 or NAF 2025) by code or words, with the register's count of candidates in the project's
region and in France as they are picked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from reindus.auth import Viewer
from reindus.programme.workspace import links as workspace_links
from reindus.programme.workspace import rules
from reindus.reference.naf import NAF2025_VERSION, NAF_VERSION, NAF_VERSIONS, codes_text
from reindus.reference.programme import CHAIN_POSITIONS
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import chain, data, writes
from reindus.ui.writes import Versioned

AREA = "chain"
LABELS = {f.key: f.label for f in rules.LINK_FIELDS}
# One picker per nomenclature, each with its own tree: switching keeps what was picked in the other.
CODES_KEYS = {NAF_VERSION: "naf_codes", NAF2025_VERSION: "naf_codes_2025"}
CODES_HELP = {
    NAF_VERSION: "Sous-classes de la NAF rév. 2 : les candidats du registre sont cherchés sur leur code "
    "NAF rév. 2.",
    NAF2025_VERSION: "Sous-classes de la NAF 2025 (officielle au 1er janvier 2027) : les candidats sont "
    "cherchés sur le code NAF 2025 que SIRENE donne depuis décembre 2025, jamais sur un code rév. 2 "
    "qui s'écrit pareil.",
}


def _codes(text: str) -> list[str]:
    return [c for c in str(text or "").split(",") if c]


def _link_fields(form: Versioned, region_code: str, scope: data.Scope, *, nested: bool = False) -> None:
    """Tier, label, nomenclature and NAF codes (with the register's counts as they are picked, and,
    outside an expander, their observed counterparts in the other NAF) and need."""
    left, right = st.columns([1, 2])
    left.selectbox(
        LABELS["tier"],
        list(CHAIN_POSITIONS),
        format_func=CHAIN_POSITIONS.get,
        key=form.key("tier"),
        placeholder="Choisir le niveau",
    )
    right.text_input(LABELS["label"], key=form.key("label"), max_chars=200, placeholder="ex. Filature du lin")
    version = (
        st.segmented_control(
            LABELS["naf_version"],
            list(NAF_VERSIONS),
            format_func=NAF_VERSIONS.get,
            key=form.key("naf_version"),
            required=True,
        )
        or NAF_VERSION
    )
    naf = data.naf_choices(version)
    codes = st.multiselect(
        LABELS["naf_codes"],
        list(naf),
        format_func=naf.get,
        key=form.key(CODES_KEYS[version]),
        placeholder="Code (13.20Y) ou mots (tissage)"
        if version == NAF2025_VERSION
        else "Code (13.20Z) ou mots (tissage)",
        help=CODES_HELP[version],
    )
    if codes:
        regional, national = data.link_candidate_counts(",".join(codes), region_code, scope)
        source, year = data.register_source(scope)
        st.caption(
            f"Candidats : {formats.number(regional)} établissement(s) actif(s) dans la région du projet, "
            f"{formats.number(national)} en France (registre des établissements, {md_text(source)}, {md_text(year)})."
            + (
                " Aucun établissement du registre ne porte encore de code NAF 2025 (fichiers SIRENE publiés "
                "depuis décembre 2025) : exprimez le maillon en NAF rév. 2 pour y trouver des candidats."
                if version == NAF2025_VERSION and not data.register_naf2025(scope)
                else ""
            )
        )
        if not nested:  # Streamlit allows no expander inside another
            chain.naf_correspondence(
                pd.DataFrame({"naf_codes": [",".join(codes)]}),
                f"registre des établissements ({source}, {year})",
            )
    st.text_area(LABELS["need"], key=form.key("need"), max_chars=5000)


def _values(form: Versioned) -> dict:
    version = writes.value(form, "naf_version") or NAF_VERSION
    return {
        "tier": writes.value(form, "tier"),
        "label": writes.value(form, "label"),
        "naf_version": version,
        "naf_codes": ",".join(writes.value(form, CODES_KEYS[version]) or []),
        "need": writes.value(form, "need") or "",
    }


def add_link(project_id: int, region_code: str, viewer: Viewer, scope: data.Scope) -> None:
    base = f"link:new:{project_id}"
    form = Versioned(base, 0)
    writes.init(
        form,
        {
            "tier": None,
            "label": "",
            "naf_version": NAF_VERSION,
            **dict.fromkeys(CODES_KEYS.values(), []),
            "need": "",
        },
    )
    _link_fields(form, region_code, scope)
    if st.button("Ajouter le maillon", key=form.key("submit"), type="primary", icon=":material/add_link:"):
        values = _values(form)
        writes.save(
            AREA,
            lambda s: workspace_links.add_link(s, project_id, values, viewer),
            f"Maillon « {values['label']} » ajouté en aval de la chaîne.",
            forget=base,
        )


def _edit_link(link, region_code: str, viewer: Viewer, scope: data.Scope) -> None:
    form = writes.versioned(f"link:{int(link.id)}", int(link.version))
    writes.init(
        form,
        {
            "tier": link.tier,
            "label": link.label,
            "naf_version": link.naf_version,
            **dict.fromkeys(CODES_KEYS.values(), []),
            CODES_KEYS[link.naf_version]: _codes(link.naf_codes),
            "need": link.need or "",
        },
    )
    _link_fields(form, region_code, scope, nested=True)
    if st.button("Enregistrer le maillon", key=form.key("submit"), icon=":material/save:"):
        values = _values(form)
        writes.save(
            AREA,
            lambda s: workspace_links.update_link(s, int(link.id), form.version, values, viewer),
            f"Maillon « {values['label']} » enregistré.",
        )


def _ask_removal(key: str, link_id: int, version: int) -> None:
    st.session_state[key] = (link_id, version)


def _removal(link, entries: int, pending_key: str, viewer: Viewer) -> None:
    """The question before a link is removed, and the removal once confirmed."""
    link_id, version = st.session_state[pending_key]
    if entries:
        st.warning(
            f"Retirer le maillon « {md_text(link.label)} » ? Ses {entries:d} fournisseur(s) présélectionné(s) seront "
            "retirés avec lui ; ils resteront dans l'historique du projet.",
            icon=":material/warning:",
        )
    else:
        st.warning(f"Retirer le maillon « {md_text(link.label)} » ?", icon=":material/warning:")
    yes, no, _ = st.columns([1, 1, 3])
    if yes.button("Confirmer le retrait", key=f"{pending_key}:yes", type="primary"):
        del st.session_state[pending_key]
        writes.save(
            AREA,
            lambda s: workspace_links.remove_link(s, link_id, version, viewer, confirm=True),
            f"Maillon « {link.label} » retiré (il reste dans l'historique du projet).",
        )
    if no.button("Annuler", key=f"{pending_key}:no"):
        del st.session_state[pending_key]
        st.rerun()


def chain_editor(
    project_id: int, region_code: str, links: pd.DataFrame, shortlist: pd.DataFrame, viewer: Viewer, scope
) -> None:
    """The links upstream → downstream, each with its moves, its form and its removal; then a new link."""
    writes.flash(AREA)
    links = links.sort_values("position")
    entries = shortlist.groupby("link_id").size()
    for i, link in enumerate(links.itertuples(index=False)):
        with st.container(border=True):
            text, up, down, remove = st.columns([8, 1, 1, 1])
            text.text(
                f"{link.position}. {CHAIN_POSITIONS.get(link.tier, link.tier)} — {link.label}"
                + (f" ({codes_text(link.naf_codes, link.naf_version)})" if link.naf_codes else "")
            )
            for col, step, icon, label in ((up, -1, ":material/arrow_upward:", "Monter"),
                                           (down, 1, ":material/arrow_downward:", "Descendre")):  # fmt: skip
                edge = (i == 0) if step < 0 else (i == len(links) - 1)
                if col.button("", key=f"link:{link.id}:v{link.version}:move{step}", icon=icon,
                              help=f"{md_text(label)} (vers l'{'amont' if step < 0 else 'aval'})", disabled=edge):  # fmt: skip
                    writes.save(
                        AREA,
                        lambda s, link=link, step=step: workspace_links.move_link(
                            s, int(link.id), int(link.version), step, viewer
                        ),
                        "Chaîne réordonnée.",
                    )
            pending_key = f"link:{link.id}:remove"
            remove.button(
                "",
                key=f"link:{link.id}:v{link.version}:remove",
                icon=":material/delete:",
                help="Retirer ce maillon (confirmation demandée)",
                on_click=_ask_removal,
                args=(pending_key, int(link.id), int(link.version)),
            )
            if pending_key in st.session_state:
                _removal(link, int(entries.get(link.id, 0)), pending_key, viewer)
            with st.expander("Modifier"):
                _edit_link(link, region_code, viewer, scope)
    st.markdown("**Ajouter un maillon**")
    add_link(project_id, region_code, viewer, scope)
