"""The rules of every field a coach edits, shared by the forms and the imports.

A rule takes the text of a spreadsheet cell (or a form value, turned into the same text by `as_text`)
and returns the stored value, or raises ValidationError with the French reason. The import prefixes the
reason with the file, line and column; a form with the field's label: the reason itself is the same,
so a value refused in one place is refused in the other with the same words.

    values = check(PROJECT_FIELDS, {"siren": "552 100 554", "target_jobs": 12})
    # FormError: « SIREN : SIREN invalide (clé de contrôle fausse) » ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reindus.errors import ValidationError
from reindus.ingest import checks, textfile
from reindus.reference import naf
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    CURRENT_STAGE_LABELS,
    DECIDED_STATUSES,
    FUNDING_STATUSES,
    GRANTED_STATUSES,
    PROJECT_STATUSES,
    STAGE_LABELS,
    FundingStatus,
)
from reindus.store.models import FUNDING_KINDS

MAX_JOBS = 100_000
MAX_INVESTMENT = 10_000_000_000
MAX_LINKS = 50
FUNDING_KIND_LABELS = {k: k[0].upper() + k[1:] for k in FUNDING_KINDS}


def as_text(value: Any) -> str:
    """A form value as the text a spreadsheet cell would hold, so that it meets the same rule."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- single values --------------------------------------------------------------------------------


def text(max_length: int) -> Callable[[str], str]:
    return lambda t: textfile.clean_text(t, max_length=max_length)


def edition(t: str) -> int:
    year = textfile.parse_int(t)
    if year is None or not 2015 <= year <= 2100:
        raise ValidationError("édition attendue : une année (ex. 2023)")
    return year


def target_jobs(t: str) -> int | None:
    return textfile.parse_int(t, maximum=MAX_JOBS)


def amount(t: str) -> float | None:
    return textfile.parse_amount(t, maximum=MAX_INVESTMENT)


def project_status(t: str) -> str:
    return textfile.parse_choice(t, PROJECT_STATUSES) or "en_cours"


def stage(t: str) -> str | None:
    return textfile.parse_choice(t, STAGE_LABELS)


def current_stage(t: str) -> str | None:
    """A stage of the programme, or « Programme terminé »."""
    return textfile.parse_choice(t, CURRENT_STAGE_LABELS)


def link_position(t: str) -> int | None:
    return textfile.parse_int(t, minimum=1, maximum=MAX_LINKS)


def tier(t: str) -> str | None:
    return textfile.parse_choice(t, CHAIN_POSITIONS)


def naf_codes(t: str) -> str:
    """`13.20Z, 1330Z;13.10Z` → `13.20Z,13.30Z,13.10Z`: sous-classes of NAF rév. 2 or of NAF 2025, each
    checked, duplicates dropped. Which nomenclature a link is in: `link_naf_version`."""
    codes = [naf.normalize_subclass(c)[0] for c in re.split(r"[,;\s]+", t.strip()) if c]
    return ",".join(dict.fromkeys(codes))


def naf_version(t: str) -> str | None:
    """« NAF rév. 2 » / « NAF 2025 » (or their keys)."""
    return textfile.parse_choice(t, naf.NAF_VERSIONS)


def link_naf_version(codes: str, version: str | None, default: str = naf.NAF_VERSION) -> str:
    """The nomenclature of a link's checked `codes`: `version` when given, and then every code must be
    one of its codes; otherwise the one its codes belong to (`default` without codes). A link is in one
    nomenclature: codes of both are refused (ValidationError, French reason)."""
    first: dict[str, str] = {}  # version → its first code
    for code in filter(None, codes.split(",")):
        first.setdefault(naf.version_of(code) or "", code)
    if len(first) > 1:
        listed = " ; ".join(f"{code} : {naf.NAF_VERSIONS.get(v, v)}" for v, code in first.items())
        raise ValidationError(
            f"codes de deux nomenclatures dans un même maillon ({listed}) : un maillon s'exprime dans une "
            "seule, NAF rév. 2 ou NAF 2025"
        )
    if version and first and version not in first:
        other, code = next(iter(first.items()))
        raise ValidationError(
            f"« {code} » est un code de la {naf.NAF_VERSIONS.get(other, other)}, or le maillon est en "
            f"{naf.NAF_VERSIONS[version]} : choisissez ses codes dans cette nomenclature"
        )
    return version or next(iter(first), default)


