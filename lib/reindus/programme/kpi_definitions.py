"""The programme's figures with the definitions public programmes use: forecasts, pipelines, observations.

- Jobs: « emplois prévus » are the forecasts declared at selection; jobs observed at the end of the
  programme and 12 months later are recorded afterwards. They are three definitions, never added together.
- Funding is a pipeline: asked (applications filed) → granted → paid, with the success rate of the
  applications decided.
- Investment: planned at selection, then committed.
- Time from selection to concrétisation: the median, since a few late projects would drag a mean.

An observation nobody recorded is missing, not zero: a sum over projects where none is recorded is NaN,
shown « non renseigné », and every observed figure travels with how many projects recorded it.

Pure functions on the per-project facts of `metrics.project_facts` (the dashboard's: a sum has one name
on every screen): `outcome_kpis` aggregates any grouping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from reindus.programme.metrics import FUNDING_COLUMNS
from reindus.programme.public import shown_aggregates
from reindus.programme.selection import previous_edition, project_mask
from reindus.text import formats

NOT_RECORDED = "non renseigné"
# A rate or a delay with nothing to measure yet (no application decided, no project concretised).
NOT_MEASURABLE = "—"


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str  # French, as a card title
    kind: str  # count, euros, ratio or days
    basis: str  # prévision, constat, dossiers or délai: what kind of figure it is
    definition: str  # French, the card's help text

    def format(self, value: float | None) -> str:
        """French text; a missing observation reads « non renseigné », a figure with nothing to measure « — »."""
        return format_value(value, self.kind, NOT_RECORDED if self.basis == "constat" else NOT_MEASURABLE)


DEFINITIONS: dict[str, KpiDefinition] = {
    d.key: d
    for d in (
        KpiDefinition(
            "jobs",
            "Emplois prévus",
            "count",
            "prévision",
            "Emplois que les entreprises prévoient de créer, déclarés à la sélection du projet. "
            "Prévision : jamais additionnée aux emplois constatés.",
        ),
        KpiDefinition(
            "jobs_observed_end",
            "Emplois constatés en fin de programme",
            "count",
            "constat",
            "Emplois créés constatés par le conseiller à la fin du programme. Somme sur les projets où le "
            "chiffre est renseigné ; « non renseigné » si aucun ne l'est (jamais compté zéro).",
        ),
        KpiDefinition(
            "jobs_observed_12m",
            "Emplois constatés à 12 mois",
            "count",
            "constat",
            "Emplois constatés 12 mois après la fin du programme. Somme sur les projets où le chiffre est "
            "renseigné ; « non renseigné » si aucun ne l'est (jamais compté zéro).",
        ),
        KpiDefinition(
            "funding_requested",
            "Financements demandés",
            "euros",
            "dossiers",
            "Montants demandés dans les dossiers de financement déposés, accordés, versés ou refusés "
            "(les dossiers en préparation ne sont pas comptés).",
        ),
        KpiDefinition(
            "funding_granted",
            "Financements accordés",
            "euros",
            "dossiers",
            "Montants accordés par les financeurs, dossiers au statut « accordé » ou « versé ».",
        ),
        KpiDefinition(
            "funding_paid",
            "Financements versés",
            "euros",
            "dossiers",
            "Sommes effectivement versées à ce jour sur les dossiers accordés (versements partiels "
            "compris) ou soldés (« versé »), telles qu'enregistrées ; un dossier accordé sans versement "
            "renseigné compte pour zéro versé.",
        ),
        KpiDefinition(
            "success_rate",
            "Taux de succès des dossiers",
            "ratio",
            "dossiers",
            "Dossiers accordés (dont versés) sur dossiers décidés (accordés, versés ou refusés) ; les dossiers "
            "déposés en attente de décision ne comptent pas.",
        ),
        KpiDefinition(
            "investment",
            "Investissement prévu",
            "euros",
            "prévision",
            "Investissement annoncé par l'entreprise à la sélection du projet. Prévision.",
        ),
        KpiDefinition(
            "investment_committed",
            "Investissement engagé",
            "euros",
            "constat",
            "Investissement engagé (commandes signées, travaux lancés) enregistré par le conseiller. Somme "
            "sur les projets où il est renseigné ; « non renseigné » si aucun ne l'est.",
        ),
        KpiDefinition(
            "days_to_concretisation",
            "Délai sélection → concrétisation",
            "days",
            "délai",
            "Médiane, sur les projets qui ont achevé l'étape « Concrétisation », du nombre de jours entre la "
            "fin réelle de la sélection et la fin réelle de la concrétisation.",
        ),
    )
}

# Per-project columns summed as they are (missing = 0 is right for them: nothing asked is 0 € asked).
SUMMED: tuple[str, ...] = (
    "projects",
    "finished",
    "jobs",
    "investment",
    *FUNDING_COLUMNS,
    "applications_granted_unpaid",
)
# Per-project observations: summed only where recorded, NaN when nobody recorded them.
OBSERVED: tuple[str, ...] = ("jobs_observed_end", "jobs_observed_12m", "investment_committed")
# Sums of money: beyond the viewer's regions, only where `public.amount_grid` lets them.
AMOUNTS: list[str] = [key for key, d in DEFINITIONS.items() if d.kind == "euros"]


def format_value(value: float | None, kind: str, missing: str = NOT_RECORDED) -> str:
    """French text of a figure; `missing` for a missing one."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return missing
    if kind == "euros":
        return formats.euros(value)
    if kind == "ratio":
        return formats.percent(value)
    if kind == "days":
        return f"{formats.number(value)}\u00a0j"
    return formats.number(value)


