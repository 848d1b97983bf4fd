"""The supplier map builder: local assets only, escaped data, class breaks, legend."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit_folium import _get_header, _get_map_string

from reindus.build import vendor
from reindus.figures import supplier_map as sm

EVIL = [
    "<img src=x onerror=window.__pwned=1>",
    "${window.__pwned=1}",
    "`); window.__pwned=1; (`",
    "</script><script>window.__pwned=1</script>",
    "a\\u0027b\u2028c",
]


def _points(names):
    return pd.DataFrame(
        {
            "latitude": [49.44 + i * 0.01 for i in range(len(names))],
            "longitude": [1.09] * len(names),
            "name": names,
            "commune": ["76540"] * len(names),
            "naf": ["25.62A"] * len(names),
            "band": ["11"] * len(names),
            "departement": ["76"] * len(names),
            "siret": [f"{i:014d}" for i in range(len(names))],
        }
    )


COUNTS = pd.DataFrame({"departement": ["76", "27", "59", "75", "13"], "establishments": [40, 3, 12, 1, 7]})


@pytest.fixture(scope="module")
def evil_html(new_store_regions):
    m = sm.supplier_map(
        COUNTS,
        _points(EVIL),
        regions=new_store_regions,
        site=(1.09, 49.44),
        site_label="${window.__pwned=1}<b>x</b>",
        commune_names={"76540": "<i>Rouen</i>"},
        source="démo`${1}`",
        year=2026,
    )
    return m, sm.rendered_html(m)


def test_no_cdn_url_only_local_assets(evil_html):
    m, html = evil_html
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"'<>]+", html)[:5]
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )
    assert srcs and all(s.startswith("/app/static/vendor/") for s in srcs)
    # what streamlit-folium loads: the elements' declared default_js / default_css
    declared = [
        url
        for el in [m, *m._children.values()]
        for _, url in (getattr(el, "default_js", []) + getattr(el, "default_css", []))
    ]
    assert declared and all(u.startswith(vendor.STATIC_URL) for u in declared)
    for url in declared:  # every declared file is one the vendor step installs
        target = url.removeprefix(vendor.STATIC_URL + "/")
        assert any(p.target(f) == target for p in vendor.PACKAGES for f in p.files), url


def test_data_text_is_escaped_for_html_and_js(evil_html):
    m, html = evil_html
    script = _get_map_string(m) + _get_header(m)
    for text in (html, script):
        assert "${window" not in text and "${1}" not in text  # folium's own templates use ${…}
        assert "<img" not in text and "<i>" not in text and "<b>x" not in text
        assert "</script><script>window" not in text
        assert "onerror=window.__pwned=1>" not in text
        assert "\u2028" not in text
    # the names are still there, as entities that display as text
    assert "&#36;&#123;window.__pwned=1&#125;" in html.replace("\\u0026", "&")
    assert "&#60;img src=x onerror=window.__pwned=1&#62;" in html.replace("\\u0026", "&")


def test_class_breaks_quantiles_and_natural():
    values = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]
    for scheme in sm.SCHEMES:
        classes = sm.class_breaks(values, scheme=scheme, k=5)
        assert len(classes.bounds) == len(classes.colours) <= 5
        assert classes.bounds[0][0] == 1 and classes.bounds[-1][1] == 144
        for (_, high), (low, _) in zip(classes.bounds, classes.bounds[1:], strict=False):
            assert low == high + 1  # contiguous, no overlap
        assert classes.index(0) is None and classes.colour(0) == sm.ZERO_COLOUR
        assert all(classes.index(v) is not None for v in values)
    assert sm.class_breaks([0, 0]).bounds == ()
    assert sm.class_breaks([4, 4, 4]).labels() == ["4"]
    assert (
        sm.class_breaks([1, 2000], k=2).labels()[-1].endswith("2\u202f000")
        or "2" in sm.class_breaks([1, 2000], k=2).labels()[-1]
    )
    with pytest.raises(ValueError):
        sm.class_breaks(values, scheme="equal")


def test_legend_says_source_and_year_in_french(evil_html, new_store_regions):
    _, html = evil_html
    legend = sm.legend_html(
        sm.class_breaks([1, 5, 9]),
        "Candidats par département",
        "Source : registre des établissements (démo`${1}`, 2026)",
        new_store_regions,
    )
    assert "Candidats par département" in legend and "Site du projet" in legend and "Normandie" in legend
    assert "${1}" not in legend and "&#36;&#123;1&#125;" in legend
    assert (
        json.dumps(legend)[1:40].replace("\\u00e9", "é")[:20] in html.replace("\\u00e9", "é")
        or "Candidats par d" in html
    )
    assert "Source : registre des " in html and "2026" in html


def test_map_without_points_or_site_renders(new_store_regions):
    html = sm.rendered_html(sm.supplier_map(COUNTS.iloc[0:0], None, regions=new_store_regions))
    assert "markerClusterGroup" not in html and "L.geoJson" in html


def test_twenty_thousand_points_payload_under_two_megabytes(new_store_regions):
    names = [f"Établissement {i}" for i in range(20_000)]
    points = _points(names)
    points["latitude"] = 42 + (points.index % 900) / 100
    html = sm.rendered_html(
        sm.supplier_map(COUNTS, points, regions=new_store_regions, commune_names={"76540": "Rouen"})
    )
    assert len(html.encode()) < 2_000_000


def _component_script(m) -> str:
    """What streamlit-folium computes in Python on each script run (st_folium's own steps)."""
    m.get_root().render()
    m.render()
    return _get_map_string(m)


def test_streamlit_folium_gets_the_same_script_on_every_rerun_with_styled_features(new_store_regions):
    # the same script means the same component key: the browser keeps its map (zoom, clusters)
    m = sm.supplier_map(
        COUNTS, _points(["A", "B"]), regions=new_store_regions, site=(1.09, 49.44), selected_departement="27"
    )
    first, second = _component_script(m), _component_script(m)
    assert first == second
    layer = next(c for c in m._children.values() if getattr(c, "layer_name", "") == "Départements")
    styles = {f["properties"]["code"]: f["properties"]["style"] for f in layer.data["features"]}
    assert len(styles) == 101
    assert styles["27"]["weight"] > styles["76"]["weight"]  # the selected département stands out
    assert styles["76"]["fillColor"] != styles["75"]["fillColor"]  # 40 candidates against 1
    assert styles["2A"]["fillColor"] == sm.ZERO_COLOUR
    # the layers' data reach the component's script, with their tooltips and the region outlines
    assert first.count("L.geoJson(") == 2 and '"Candidats","candidats"' in first
    assert all(f'"color":"{region.colour}"' in first for region in new_store_regions)


def test_the_scale_reads_kilometres_only(new_store_regions):
    # Leaflet's default scale adds a line in miles, « 30 mi », under the kilometres
    script = _component_script(sm.supplier_map(COUNTS, _points(["A"]), regions=new_store_regions))
    assert "L.control.scale({imperial: false})" in script
    assert "L.control.scale()" not in script
