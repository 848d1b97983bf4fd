"""The operational database: declarative models (SQLAlchemy 2, typed `Mapped[...]`).

Every table that holds data rows has a `source` (« démo », « import:fichier.xlsx », « saisie » ...).
Tables edited from the app also have `version` (starts at 1, +1 on each saved change) and UTC
`created_at` / `updated_at`; saves go through `repository.update_versioned`, which refuses a change made
on an outdated version (lost updates across reruns).

The schema itself is created by the Alembic migration in `store/migrations` (`db.init_schema`), never
by `metadata.create_all`; a test checks that the two agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from reindus.reference.naf import NAF_VERSION, NAF_VERSIONS
from reindus.reference.palette import REGION_PALETTE
from reindus.reference.programme import (
    CHAIN_POSITIONS,
    FUNDING_STATUSES,
    PROJECT_STATUSES,
    SHORTLIST_STATUSES,
    STAGE_KEYS,
    STAGE_LABELS,
    FundingStatus,
    ProjectStatus,
    ShortlistStatus,
)
from reindus.reference.territory import regions
from reindus.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)
FUNDING_KINDS: tuple[str, ...] = ("subvention", "prêt", "avance remboursable", "crédit d'impôt")
AUDIT_ACTIONS: tuple[str, ...] = ("insert", "update", "delete", "import")
# Keys of reindus.auth.Role that can be granted (the anonymous view is what everyone else gets).
USER_ROLES: tuple[str, ...] = ("administrateur", "presidence", "conseiller")


def _in(column: str, values, *, nullable: bool = False) -> str:
    """SQL text of `column IN ('a', 'b')`, for CHECK constraints."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    sql = f"{column} IN ({quoted})"
    return f"{column} IS NULL OR {sql}" if nullable else sql


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    # French wording, used in the « Données » inventory and in error messages.
    table_label: ClassVar[str] = ""  # plural, as a heading: « Projets »
    row_noun: ClassVar[str] = ""  # singular with its article: « le projet », « l'étape »
    row_feminine: ClassVar[bool] = False
    # Columns restricted to a vocabulary: column -> allowed keys (checked in Python and by the database).
    column_choices: ClassVar[dict[str, tuple[str, ...]]] = {}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-10)

    def display_name(self) -> str:
        """How the row is named in a message: « Filature du Vexin », or « n° 12 »."""
        return f"n° {self.id}"


class SourceMixin:
    # Where the row comes from: « démo », « import:fichier.xlsx », « saisie » ...
    source: Mapped[str] = mapped_column(String(200), sort_order=10)


class VersionedMixin(SourceMixin):
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"), sort_order=11)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=text("CURRENT_TIMESTAMP"), sort_order=12
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(),
        default=utcnow,
        onupdate=utcnow,
        server_default=text("CURRENT_TIMESTAMP"),
        sort_order=13,
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # Inside one Session the ORM also checks and bumps `version` on flush; across sessions (every
        # Streamlit rerun) use repository.update_versioned with the version that was shown.
        return {"version_id_col": cls.__table__.c.version}


class ProgrammeRegion(VersionedMixin, Base):
    """A region taking part in the accelerator: its INSEE code, its CCI and its colour on every chart and
    map. The list is data (`reindus regions add|remove`); a new store starts with the four pilots of 2023."""

    __tablename__ = "programme_regions"
    __table_args__ = (CheckConstraint(_in("colour", REGION_PALETTE), name="colour"),)
    table_label = "Régions du programme"
    row_noun = "la région"
    row_feminine = True
    column_choices = {"colour": REGION_PALETTE}

    code: Mapped[str] = mapped_column(String(3), unique=True)  # INSEE region code: « 28 » is Normandie
    cci: Mapped[str] = mapped_column(String(200))  # « CCI Normandie »
    colour: Mapped[str] = mapped_column(String(7))  # from reference.palette.REGION_PALETTE

    def display_name(self) -> str:
        return f"« {regions().get(self.code, self.code)} » ({self.code})"