def _aggregate(group: pd.DataFrame) -> pd.Series:
    out = {c: float(group[c].sum()) for c in SUMMED}
    for column in OBSERVED:
        recorded = group[column].notna()
        out[f"{column}_reported"] = int(recorded.sum())
        out[column] = float(group.loc[recorded, column].sum()) if recorded.any() else float("nan")
        # The forecast of the same projects: an observation is compared with like for like.
        if column.startswith("jobs"):
            out[f"{column}_planned"] = float(group.loc[recorded, "jobs"].sum())
    days = group["days_to_concretisation"].dropna()
    out["days_to_concretisation"] = float(days.median()) if len(days) else float("nan")
    out["days_to_concretisation_reported"] = len(days)
    decided = out["applications_granted"] + out["applications_refused"]
    out["success_rate"] = out["applications_granted"] / decided if decided else float("nan")
    return pd.Series(out)


def outcome_kpis(facts: pd.DataFrame, by: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Every figure of DEFINITIONS (and its recording counts) over the groups of `by`; `by=()` gives one
    row for the whole selection. Medians and rates are computed per group, never averaged."""
    if not by:
        return _aggregate(facts).to_frame().T.reset_index(drop=True)
    rows = [
        pd.concat(
            [pd.Series(dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))), _aggregate(g)]
        )
        for key, g in facts.groupby(list(by), sort=True)
    ]
    return pd.DataFrame(rows).reset_index(drop=True)


def outcome_kpis_by_region(facts: pd.DataFrame, region_order: list[str]) -> pd.DataFrame:
    """One row per region of `region_order`, in that order (a region without projects: zeros and NaN)."""
    table = outcome_kpis(facts, ("region",)).set_index("region").reindex(region_order)
    table[list(SUMMED)] = table[list(SUMMED)].fillna(0)
    return table.rename_axis("region").reset_index()


WITHHELD = "—"


def display(row: pd.Series, key: str) -> str:
    """The French text of one figure of a `outcome_kpis` row: « — » when withheld in public,
    « non renseigné » when nobody recorded it."""
    if bool(row.get(f"{key}_withheld", False)):
        return WITHHELD
    return DEFINITIONS[key].format(row[key])


def recorded_note(row: pd.Series, key: str) -> str | None:
    """How many projects an observed figure rests on, in French: « renseigné pour 4 projets sur 9
    terminés ou abandonnés (prévu pour ces projets : 52) »."""
    if key in ("jobs_observed_end", "jobs_observed_12m", "investment_committed"):
        reported = row.get(f"{key}_reported")
        if reported is None or pd.isna(reported):
            return None
        text = f"renseigné pour {formats.number(reported)} projet(s) sur {formats.number(row['finished'])} terminés ou abandonnés"
        if key == "investment_committed":
            text = (
                f"renseigné pour {formats.number(reported)} projet(s) sur {formats.number(row['projects'])}"
            )
        planned = row.get(f"{key}_planned")
        if planned is not None and pd.notna(planned) and reported:
            text += f" ; emplois prévus par ces projets : {formats.number(planned)}"
        return text
    if key == "days_to_concretisation":
        reported = row.get("days_to_concretisation_reported")
        return None if pd.isna(reported) else f"sur {formats.number(reported)} projet(s) concrétisé(s)"
    if key == "funding_paid":
        unpaid = row.get("applications_granted_unpaid")
        return (
            None
            if pd.isna(unpaid)
            else f"{formats.number(unpaid)} dossier(s) accordé(s) sans versement renseigné"
        )
    if key == "success_rate":
        granted, refused = row.get("applications_granted"), row.get("applications_refused")
        if pd.isna(granted) or pd.isna(refused):
            return None
        return f"{formats.number(granted)} accordé(s) sur {formats.number(granted + refused)} décidé(s)"
    return None


@dataclass(frozen=True)
class OutcomeView:
    total: pd.Series  # outcome_kpis of the selection
    previous: pd.Series | None  # the same for the previous edition (one edition selected), same filters
    previous_edition: int | None
    by_region: pd.DataFrame  # outcome_kpis_by_region of the selection


def outcome_view(
    facts: pd.DataFrame,
    filters,
    region_order: list[str],
    *,
    open_regions: frozenset[str] | None = None,
) -> OutcomeView:
    """The figures of a selection (`selection.Filters`), its previous edition and its regions side by side,
    as `public.shown_aggregates` lets a viewer who sees the detail of the regions `open_regions` see them
    (None: every region; empty: the public)."""

    grids: dict = {}

    def shown(table: pd.DataFrame, chosen: pd.DataFrame, selection=filters) -> pd.DataFrame:
        return shown_aggregates(table, facts, chosen, selection, AMOUNTS, open_regions, grids)

    chosen = facts[project_mask(facts, filters)]
    previous = previous_edition(sorted(facts["edition"].unique()), filters.edition)
    previous_total = None
    if previous is not None:
        before = facts[project_mask(facts, filters.with_edition(previous))]
        previous_total = shown(outcome_kpis(before), before, filters.with_edition(previous)).iloc[0]
    return OutcomeView(
        total=shown(outcome_kpis(chosen), chosen).iloc[0],
        previous=previous_total,
        previous_edition=previous,
        by_region=shown(outcome_kpis_by_region(chosen, region_order), chosen),
    )


def delta_text(value: float, previous: float | None, kind: str) -> str | None:
    """Signed French difference with the previous edition (points for a rate), None when either is missing."""
    if previous is None or pd.isna(previous) or pd.isna(value):
        return None
    diff = float(value) - float(previous)
    sign = "+" if diff >= 0 else "\u2212"
    if kind == "ratio":
        return f"{sign}{formats.number(abs(diff) * 100)} pts"
    return sign + format_value(abs(diff), kind)


LABELLED_COLUMNS: tuple[str, ...] = tuple(DEFINITIONS)
# The kinds a table column has no format for: a rate reads « 57,14 % » in Streamlit's « percent » and a
# delay has no unit. Shown, they read as on the cards (« 57 % », « 162 j »).
AS_TEXT_KINDS: frozenset[str] = frozenset({"ratio", "days"})


def labelled(table: pd.DataFrame, *, shown: bool = False) -> pd.DataFrame:
    """A by-region table under French headings, with how many projects each observation rests on.
    `shown`: the rates and delays as the cards write them (`display`), for the screen; the export keeps
    their numbers."""
    out = pd.DataFrame({"Région": table["region"], "Projets": table["projects"]})
    for key in LABELLED_COLUMNS:
        if shown and DEFINITIONS[key].kind in AS_TEXT_KINDS:
            out[DEFINITIONS[key].label] = [display(row, key) for _, row in table.iterrows()]
        else:
            out[DEFINITIONS[key].label] = table[key]
        if key in OBSERVED:
            out[f"{DEFINITIONS[key].label} : projets renseignés"] = table[f"{key}_reported"]
    return out.reset_index(drop=True)