def funding_status(t: str) -> str | None:
    return textfile.parse_choice(t, FUNDING_STATUSES)


def funding_kind(t: str) -> str | None:
    return textfile.parse_choice(t, FUNDING_KIND_LABELS)


# --- fields ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A field as a form shows it: `label` is also the header the import reads (same wording)."""

    key: str
    label: str
    parse: Callable[[str], Any]
    required: bool = False
    default: Any = None


PROJECT_FIELDS: tuple[Field, ...] = (
    Field("name", "Projet", text(200), required=True),
    Field("siren", "SIREN", checks.check_siren),
    Field("departement", "Département", checks.check_departement, required=True),
    # the commune is resolved within the département: see check_project_commune
    Field("naf", "Secteur (NAF)", checks.check_naf, required=True),
    Field("edition", "Édition", edition, required=True),
    Field("cohort", "Cohorte", text(100)),
    Field("cohort_start", "Date de début", textfile.parse_date, required=True),
    Field("description", "Description", text(5000), default=""),
    Field("target_jobs", "Emplois prévus", target_jobs),
    Field("planned_investment", "Investissement (€)", amount),
    Field("status", "Statut", project_status, default="en_cours"),
    Field("public", "Public", textfile.parse_bool, default=False),
)
COMMUNE_LABEL = "Commune"
COACH_LABEL = "Conseiller"  # as the tables' column and the project page say

LINK_FIELDS: tuple[Field, ...] = (
    Field("position", "Maillon", link_position, required=True),
    Field("tier", "Niveau", tier, required=True),
    Field("label", "Libellé", text(200), required=True),
    Field("naf_codes", "Codes NAF", naf_codes, default=""),
    Field("naf_version", "Nomenclature NAF", naf_version),  # empty: the one of the codes
    Field("need", "Besoin", text(5000), default=""),
)

MILESTONE_FIELDS: tuple[Field, ...] = (
    Field("planned_start", "Début prévu", textfile.parse_date, required=True),
    Field("planned_end", "Fin prévue", textfile.parse_date, required=True),
    Field("actual_start", "Début réel", textfile.parse_date),
    Field("actual_end", "Fin réelle", textfile.parse_date),
)

APPLICATION_FIELDS: tuple[Field, ...] = (
    Field("amount_requested", "Montant demandé (€)", amount, required=True),
    Field("applied_on", "Date de dépôt", textfile.parse_date, required=True),
    Field("status", "Statut", funding_status, required=True),
    Field("decided_on", "Date de décision", textfile.parse_date),
    Field("amount_granted", "Montant accordé (€)", amount),
    Field("amount_paid", "Montant versé (€)", amount),
)
SCHEME_LABEL = "Dispositif"

SCHEME_FIELDS: tuple[Field, ...] = (
    Field("name", "Dispositif", text(200), required=True),
    Field("operator", "Opérateur", text(200), required=True),
    Field("kind", "Nature", funding_kind, required=True),
)

LABELS: dict[str, dict[str, str]] = {
    "projects": {
        **{f.key: f.label for f in PROJECT_FIELDS},
        "commune": COMMUNE_LABEL,
        "coach_id": COACH_LABEL,
        "region_code": "Région",
        "archived": "Archivé",
    },
    "chain_links": {f.key: f.label for f in LINK_FIELDS},
    "milestones": {f.key: f.label for f in MILESTONE_FIELDS},
    "funding_applications": {**{f.key: f.label for f in APPLICATION_FIELDS}, "scheme_id": SCHEME_LABEL},
    "funding_schemes": {f.key: f.label for f in SCHEME_FIELDS},
    "shortlist_entries": {
        "siret": "SIRET",
        "supplier_name": "Fournisseur",
        "supplier_commune": "Commune",
        "supplier_country": "Pays",
        "status": "Statut",
        "note": "Note",
    },
}