class Coach(VersionedMixin, Base):
    __tablename__ = "coaches"
    table_label = "Conseillers"
    row_noun = "le conseiller"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    cci: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(3))

    projects: Mapped[list[Project]] = relationship(back_populates="coach", passive_deletes="all")

    def display_name(self) -> str:
        return f"« {self.name} »"


class Project(VersionedMixin, Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("name", "edition"),
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint("siren IS NULL OR length(siren) = 9", name="siren_length"),
        CheckConstraint("jobs_observed_end IS NULL OR jobs_observed_end >= 0", name="jobs_observed_end"),
        CheckConstraint("jobs_observed_12m IS NULL OR jobs_observed_12m >= 0", name="jobs_observed_12m"),
        CheckConstraint(
            "committed_investment IS NULL OR committed_investment >= 0", name="committed_investment"
        ),
        Index(None, "region_code"),
        Index(None, "coach_id"),
    )
    table_label = "Projets"
    row_noun = "le projet"
    column_choices = {"status": tuple(PROJECT_STATUSES)}

    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9))
    commune: Mapped[str] = mapped_column(String(5))  # INSEE code (COG), not the postal code
    departement: Mapped[str] = mapped_column(String(3))
    region_code: Mapped[str] = mapped_column(String(3))
    naf: Mapped[str] = mapped_column(String(6))  # dotted form, « 13.20Z »
    naf_version: Mapped[str] = mapped_column(String(20), default=NAF_VERSION, server_default=NAF_VERSION)
    edition: Mapped[int] = mapped_column(Integer)  # year of the accelerator's edition
    cohort: Mapped[str] = mapped_column(String(100))  # « 2023-Normandie »
    cohort_start: Mapped[date] = mapped_column(Date)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("coaches.id"))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    target_jobs: Mapped[int | None] = mapped_column(Integer)
    planned_investment: Mapped[Decimal | None] = mapped_column(Money)  # euros
    status: Mapped[str] = mapped_column(
        String(20), default=ProjectStatus.IN_PROGRESS.value, server_default=ProjectStatus.IN_PROGRESS.value
    )
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # name may be shown
    # Observed outcomes (migration 0005), recorded later than the forecasts above and never mixed with them;
    # NULL means « non renseigné », not zero.
    jobs_observed_end: Mapped[int | None] = mapped_column(Integer)  # at the end of the programme
    jobs_observed_12m: Mapped[int | None] = mapped_column(Integer)  # 12 months after the end
    committed_investment: Mapped[Decimal | None] = mapped_column(Money)  # euros, signed orders
    # Archived projects leave every view and figure but keep their rows and history (never deleted
    # from the app); archiving is a versioned, audited change like any other.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    coach: Mapped[Coach | None] = relationship(back_populates="projects")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    chain_links: Mapped[list[ChainLink]] = relationship(
        back_populates="project", passive_deletes="all", order_by="ChainLink.position"
    )
    funding_applications: Mapped[list[FundingApplication]] = relationship(
        back_populates="project", passive_deletes="all"
    )

    def display_name(self) -> str:
        return f"« {self.name} »"


class Milestone(VersionedMixin, Base):
    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("project_id", "stage"),
        CheckConstraint(_in("stage", STAGE_KEYS), name="stage"),
    )
    table_label = "Étapes des projets"
    row_noun = "l'étape"
    row_feminine = True
    column_choices = {"stage": STAGE_KEYS}

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(30))  # key of programme.STAGES
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_end: Mapped[date | None] = mapped_column(Date)

    project: Mapped[Project] = relationship(back_populates="milestones")

    def display_name(self) -> str:
        return f"« {STAGE_LABELS.get(self.stage, self.stage)} » (projet n° {self.project_id})"


