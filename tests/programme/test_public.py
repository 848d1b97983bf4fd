"""The server-side rule of atelier mode, without a browser: public functions never return a confidential
field, and no confidential value of the demo store appears in what they return."""

import pandas as pd
import pytest

from reindus.programme import metrics, public
from reindus.programme.data import load_programme
from reindus.programme.selection import Filters
from reindus.sourcing import candidates, coverage
from reindus.store.db import make_engine


@pytest.fixture(scope="module")
def programme(demo_home):
    return load_programme(make_engine(f"sqlite:///{demo_home / 'reindus.sqlite'}"))


def confidential_values(data) -> set[str]:
    """Every confidential value in the store, as text: what must never be shown in public."""
    values: set[str] = set()
    p = data.projects
    values |= set(p["coach"].dropna())
    values |= {f"{v:.2f}" for v in p["planned_investment"].dropna()}
    # a name is secret unless some edition's project of that name is public
    values |= set(p.loc[~p["public"], "name"]) - set(p.loc[p["public"], "name"])
    values |= set(p["siren"].dropna())
    sl = data.shortlist
    values |= set(sl["siret"].dropna()) | set(sl["supplier_name"]) | {n for n in sl["note"] if n}
    apps = data.applications
    values |= {f"{v:.2f}" for v in pd.concat([apps["amount_requested"], apps["amount_granted"]]).dropna()}
    return values


def rendered(frame: pd.DataFrame) -> set[str]:
    text = frame.astype(object).where(frame.notna(), None)
    cells = set()
    for column in text.columns:
        for value in text[column]:
            if isinstance(value, float):
                cells.add(f"{value:.2f}")
            elif value is not None:
                cells.add(str(value))
    return cells


def test_public_programme_has_no_confidential_column_or_value(programme):
    secret = confidential_values(programme)
    assert len(secret) > 1000  # the demo has plenty to hide: the test would catch a leak
    shown = public.public_programme(programme)
    for frame in (shown.projects, shown.milestones, shown.links, shown.shortlist, shown.applications):
        assert not set(frame.columns) & public.CONFIDENTIAL_COLUMNS
        leaked = rendered(frame) & secret
        assert not leaked, sorted(leaked)[:5]


def test_only_public_projects_keep_their_names(programme):
    shown = public.public_programme(programme).projects
    public_names = set(programme.projects.loc[programme.projects["public"], "name"])
    assert "MIJUIN" in public_names
    assert set(shown["name"]) & public_names == public_names
    hidden = shown[~shown["public"]]
    assert len(hidden) > 0
    assert hidden["name"].str.fullmatch(r"Projet n° \d+ \(non public\)").all()
    assert (hidden["description"] == "").all()


def test_public_facts_drop_per_company_amounts(programme):
    facts = metrics.project_facts(programme)
    shown = public.public_facts(facts, programme.projects)
    assert {"investment", "funding_granted", "coach"} <= set(facts.columns)
    assert not set(shown.columns) & public.CONFIDENTIAL_COLUMNS
    assert shown["jobs"].sum() == facts["jobs"].sum()


def test_aggregates_over_too_few_projects_are_suppressed():
    table = pd.DataFrame(
        {
            "region": ["Normandie", "Île-de-France"],
            "projects": [5, 2],
            "jobs": [40, 12],
            "share_in_region": [0.5, 1.0],
        }
    )
    facts = pd.DataFrame({"project_id": range(7), "region": ["Normandie"] * 5 + ["Île-de-France"] * 2})
    out = public.shown_aggregates(table, facts, facts, Filters(), (), frozenset())
    assert out.loc[0, "jobs"] == 40 and out.loc[0, "share_in_region"] == 0.5
    assert out.loc[1, ["projects", "jobs", "share_in_region"]].isna().all()
    assert out.loc[1, "region"] == "Île-de-France" and out.loc[1, "jobs_withheld"]
    assert public.shown_aggregates(table, facts, facts, Filters(), (), None) is table  # every region open


# --- per viewer: the same rule, region by region (reindus.auth.Scope) ---------------------------------

from reindus.auth import ANONYMOUS_SCOPE, Role, Scope  # noqa: E402

COACH_28 = Scope(Role.CONSEILLER, frozenset({"28"}))
COACH_11 = Scope(Role.CONSEILLER, frozenset({"11"}))


def test_administrateur_and_presidence_see_everything(programme):
    for role in (Role.ADMIN, Role.PRESIDENCE):
        assert public.scoped_programme(programme, Scope(role)) is programme


def test_anonymous_scope_is_the_public_view(programme):
    shown = public.scoped_programme(programme, ANONYMOUS_SCOPE)
    assert not set(shown.projects.columns) & public.CONFIDENTIAL_COLUMNS


