"""A project's supply chain: add, edit, reorder (upstream → downstream) and remove links, with the
rules and writes the links import uses too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reindus.errors import ValidationError
from reindus.programme.workspace import rules
from reindus.programme.workspace.access import Actor, authorize
from reindus.reference.naf import NAF_VERSION
from reindus.store import audit, repository
from reindus.store.models import ChainLink, Project, ShortlistEntry
from reindus.store.types import utcnow

SOURCE = "saisie"
FORM_FIELDS = tuple(f for f in rules.LINK_FIELDS if f.key != "position")  # the order is set by moving


class ConfirmationRequired(repository.StoreError):
    """A change that loses something the user should see first: nothing was written; call again with
    `confirm=True` once they agreed."""


def check_link(values: Mapping[str, Any], *, current: ChainLink | None = None) -> dict[str, Any]:
    """Tier, label, NAF codes and their nomenclature, and need of a link (form values or cell text), by
    the import's rules. With `current`, only the keys given are checked, against the link's other
    values (new codes without a nomenclature keep the link's when they are in it)."""
    unknown = sorted(set(values) - {f.key for f in FORM_FIELDS})
    if unknown:
        raise ValueError(f"Champs inconnus pour un maillon : {', '.join(unknown)}")
    out = rules.check(FORM_FIELDS, values, partial=current is not None)
    naf_given = {"naf_codes", "naf_version"} & set(values)
    if (current is None or naf_given) and not {"naf_codes", "naf_version"} & set(out.errors):
        codes = out.values.get("naf_codes", current.naf_codes if current is not None else "")
        default = current.naf_version if current is not None else NAF_VERSION
        try:
            out.values["naf_version"] = rules.link_naf_version(codes, out.values.get("naf_version"), default)
        except ValidationError as exc:
            out.error("naf_codes", exc.message)
    return out.raise_if_any()


def _project(session: Session, project_id: int, actor: Actor) -> tuple[Project, str]:
    project = repository.load(session, Project, project_id)
    return project, authorize(actor, project.region_code, f"le projet « {project.name} »")


# --- the writes shared with the import -------------------------------------------------------------


def insert_link(session: Session, values: Mapping[str, Any], actor: str, *, source: str) -> ChainLink:
    return repository.insert(session, ChainLink(source=source, **values), actor)


def write_link(
    session: Session,
    link_id: int,
    shown_version: int,
    changes: Mapping[str, Any],
    actor: str,
    *,
    detail: str | None = None,
) -> ChainLink:
    return repository.update_versioned(
        session, ChainLink, link_id, shown_version, changes, actor, detail=detail
    )


# --- what the forms call ------------------------------------------------------------------------


def add_link(session: Session, project_id: int, values: Mapping[str, Any], actor: Actor) -> ChainLink:
    """« Ajouter un maillon »: at the downstream end of the chain."""
    _, name = _project(session, project_id, actor)
    checked = check_link(values)
    repository.take_write_lock(session, ChainLink)
    last = session.execute(
        select(func.max(ChainLink.position)).where(ChainLink.project_id == project_id)
    ).scalar_one()
    if (last or 0) >= rules.MAX_LINKS:
        raise rules.FormError(
            {"position": f"une chaîne a au plus {rules.MAX_LINKS} maillons"}, {"position": "Maillon"}
        )
    return insert_link(
        session, {"project_id": project_id, "position": (last or 0) + 1, **checked}, name, source=SOURCE
    )


def update_link(
    session: Session,
    link_id: int,
    shown_version: int,
    values: Mapping[str, Any],
    actor: Actor,
    *,
    detail: str | None = None,
) -> ChainLink:
    link = repository.load(session, ChainLink, link_id)
    _, name = _project(session, link.project_id, actor)
    return write_link(session, link_id, shown_version, check_link(values, current=link), name, detail=detail)


def reorder_links(
    session: Session, project_id: int, order: Sequence[tuple[int, int]], actor: Actor
) -> list[ChainLink]:
    """Put the project's links in `order` ((link id, version shown), upstream first) at positions
    1, 2, 3 …; every moved link gets a new version and an audit entry. A link missing from `order`,
    foreign to the project, or changed since it was shown refuses the whole order."""
    _, name = _project(session, project_id, actor)
    repository.take_write_lock(session, ChainLink)
    links = {
        link.id: link
        for link in session.execute(
            select(ChainLink)
            .where(ChainLink.project_id == project_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
    }
    ids = [link_id for link_id, _ in order]
    if sorted(ids) != sorted(links):
        raise repository.StoreError(
            "La chaîne a changé depuis que vous l'avez ouverte (maillon ajouté ou retiré). "
            "Rechargez la page, puis refaites le classement."
        )
    for link_id, shown in order:
        if links[link_id].version != shown:
            link = links[link_id]
            raise repository.StaleEditError(ChainLink, link, link_id, shown, link.version)
    moves = {
        link_id: position
        for position, link_id in enumerate(ids, start=1)
        if links[link_id].position != position
    }
    if not moves:
        return [links[i] for i in ids]
    table = ChainLink.__table__
    # (project, position) is unique at every statement: park the moved links beyond any real position
    # first, then set their final positions.
    session.execute(
        table.update()
        .where(table.c.id.in_(list(moves)))
        .values(position=table.c.position + rules.MAX_LINKS + 1000)
    )
    for link_id, position in moves.items():
        link = links[link_id]
        session.execute(
            table.update()
            .where(table.c.id == link_id)
            .values(position=position, version=link.version + 1, updated_at=utcnow())
        )
        audit.record(
            session,
            actor=name,
            action="update",
            table_name=ChainLink.__tablename__,
            row_key=link_id,
            before={"position": link.position, "version": link.version},
            after={"position": position, "version": link.version + 1},
            detail="chaîne réordonnée",
            model=ChainLink,
        )
    session.flush()
    return [repository.load(session, ChainLink, i) for i in ids]


def move_link(session: Session, link_id: int, shown_version: int, step: int, actor: Actor) -> list[ChainLink]:
    """Move a link `step` places downstream (negative: upstream), keeping the others' order."""
    link = repository.load(session, ChainLink, link_id)
    chain = list(
        session.execute(
            select(ChainLink.id, ChainLink.version)
            .where(ChainLink.project_id == link.project_id)
            .order_by(ChainLink.position)
        ).all()
    )
    ids = [i for i, _ in chain]
    versions = dict(chain)
    versions[link_id] = shown_version
    index = ids.index(link_id)
    ids.insert(max(0, min(len(ids) - 1, index + step)), ids.pop(index))
    return reorder_links(session, link.project_id, [(i, versions[i]) for i in ids], actor)


def remove_link(
    session: Session, link_id: int, shown_version: int, actor: Actor, *, confirm: bool = False
) -> None:
    """Remove a link. With shortlisted suppliers, refused (ConfirmationRequired, naming them) unless
    `confirm`: then they are removed with it, each kept whole in the audit log."""
    link = repository.load(session, ChainLink, link_id)
    _, name = _project(session, link.project_id, actor)
    if link.version != shown_version:
        raise repository.StaleEditError(ChainLink, link, link_id, shown_version, link.version)
    entries = list(
        session.execute(
            select(ShortlistEntry).where(ShortlistEntry.link_id == link_id).order_by(ShortlistEntry.id)
        ).scalars()
    )
    if entries and not confirm:
        names = ", ".join(e.supplier_name for e in entries[:5]) + (" …" if len(entries) > 5 else "")
        raise ConfirmationRequired(
            f"Le maillon « {link.label} » a {len(entries)} fournisseur(s) présélectionné(s) ({names}). "
            "Confirmez pour les retirer avec lui : ils resteront dans l'historique du projet."
        )
    for entry in entries:
        repository.delete_versioned(
            session,
            ShortlistEntry,
            entry.id,
            entry.version,
            name,
            detail=f"retiré avec le maillon « {link.label} »",
        )
    repository.delete_versioned(session, ChainLink, link_id, shown_version, name)
