"""The département choropleth (folium): data in, `folium.Map` out, no Streamlit.

No tile layer: the départements and region outlines come from data/ (geo.py), so the map reads without
internet: Leaflet is served by the app itself (`reindus.build.vendor`). Text from data reaches the map two ways,
both escaped: GeoJSON properties shown by `GeoJsonLayer`'s tooltip (built with innerHTML:
`html.escape`), and marker tooltips, which folium writes into JS template literals (`safe_text`).
"""

from __future__ import annotations

import html

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from reindus.build import vendor
from reindus.figures.leaflet_layers import CircleMarkers, GeoJsonLayer, programme_region_outlines
from reindus.industry.indicators import INDICATORS, classify, gap, region_reference, region_reference_label
from reindus.programme.regions import ProgrammeRegions
from reindus.programme.stages import stage_label
from reindus.reference import geo
from reindus.reference.programme import FINISHED_STAGE, STAGE_KEYS
from reindus.text import formats
from reindus.text.safe import js_html_text, js_html_texts

# Sequential greys: the coloured outlines of the programme's regions and the project points stay readable on
# every class, for the common colour-vision deficiencies too.
PALETTES: dict[int, tuple[str, ...]] = {
    1: ("#969696",),
    2: ("#d9d9d9", "#737373"),
    3: ("#e5e5e5", "#a3a3a3", "#525252"),
    4: ("#f0f0f0", "#bdbdbd", "#858585", "#424242"),
    5: ("#f5f5f5", "#d0d0d0", "#a6a6a6", "#737373", "#3d3d3d"),
    6: ("#f7f7f7", "#d9d9d9", "#bdbdbd", "#969696", "#6b6b6b", "#3a3a3a"),
    7: ("#f7f7f7", "#e0e0e0", "#c6c6c6", "#a3a3a3", "#808080", "#5c5c5c", "#333333"),
}
NO_DATA_COLOUR = "#ffffff"
# Stage colours (Okabe–Ito order, then greys): one per stage of the programme, « Programme terminé » last.
STAGE_COLOURS: dict[str, str] = dict(
    zip(
        [*STAGE_KEYS, FINISHED_STAGE],
        ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#ffffff"],
        strict=True,
    )
)


def class_colours(n_classes: int) -> tuple[str, ...]:
    if n_classes <= 0:
        return ()
    return PALETTES[min(max(n_classes, 1), max(PALETTES))][:n_classes]


