"""The choropleth builder, the plotly figures of « Industrie régionale » and the folium text escaping."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reindus.build import vendor
from reindus.figures import choropleth
from reindus.figures import industry as figs
from reindus.figures.leaflet_layers import GeoJsonLayer
from reindus.industry import indicators as ind
from reindus.text.safe import js_html_text

EVIL = "Filature <img src=x onerror=alert(1)> ${alert(2)} `x` \\ \"q\" 'a' & {b}"


def test_js_html_text_escapes_html_and_template_literal_characters():
    out = js_html_text(EVIL)
    for char in "<>\"'`${}\\":
        assert char not in out
    assert "&#36;&#123;alert(2)&#125;" in out and "&#96;x&#96;" in out and "&#92;" in out
    assert "&#38;" in out and "&#60;img" in out
    assert js_html_text("Café des Forges") == "Café des Forges"
    assert js_html_text("a\nb\u2028c") == "a b c"
    assert js_html_text(None) == ""
    assert js_html_text("&#36;") == "&#38;#36;"  # an entity in the data is shown, not decoded


STATS = pd.DataFrame(
    {
        "departement": ["76", "27", "14", "59", "75"],
        "naf_division": ["10"] * 5,
        "year": [2023] * 5,
        "establishments": [40, 10, 12, 20, 30],
        "jobs": [800, 500, 300, 2000, 900],
        "source": ["démo"] * 5,
        "definition": ["d"] * 5,
    }
)
POP = pd.Series({"76": 400_000, "27": 100_000, "14": 300_000, "59": 1_000_000, "75": 2_000_000})


@pytest.fixture
def dep():
    return ind.departement_indicators(STATS, POP)


def render(m) -> str:
    return m.get_root().render()


def test_choropleth_has_french_legend_outlines_and_escaped_tooltips(dep, new_store_regions):
    bounds = ind.class_breaks(dep["jobs"], "equal", 3)  # [300, 866.67, 1433.33, 2000]
    projects = pd.DataFrame({"label": [EVIL], "stage": ["sourcing"], "longitude": [1.1], "latitude": [49.4]})
    m = choropleth.choropleth_map(
        dep,
        "jobs",
        bounds,
        source_line="Source : démo, 2023",
        regions=new_store_regions,
        departements=["76", "27", "14", "59", "75", "61"],
        projects=projects,
    )
    page = render(m)
    assert "de 300 à 867" in page.replace("\u202f", " ") and "de 1\u202f433 à 2\u202f000" in page
    assert (
        "Source : démo, 2023" in page
        and "Régions du programme" in page
        and "Sourcing des partenaires" in page
    )
    outlines = next(
        c
        for c in m._children.values()
        if isinstance(c, GeoJsonLayer) and c.layer_name == "Régions du programme"
    )
    assert {
        f["properties"]["code"]: f["properties"]["style"]["color"] for f in outlines.data["features"]
    } == {r.code: r.colour for r in new_store_regions}
    assert "tileLayer" not in page  # no tile layer: readable offline
    # the project name reaches the JS only as numeric entities
    assert "${alert" not in page and "<img src=x" not in page
    assert "&#36;&#123;alert(2)&#125;" in page.replace("\\u0026", "&")  # JSON writes & as \u0026
    # GeoJSON tooltip properties: html-escaped, with value, rank and comparison to the region
    layer = next(
        c for c in m._children.values() if isinstance(c, GeoJsonLayer) and c.layer_name == "Départements"
    )
    features = layer.data["features"]
    props = {f["properties"]["nom"]: f["properties"] for f in features}
    rouen = props["76 – Seine-Maritime"]
    assert rouen["valeur"] == "800 salariés" and rouen["rang"] == "3ᵉ sur 5 départements"
    assert (
        rouen["comparaison"].startswith("+")
        and "moyenne des départements de la région" in rouen["comparaison"]
    )
    assert props["61 – Orne"]["valeur"] == "pas de donnée"
    assert "Pas de donnée" in page


def test_map_assets_are_served_by_the_app(dep, new_store_regions):
    m = choropleth.choropleth_map(
        dep,
        "jobs",
        ind.class_breaks(dep["jobs"]),
        source_line="Source : démo, 2023",
        regions=new_store_regions,
    )
    page = render(m)
    assert f'<script src="{vendor.MAP_JS[0][1]}">' in page and vendor.MAP_JS[0][1].startswith(
        "/app/static/vendor/"
    )
    assert "https://" not in page.replace("https://www.w3.org", "")
    assert "jquery" not in page and "bootstrap" not in page


def test_class_labels_and_signed_percent_are_french():
    assert choropleth.class_labels([0, 1234.5, 10_000], 1) == [
        "de 0,0 à 1\u202f234,5",
        "de 1\u202f234,5 à 10\u202f000,0",
    ]
    assert choropleth.signed_percent(0.123) == "+12\u00a0%"
    assert choropleth.signed_percent(float("nan")) == "—"


def test_plotly_figures_say_source_and_use_region_names(dep, new_store_regions):
    regions = new_store_regions
    reg = ind.region_indicators(dep)
    fig = figs.region_totals_figure(reg, "jobs", "Source : démo, 2023", regions)
    assert "Source : démo, 2023" in fig.layout.title.text
    assert list(fig.data[0].x) == ["Normandie", "Île-de-France", "Hauts-de-France", "Bourgogne-Franche-Comté"]
    assert list(fig.data[0].marker.color) == ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    shares = ind.division_shares(STATS, by="region", within=regions.codes)
    structure = figs.division_structure_figure(shares, "Source : démo, 2023", regions)
    assert structure.data[0].name == "Industries alimentaires"
    history = pd.concat([STATS, STATS.assign(year=2022)])
    evo = figs.evolution_figure(
        ind.region_evolution(history, POP, regions.codes), "jobs", "Source : démo, 2022–2023", regions
    )
    assert {t.name for t in evo.data} >= {"Normandie", "Hauts-de-France"}
    events = pd.DataFrame(
        {
            "region_code": ["28", "28"],
            "period": ["2023-S1", "2023-S2"],
            "openings": [3, 4],
            "closures": [1, 2],
            "measure": ["annonces"] * 2,
            "source": ["démo"] * 2,
        }
    )
    ev = figs.site_events_figure(events, "Source : démo — mesure : annonces", regions)
    assert list(ev.data[1].y) == [-1, -2] and list(ev.data[0].x) == ["2023 S1", "2023 S2"]


@given(st.lists(st.text(alphabet=st.sampled_from("ab&<${}`\\\n\ue000é")), max_size=30))
def test_escaping_many_texts_at_once_equals_escaping_each(texts):
    from reindus.text.safe import js_html_texts

    assert js_html_texts(texts, empty="∅") == [js_html_text(t) if t else "∅" for t in texts]
