"""« Données »: what is loaded, from where, and how fresh."""

import streamlit as st

from reindus.config import DATA_DIR
from reindus.text import formats
from reindus.text.safe import md_text
from reindus.ui import auth, data, mode, tables
from reindus.ui.banner import demo_banner
from reindus.ui.importer import export_section, import_section

inv = data.current_inventory(mode.scope())
st.title("Données chargées")
demo_banner(inv.has_demo)

cols = st.columns(4)
cols[0].metric("Projets", formats.number(inv.count("projects")))
cols[1].metric("Conseillers", formats.number(inv.count("coaches")))
cols[2].metric("Établissements au registre", formats.number(inv.register_rows))
cols[3].metric("Dernière modification", formats.moment(inv.last_change) if inv.last_change else "—")

left, right = st.columns(2)
with left:
    st.subheader("Base opérationnelle")
    st.caption("Nombre de lignes par table et par source.")
    tables.show(
        inv.tables,
        hide_index=True,
        width="stretch",
        height="content",  # a dozen tables: every row shown, none cut at the box's edge
        column_config={"table": "Table", "source": "Source", "rows": tables.count("Lignes")},
    )
with right:
    st.subheader("Projets par région et par édition")
    st.caption("2022 : Normandie seule ; le pilote national à quatre régions commence en 2023.")
    tables.show(inv.projects_by_region, hide_index=True, width="stretch")

    st.subheader("Registre des établissements")
    st.caption("Établissements candidats fournisseurs, au format SIRENE.")
    tables.show(
        inv.register_by_region,
        hide_index=True,
        width="stretch",
        column_config={"rows": tables.count("Établissements"), "active": tables.count("Dont actifs")},
    )
    tables.show(
        inv.register_by_source,
        hide_index=True,
        width="stretch",
        column_config={
            "source": "Source",
            "rows": tables.count("Établissements"),
            "active": tables.count("Dont actifs"),
        },
    )

    last = inv.last_register_import
    if last is not None:
        st.caption(
            f"Dernier import du registre : « {md_text(last.file)} », le {formats.moment(last.at)} ; "
            f"{formats.number(last.rows or 0)} ligne(s) lue(s), {formats.number(int(last.skipped['rows'].sum()))} "
            f"hors du registre (écartées, par motif ci-dessous), {formats.number(last.left_out)} en erreur "
            "laissée(s) de côté."
        )
        tables.show(
            last.skipped,
            hide_index=True,
            width="stretch",
            column_config={"reason": "Motif (ligne écartée)", "rows": tables.count("Lignes")},
        )

with st.expander("Provenance des fichiers de référence"):
    # trusted markdown: the repository's own provenance notes, links and tables meant as such
    st.markdown((DATA_DIR / "README.md").read_text(encoding="utf-8"))

st.divider()
viewer, scope = auth.viewer(), mode.scope()
if scope.public:  # imports and exports are for the signed-in's own screens, never a shared one
    st.info(
        "Import et export des données : non disponibles en mode atelier (réservés aux personnes connectées).",
        icon=":material/lock:",
    )
else:  # what the role may do; the import and the export check it again on the server
    if scope.may_import:
        import_section(viewer)
        st.divider()
    if scope.may_export_tables:
        export_section(viewer)
    if not (scope.may_import or scope.may_export_tables):
        st.info(
            "Import et export des tables : réservés à l'administrateur (et l'export à la présidence).",
            icon=":material/lock:",
        )