def class_labels(bounds: list[float], digits: int = 0) -> list[str]:
    """« de 1 234 à 5 678 » for each class, in French number format."""
    return [
        f"de {formats.number(lo, digits)} à {formats.number(hi, digits)}"
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def format_value(value, digits: int) -> str:
    return "—" if value is None or pd.isna(value) else formats.number(value, digits)


def signed_percent(ratio: float) -> str:
    if ratio is None or pd.isna(ratio):
        return "—"
    return ("+" if ratio > 0 else "") + formats.percent(ratio)


def _tooltip_rows(dep: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """The texts of each département's tooltip (not yet escaped)."""
    spec = INDICATORS[indicator]
    reference = region_reference(dep, indicator)
    total = int(dep[indicator].notna().sum())
    out = pd.DataFrame({"code": dep["code"]})
    out["nom"] = dep["code"] + " – " + dep["name"]
    out["region"] = dep["region"].fillna("")
    out["valeur"] = [
        f"{format_value(v, spec.digits)} {spec.short}" if pd.notna(v) else "pas de donnée"
        for v in dep[indicator]
    ]
    out["rang"] = [
        f"{int(r)}ᵉ sur {total} départements" if pd.notna(r) else "—" for r in dep[f"rank_{indicator}"]
    ]
    comparisons = []
    for code, value in zip(dep["code"], dep[indicator], strict=True):
        ref = reference.get(code)
        _, pct = gap(value, ref)
        comparisons.append(
            f"{signed_percent(pct)} par rapport à la {region_reference_label(indicator)} "
            f"({format_value(ref, spec.digits)})"
        )
    out["comparaison"] = comparisons
    return out


def _legend_html(
    title: str,
    source_line: str,
    labels: list[str],
    colours: tuple[str, ...],
    has_missing: bool,
    stages: list[str],
    regions: ProgrammeRegions,
) -> str:
    e = js_html_text
    rows = [
        f'<div class="ri-row"><span class="ri-swatch" style="background:{c}"></span>{e(label)}</div>'
        for label, c in zip(labels, colours, strict=True)
    ]
    if has_missing:
        rows.append(
            f'<div class="ri-row"><span class="ri-swatch" style="background:{NO_DATA_COLOUR}">'
            "</span>Pas de donnée</div>"
        )
    rows.append('<div class="ri-sub">Régions du programme</div>')
    rows += [
        f'<div class="ri-row"><span class="ri-line" style="border-color:{r.colour}"></span>{e(r.name)}</div>'
        for r in regions
    ]
    if stages:
        rows.append('<div class="ri-sub">Projets de l\'accélérateur, par étape</div>')
        rows += [
            f'<div class="ri-row"><span class="ri-dot" style="background:{STAGE_COLOURS[s]}"></span>'
            f"{e(stage_label(s))}</div>"
            for s in stages
        ]
    return (
        '<div class="ri-legend" id="ri-legend" role="region" aria-label="Légende de la carte">'
        f'<div class="ri-title">{e(title)}</div>{"".join(rows)}'
        f'<div class="ri-source">{e(source_line)}</div></div>'
    )


LEGEND_CSS = """<style>
.leaflet-container { background: #ffffff; }
.ri-legend { position: absolute; left: 10px; bottom: 10px; z-index: 1000; background: rgba(255,255,255,.94);
  padding: 8px 10px; border: 1px solid #bbb; border-radius: 4px; font: 11px/1.4 sans-serif; color: #222;
  width: 200px; box-sizing: border-box; }
.ri-title { font-weight: 600; margin-bottom: 4px; }
.ri-sub { font-weight: 600; margin-top: 6px; }
.ri-row { display: flex; align-items: center; gap: 6px; }
.ri-swatch { width: 16px; height: 11px; border: 1px solid #888; display: inline-block; flex: none; }
.ri-line { width: 16px; height: 0; border-top: 3px solid; display: inline-block; flex: none; }
.ri-dot { width: 10px; height: 10px; border-radius: 50%; border: 1px solid #222; display: inline-block;
  flex: none; margin: 0 3px; }
.ri-source { margin-top: 6px; color: #555; font-style: italic; }
.foliumtooltip table { font: 12px sans-serif; }
</style>"""


class FitToBounds(MacroElement):
    """Fit the view to the bounds once the map has its real size, and again on every resize: the
    streamlit-folium frame is sized after the map is created, so folium's own fit_bounds is off.
    The left padding keeps the legend (bottom left) off the départements."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds }};
            var fit = function () {
                map.invalidateSize();
                map.fitBounds(bounds, {paddingTopLeft: [{{ this.pad_left }}, 10], paddingBottomRight: [10, 10]});
            };
            fit();
            setTimeout(fit, 200);
            window.addEventListener("resize", fit);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], pad_left: int = 0) -> None:
        super().__init__()
        self._name = "FitToBounds"
        self.bounds = [[float(v) for v in corner] for corner in bounds]  # numbers only: no text reaches JS
        self.pad_left = int(pad_left)


LEGEND_WIDTH = 200  # px, the width of .ri-legend in LEGEND_CSS


def choropleth_map(
    dep: pd.DataFrame,
    indicator: str,
    bounds: list[float],
    *,
    source_line: str,
    regions: ProgrammeRegions,
    departements: list[str] | None = None,
    projects: pd.DataFrame | None = None,
) -> folium.Map:
    """The départements coloured by `indicator` in the classes `bounds` (industry.class_breaks).

    `dep` is `industry.departement_indicators(...)`; `regions` the programme's, outlined and in the
    legend; `departements` the codes drawn (default: those in
    `dep`); `source_line` « Source : URSSAF, 2023 » goes in the legend. `projects` (optional) has columns
    longitude, latitude, stage (`reindus.programme.stages.current_stages`) and label (the text of its tooltip, not yet
    escaped). Classes, ranks and comparisons are those of `dep` as a whole: the ranks are among all
    départements of the series, not only among those drawn.
    """
    spec = INDICATORS[indicator]
    codes = list(dep["code"]) if departements is None else list(departements)
    colours = class_colours(len(bounds) - 1)
    classes = classify(dep[indicator], bounds)
    fill = {
        code: (NO_DATA_COLOUR if pd.isna(c) else colours[int(c)])
        for code, c in zip(dep["code"], classes, strict=True)
    }
    tips = _tooltip_rows(dep, indicator).set_index("code")

    features = []
    wanted = set(codes)
    for feature in geo.departements_geojson()["features"]:
        code = feature["properties"]["code"]
        if code not in wanted:
            continue
        if code in tips.index:
            tip = tips.loc[code]
            props = {k: html.escape(str(tip[k])) for k in ("nom", "region", "valeur", "rang", "comparaison")}
        else:
            props = {
                "nom": html.escape(f"{code} – {feature['properties'].get('nom', '')}"),
                "region": "",
                "valeur": "pas de donnée",
                "rang": "—",
                "comparaison": "—",
            }
        props["style"] = {
            "fillColor": fill.get(code, NO_DATA_COLOUR),
            "fillOpacity": 0.9,
            "color": "#ffffff",
            "weight": 0.8,
        }
        features.append({"type": "Feature", "geometry": feature["geometry"], "properties": props})
    collection = {"type": "FeatureCollection", "features": features}

    m = folium.Map(
        tiles=None,
        zoom_control=True,
        control_scale=False,
        prefer_canvas=False,
        zoom_snap=0.25,
        attribution_control=False,
    )
    m.default_js, m.default_css = list(vendor.MAP_JS), list(vendor.MAP_CSS)
    aliases = [html.escape(a) for a in ("Département", "Région", spec.label, "Rang", "Comparaison")]
    GeoJsonLayer(
        collection,
        name="Départements",
        highlight={"weight": 2.5, "color": "#000000"},
        tooltip=list(zip(aliases, ["nom", "region", "valeur", "rang", "comparaison"], strict=True)),
    ).add_to(m)

    programme_region_outlines(regions, weight=3.2).add_to(m)

    stages: list[str] = []
    if projects is not None and not projects.empty:
        CircleMarkers(
            projects["latitude"],
            projects["longitude"],
            [STAGE_COLOURS.get(stage, "#000000") for stage in projects["stage"]],
            js_html_texts(projects["label"]),
            name="Projets",
            style={"radius": 6, "color": "#222222", "weight": 1.5, "fill": True, "fillOpacity": 0.95},
        ).add_to(m)
        present = set(projects["stage"])
        stages = [s for s in STAGE_COLOURS if s in present]

    if features:
        minx, miny, maxx, maxy = (
            geo.departements_gdf()
            .set_index("code")
            .loc[[c for c in codes if c in set(geo.departements_gdf()["code"])]]
            .total_bounds
        )
        FitToBounds([[miny, minx], [maxy, maxx]], pad_left=LEGEND_WIDTH + 10).add_to(m)
    labels = class_labels(bounds, spec.digits) if len(bounds) >= 2 else []
    has_missing = any(fill.get(c, NO_DATA_COLOUR) == NO_DATA_COLOUR for c in codes)
    m.get_root().header.add_child(Element(LEGEND_CSS))
    m.get_root().html.add_child(
        Element(_legend_html(spec.label, source_line, labels, colours, has_missing, stages, regions))
    )
    return m