class FormError(ValidationError):
    """One or more fields refused: `errors` maps each field to its French reason."""

    def __init__(self, errors: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        lines = [f"{labels.get(k, k)} : {reason}" for k, reason in self.errors.items()]
        super().__init__("Vérifiez le formulaire — " + " ; ".join(lines), field=next(iter(self.errors)))


class Checked:
    """Collects the values and the reasons of one form's fields."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = dict(labels)
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def parse(self, field: Field, raw: Any) -> None:
        t = as_text(raw)
        if not t.strip():
            if field.required:
                self.errors[field.key] = "valeur obligatoire manquante"
            else:
                self.values[field.key] = field.default
            return
        try:
            self.values[field.key] = field.parse(t)
        except ValidationError as exc:
            self.errors[field.key] = exc.message

    def error(self, key: str, reason: str) -> None:
        self.errors.setdefault(key, reason)

    def ok(self, key: str) -> bool:
        return key not in self.errors and self.values.get(key) is not None

    def raise_if_any(self) -> dict[str, Any]:
        if self.errors:
            raise FormError(self.errors, self.labels)
        return self.values


def check(fields: tuple[Field, ...], values: Mapping[str, Any], *, partial: bool = False) -> Checked:
    """Every field of `fields` parsed from `values` (missing keys: the field is empty, or, with
    `partial`, left out)."""
    out = Checked({f.key: f.label for f in fields})
    for field in fields:
        if partial and field.key not in values:
            continue
        out.parse(field, values.get(field.key))
    return out


# --- rules across fields ------------------------------------------------------------------------


def cohort_start_reason(start: date | None, year: int | None) -> str | None:
    """A cohort starts within a year of its edition."""
    if start and year and not (year - 1 <= start.year <= year + 1):
        return f"date de début incohérente avec l'édition {year}"
    return None


def milestone_reasons(dates: Mapping[str, date | None], *, actual_start_known: bool = True) -> dict[str, str]:
    """Ends after starts, no real end without a real start (when the real start is known at all)."""
    reasons: dict[str, str] = {}
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if dates.get(start) and dates.get(end) and dates[end] < dates[start]:
            reasons[end] = f"fin antérieure au début ({dates[start]:%d/%m/%Y})"
    if dates.get("actual_end") and not dates.get("actual_start") and actual_start_known:
        reasons.setdefault("actual_start", "fin réelle sans début réel")
    return reasons


def application_reasons(v: Mapping[str, Any]) -> dict[str, str]:
    """What each funding status requires: a decision has its date (not before the filing), a grant its
    amount; an undecided or refused application has none of them.

    `amount_paid` is what was paid so far (migration 0005): grants are paid in instalments, so an
    « Accordé » application may carry a partial payment; « Versé » (paid, closed) requires it; it is
    never above the amount granted. The KPIs read it the same way (`kpi_definitions`, `metrics`)."""
    status = v.get("status")
    reasons: dict[str, str] = {}
    decided, granted, paid = v.get("decided_on"), v.get("amount_granted"), v.get("amount_paid")
    label = FUNDING_STATUSES.get(status, status)
    if status in DECIDED_STATUSES and decided is None:
        reasons["decided_on"] = f"date de décision obligatoire pour une demande « {label} »"
    if status not in DECIDED_STATUSES and decided is not None:
        reasons["decided_on"] = f"pas de date de décision pour une demande « {label} »"
    if decided and v.get("applied_on") and decided < v["applied_on"]:
        reasons["decided_on"] = f"décision antérieure au dépôt ({v['applied_on']:%d/%m/%Y})"
    if status in GRANTED_STATUSES and not granted:
        reasons["amount_granted"] = f"montant accordé obligatoire pour une demande « {label} »"
    if status not in GRANTED_STATUSES and granted:
        reasons["amount_granted"] = f"pas de montant accordé pour une demande « {label} »"
    if status == FundingStatus.PAID and not paid:
        reasons["amount_paid"] = "montant versé obligatoire pour une demande « Versé »"
    if status not in GRANTED_STATUSES and paid:
        reasons["amount_paid"] = (
            f"pas de montant versé pour une demande « {label} » (seulement « Accordé » ou « Versé »)"
        )
    if paid and granted and paid > granted:
        reasons["amount_paid"] = "montant versé supérieur au montant accordé"
    return reasons