def test_a_coach_sees_the_detail_of_their_region_only(programme):
    shown = public.scoped_programme(programme, COACH_28)
    own = shown.projects["region_code"] == "28"
    assert own.any() and (~own).any()
    # own region: every value as stored
    pd.testing.assert_frame_equal(
        shown.projects[own].reset_index(drop=True),
        programme.projects[own].reset_index(drop=True),
        check_dtype=False,
    )
    # other regions: no confidential value at all
    others = programme.projects[~own]
    secret = {str(v) for v in others["coach"].dropna()} | set(others["siren"].dropna())
    secret |= set(others.loc[~others["public"], "name"]) - set(
        programme.projects.loc[programme.projects["public"], "name"]
    )
    assert not rendered(shown.projects[~own].drop(columns=["id", "version"])) & secret
    assert shown.projects.loc[~own, "planned_investment"].isna().all()
    other_ids = set(others["id"])
    rows = shown.applications[shown.applications["project_id"].isin(other_ids)]
    confidential = [c for c in rows.columns if c in public.CONFIDENTIAL_COLUMNS]
    assert len(rows) and rows[confidential].isna().all().all()
    # shortlists: their own projects' entries as stored, none of the others'
    mine = programme.shortlist[~programme.shortlist["project_id"].isin(other_ids)]
    pd.testing.assert_frame_equal(shown.shortlist.reset_index(drop=True), mine.reset_index(drop=True))
    withheld = shown.links.set_index("project_id")[coverage.WITHHELD]
    assert (
        withheld[withheld.index.isin(other_ids)].all() and not withheld[~withheld.index.isin(other_ids)].any()
    )


def test_public_view_keeps_whether_each_link_is_covered_but_no_shortlist(programme):
    """The Chaîne and Pitch pages showed « 3 identifiés · 1 retenu » per link to the public: a shortlist
    in figures. What stays is the coverage, worked out from the whole shortlist on the server."""
    shown = public.public_programme(programme)
    assert len(programme.shortlist) > 1000 and shown.shortlist.empty
    links = shown.links.set_index("id")
    assert links[coverage.WITHHELD].all()
    assert set(links.index[links[coverage.COVERED]]) == set(coverage.covered_links(programme.shortlist))
    # covered in the project's region: what the chain page calls « Qualifié en région » (no « Lacune »)
    full = programme.projects.set_index("id")
    for project_id in programme.projects["id"].head(20):
        own = programme.links[programme.links["project_id"] == project_id]
        region = full.at[project_id, "region_code"]
        truth = candidates.coverage(own, programme.shortlist, {}, region).set_index("link_id")
        seen = candidates.coverage(
            shown.links[shown.links["project_id"] == project_id], shown.shortlist, {}, region
        )
        seen = seen.set_index("link_id")
        assert seen["gap"].equals(truth["gap"])
        assert seen[["shortlisted", "qualified", "regional_qualified"]].isna().all().all()
        assert seen["furthest_label"].isna().all()
        counts = coverage.link_suppliers(
            shown.links[shown.links["project_id"] == project_id], shown.shortlist
        )
        assert counts[list(coverage.SUPPLIER_COUNT_COLUMNS)].isna().all().all()
        assert counts["covered"].equals(coverage.supplier_counts(programme.shortlist, own["id"])["covered"])


def test_public_facts_carry_no_count_of_shortlist_entries(programme):
    facts = metrics.project_facts(programme)
    assert facts["suppliers_retained"].sum() > 0
    for shown in (
        public.public_facts(facts, programme.projects),
        public.scoped_facts(facts, programme.projects, ANONYMOUS_SCOPE),
    ):
        assert not {"suppliers_identified", "suppliers_retained", "retained_in_region"} & set(shown.columns)
        assert shown["links_covered"].equals(facts["links_covered"])  # coverage stays
    coach = public.scoped_facts(facts, programme.projects, COACH_11)
    others = coach["region_code"] != "11"
    assert coach.loc[others, "suppliers_retained"].isna().all()
    assert (coach.loc[~others, "suppliers_retained"] == facts.loc[~others, "suppliers_retained"]).all()


def test_coaches_of_two_regions_see_each_other_only_in_public(programme):
    a = public.scoped_programme(programme, COACH_28).projects.set_index("id")
    b = public.scoped_programme(programme, COACH_11).projects.set_index("id")
    normandie = a.index[a["region_code"] == "28"]
    assert a.loc[normandie, "planned_investment"].notna().any()
    assert b.loc[normandie, "planned_investment"].isna().all()


def test_scoped_facts_follow_the_same_rule(programme):
    facts = metrics.project_facts(programme)
    shown = public.scoped_facts(facts, programme.projects, COACH_11)
    own = shown["region_code"] == "11"
    assert shown.loc[~own, ["coach", "investment"]].isna().all().all()
    assert shown.loc[own, "investment"].equals(facts.loc[own, "investment"])
    assert public.scoped_facts(facts, programme.projects, Scope(Role.PRESIDENCE)) is facts
