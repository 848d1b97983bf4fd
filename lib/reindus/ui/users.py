"""« Utilisateurs »: who may sign in, with which role and regions; for the administrateur.

The page only reads widgets: every read and write goes through `reindus.auth.users` (`users_as`,
`add_as`, `remove_as`), which refuse anyone but an administrateur on the server and audit the change
under the signed-in person's name.
"""

from __future__ import annotations

import streamlit as st

from reindus.auth import ROLE_LABELS, Role, Viewer
from reindus.auth import users as accounts
from reindus.errors import UserError
from reindus.reference.territory import regions as region_names
from reindus.text.safe import md_text
from reindus.ui import data, tables

ROLES = (Role.ADMIN, Role.PRESIDENCE, Role.CONSEILLER)
_FLASH = "users_flash"


def _flash() -> None:
    message = st.session_state.pop(_FLASH, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(md_text(text))  # addresses are data, not markdown


def _act(action) -> None:
    try:
        st.session_state[_FLASH] = ("ok", action(data.store_engine()))
    except UserError as exc:  # refused value, not an administrateur: nothing written
        st.session_state[_FLASH] = ("error", exc.message)


def users_table(viewer: Viewer) -> None:
    """The users, their role and regions by name."""
    table = accounts.users_as(data.store_engine(), viewer)
    names = region_names()
    tables.show(
        table.assign(
            role=table["role"].map(lambda r: ROLE_LABELS.get(Role(r), r)),
            regions=table["regions"].map(
                lambda codes: ", ".join(names.get(c, c) for c in codes.split(",") if c)
            ),
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "email": "Adresse",
            "name": "Nom",
            "role": "Rôle",
            "regions": "Régions",
            "source": "Source",
        },
        key="users_table",
    )
    st.caption(f"{len(table)} utilisateur(s). Source : table des utilisateurs de la base opérationnelle.")


def add_form(viewer: Viewer) -> None:
    """Add a user, or change the role, regions and name of an existing one."""
    names = region_names()
    with st.form("user_add", border=True):
        st.markdown("**Ajouter ou modifier un utilisateur**")
        left, right = st.columns(2)
        email = left.text_input("Adresse électronique", max_chars=320, key="user_email")
        name = right.text_input("Nom affiché", max_chars=200, key="user_name")
        role = left.selectbox("Rôle", ROLES, format_func=ROLE_LABELS.get, key="user_role")
        chosen = right.multiselect(
            "Régions (conseiller : sa CCI)",
            sorted(names, key=names.get),
            format_func=names.get,
            placeholder="Aucune (administrateur) ou une région",
            key="user_regions",
        )
        if st.form_submit_button("Enregistrer", icon=":material/person_add:", type="primary"):
            _act(lambda eng: accounts.add_as(eng, viewer, email, role, chosen, name=name))
            st.rerun()


def remove_form(viewer: Viewer, emails: list[str]) -> None:
    with st.form("user_remove", border=True):
        st.markdown("**Retirer un utilisateur**")
        email = st.selectbox("Adresse", emails, index=None, placeholder="Choisissez", key="user_remove_email")
        if st.form_submit_button("Retirer", icon=":material/person_remove:"):
            _act(lambda eng: accounts.remove_as(eng, viewer, email or ""))
            st.rerun()


def users_page(viewer: Viewer) -> None:
    """The whole section for an administrateur (`viewer.require_manage_users` holds on every call)."""
    _flash()
    users_table(viewer)
    add_form(viewer)
    remove_form(viewer, accounts.users_as(data.store_engine(), viewer)["email"].tolist())
    st.caption(
        "Chaque ajout, changement ou retrait est inscrit au journal des modifications. Une personne "
        "connectée sans compte ici voit seulement les données publiques (« compte non autorisé »)."
    )