class ChainLink(VersionedMixin, Base):
    __tablename__ = "chain_links"
    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint(_in("tier", CHAIN_POSITIONS), name="tier"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint(_in("naf_version", NAF_VERSIONS), name="naf_version"),
    )
    table_label = "Maillons des chaînes de valeur"
    row_noun = "le maillon"
    column_choices = {"tier": tuple(CHAIN_POSITIONS), "naf_version": tuple(NAF_VERSIONS)}

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    position: Mapped[int] = mapped_column(Integer)  # 1 = raw material (upstream) ... distribution
    tier: Mapped[str] = mapped_column(String(30))  # key of programme.CHAIN_POSITIONS
    label: Mapped[str] = mapped_column(String(200))
    naf_codes: Mapped[str] = mapped_column(String(500), default="", server_default="")  # « 13.20Z,13.30Z »
    # The nomenclature of every code of `naf_codes`: NAF rév. 2 (« 13.20Z ») or NAF 2025 (« 13.20Y »).
    naf_version: Mapped[str] = mapped_column(String(20), default=NAF_VERSION, server_default=NAF_VERSION)
    need: Mapped[str] = mapped_column(Text, default="", server_default="")

    project: Mapped[Project] = relationship(back_populates="chain_links")
    shortlist: Mapped[list[ShortlistEntry]] = relationship(back_populates="link", passive_deletes="all")

    def display_name(self) -> str:
        return f"« {self.label} »"

    @property
    def naf_list(self) -> list[str]:
        return [c.strip() for c in self.naf_codes.split(",") if c.strip()]


class ShortlistEntry(VersionedMixin, Base):
    __tablename__ = "shortlist_entries"
    __table_args__ = (
        UniqueConstraint("link_id", "siret"),
        CheckConstraint(_in("status", SHORTLIST_STATUSES), name="status"),
        CheckConstraint("siret IS NULL OR length(siret) = 14", name="siret_length"),
        CheckConstraint("length(supplier_country) = 2", name="country_alpha2"),
    )
    table_label = "Fournisseurs présélectionnés"
    row_noun = "le fournisseur présélectionné"
    column_choices = {"status": tuple(SHORTLIST_STATUSES)}

    link_id: Mapped[int] = mapped_column(ForeignKey("chain_links.id"))
    siret: Mapped[str | None] = mapped_column(String(14))  # foreign suppliers have none
    supplier_name: Mapped[str] = mapped_column(String(300))
    supplier_commune: Mapped[str | None] = mapped_column(String(5))
    supplier_departement: Mapped[str | None] = mapped_column(String(3))
    supplier_region_code: Mapped[str | None] = mapped_column(String(3))
    supplier_country: Mapped[str] = mapped_column(String(2), default="FR", server_default="FR")
    status: Mapped[str] = mapped_column(
        String(20), default=ShortlistStatus.IDENTIFIED.value, server_default=ShortlistStatus.IDENTIFIED.value
    )
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    link: Mapped[ChainLink] = relationship(back_populates="shortlist")

    def display_name(self) -> str:
        return f"« {self.supplier_name} »"


# A supplier established abroad has no SIRET: the same name twice on one link is the same supplier
# (the page checks first; this settles two coaches adding it at the same instant).
Index(
    "uq_shortlist_entries_foreign_supplier",
    ShortlistEntry.link_id,
    func.lower(ShortlistEntry.supplier_name),
    unique=True,
    sqlite_where=ShortlistEntry.siret.is_(None),
    postgresql_where=ShortlistEntry.siret.is_(None),
)


class FundingScheme(VersionedMixin, Base):
    __tablename__ = "funding_schemes"
    __table_args__ = (CheckConstraint(_in("kind", FUNDING_KINDS), name="kind"),)
    table_label = "Dispositifs de financement"
    row_noun = "le dispositif"
    column_choices = {"kind": FUNDING_KINDS}

    name: Mapped[str] = mapped_column(String(200), unique=True)
    operator: Mapped[str] = mapped_column(String(200))  # « Bpifrance », « Région Normandie »
    kind: Mapped[str] = mapped_column(String(30))

    applications: Mapped[list[FundingApplication]] = relationship(
        back_populates="scheme", passive_deletes="all"
    )

    def display_name(self) -> str:
        return f"« {self.name} »"


class FundingApplication(VersionedMixin, Base):
    __tablename__ = "funding_applications"
    __table_args__ = (
        CheckConstraint(_in("status", FUNDING_STATUSES), name="status"),
        CheckConstraint("amount_paid IS NULL OR amount_paid >= 0", name="amount_paid"),
        Index(None, "project_id"),
        Index(None, "scheme_id"),
    )
    table_label = "Demandes de financement"
    row_noun = "la demande de financement"
    row_feminine = True
    column_choices = {"status": tuple(FUNDING_STATUSES)}

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("funding_schemes.id"))
    amount_requested: Mapped[Decimal] = mapped_column(Money)
    amount_granted: Mapped[Decimal | None] = mapped_column(Money)
    amount_paid: Mapped[Decimal | None] = mapped_column(Money)  # paid out so far (migration 0005)
    status: Mapped[str] = mapped_column(
        String(20), default=FundingStatus.PREPARING.value, server_default=FundingStatus.PREPARING.value
    )
    applied_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)

    project: Mapped[Project] = relationship(back_populates="funding_applications")
    scheme: Mapped[FundingScheme] = relationship(back_populates="applications")


class IndustryStat(SourceMixin, Base):
    """Establishments and jobs per département × NAF division × year, as one source defines them."""

    __tablename__ = "industry_stats"
    __table_args__ = (UniqueConstraint("departement", "naf_division", "year", "source"),)
    table_label = "Statistiques industrielles"
    row_noun = "la statistique"
    row_feminine = True

    departement: Mapped[str] = mapped_column(String(3))
    naf_division: Mapped[str] = mapped_column(String(2))  # « 10 » .. « 33 »
    year: Mapped[int] = mapped_column(Integer)
    establishments: Mapped[int] = mapped_column(Integer)
    jobs: Mapped[int] = mapped_column(Integer)
    # What is counted, in words: « URSSAF établissements employeurs, effectifs salariés au 31/12 ».
    definition: Mapped[str] = mapped_column(String(500))


class SiteEvent(SourceMixin, Base):
    """Industrial site openings and closures per region and half-year, as one source measures them."""

    __tablename__ = "site_events"
    __table_args__ = (UniqueConstraint("region_code", "period", "measure", "source"),)
    table_label = "Ouvertures et fermetures de sites"
    row_noun = "le relevé d'ouvertures et fermetures"

    region_code: Mapped[str] = mapped_column(String(3))
    period: Mapped[str] = mapped_column(String(10))  # « 2023-S1 »
    openings: Mapped[int] = mapped_column(Integer)
    closures: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(200))  # « ouvertures effectives », « annonces » ...


class User(VersionedMixin, Base):
    """Who may sign in, with which role, for which regions (CCI), keyed by the verified email claim."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)
    table_label = "Utilisateurs"
    row_noun = "l'utilisateur"
    column_choices = {"role": USER_ROLES}

    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20))
    # Region codes (COG) separated by commas, « 28 » or « 28,11 »; empty for roles that are not regional.
    regions: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def display_name(self) -> str:
        return f"« {self.email} »"


class AuditEntry(Base):
    """One change: who, when, what table and row, the values before and after (JSON text)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),
        Index(None, "at"),
        Index(None, "table_name", "row_key"),
    )
    table_label = "Journal des modifications"
    row_noun = "l'entrée du journal"
    row_feminine = True
    column_choices = {"action": AUDIT_ACTIONS}

    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class StoreVersion(Base):
    """The store's change counter (one row): raised by every committed change (`reindus.store.version`)."""

    __tablename__ = "store_version"
    table_label = "Version de la base"
    row_noun = "la version de la base"

    version: Mapped[int] = mapped_column(BigInteger, default=0)


MODELS: tuple[type[Base], ...] = (
    ProgrammeRegion,
    Coach,
    Project,
    Milestone,
    ChainLink,
    ShortlistEntry,
    FundingScheme,
    FundingApplication,
    IndustryStat,
    SiteEvent,
    User,
    AuditEntry,
)
MODEL_BY_TABLE: dict[str, type[Base]] = {m.__tablename__: m for m in MODELS}
TABLE_LABELS: dict[str, str] = {m.__tablename__: m.table_label for m in MODELS}


def is_versioned(model: type[Base]) -> bool:
    return issubclass(model, VersionedMixin)
