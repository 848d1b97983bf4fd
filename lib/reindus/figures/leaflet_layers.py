"""folium elements for large data that render in milliseconds, however often they are rendered.

streamlit-folium renders a map three times per script run (the figure, the map again, then every
element's script once more to build the component's code). folium serialises its data on each of those
renders, and branca compiles each rendered script, data included, as a Jinja template again: for the
273 kB of département shapes that alone costs about 0.1 s per render. Here the data are serialised once,
when the element is made, and the rendered script is added as it is.

Text shown from the data must already be escaped by `safe_text` (tooltips are set as HTML); the JSON is
written with Jinja's `htmlsafe_json_dumps` (`<`, `>`, `&`, `'` as \\u escapes), so no data can close the
script element.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from branca.element import Element, MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from reindus.programme.regions import ProgrammeRegions


def json_markup(value: object) -> Markup:
    """`value` as JSON safe inside a <script> element, for templates (`{{ this.x_json }}`)."""
    return htmlsafe_json_dumps(value, separators=(",", ":"))


class _RawScript(Element):
    """Already rendered script text, added to the figure as it is."""

    def __init__(self, text: str) -> None:
        super().__init__("")
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class PreRendered(MacroElement):
    """A MacroElement whose rendered script is not compiled again as a template (branca's `Element`).
    Elements that need scripts or stylesheets put `folium.elements.JSCSSMixin` first in their bases:
    streamlit-folium loads the links of JSCSSMixin instances only."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        script = self._template.module.__dict__.get("script")
        figure.script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class GeoJsonLayer(PreRendered):
    """A GeoJSON FeatureCollection drawn with each feature's own style (`properties[style_key]`, a
    Leaflet path style), an optional highlight on hover and a tooltip table of `tooltip` (label,
    property) pairs. Labels and property values must be escaped already (`safe_text`).

    Features stay ordinary Leaflet layers with their properties, so streamlit-folium reports a click
    on one as `last_active_drawing` (with its properties).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var rows = {{ this.tooltip_json }};
            var highlight = {{ this.highlight_json }};
            var styleKey = {{ this.style_key_json }};
            var layer = L.geoJson({{ this.data_json }}, {
                interactive: {{ this.interactive_json }},
                style: function (feature) { return feature.properties[styleKey]; },
                onEachFeature: function (feature, sub) {
                    if (rows.length) {
                        sub.bindTooltip(function () {
                            var html = "<table>";
                            for (var i = 0; i < rows.length; i++) {
                                html += "<tr><th style='text-align:left;padding-right:8px'>" + rows[i][0]
                                    + "</th><td>" + feature.properties[rows[i][1]] + "</td></tr>";
                            }
                            return html + "</table>";
                        }, {sticky: true, className: "foliumtooltip"});
                    }
                    if (highlight) {
                        sub.on("mouseover", function (e) { e.target.setStyle(highlight); });
                        sub.on("mouseout", function (e) { layer.resetStyle(e.target); });
                    }
                }
            });
            layer.addTo({{ this._parent.get_name() }});
            return layer;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: Mapping,
        *,
        name: str,
        style_key: str = "style",
        tooltip: Sequence[tuple[str, str]] = (),
        highlight: Mapping[str, object] | None = None,
        interactive: bool = True,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonLayer"
        self.layer_name = name
        self.data = data
        self.data_json = json_markup(data)
        self.tooltip_json = json_markup([list(pair) for pair in tooltip])
        self.highlight_json = json_markup(dict(highlight) if highlight else None)
        self.style_key_json = json_markup(style_key)
        self.interactive_json = json_markup(bool(interactive))


class CircleMarkers(PreRendered):
    """Many circle markers in one element: parallel `lat`, `lon`, `fill` (colour) and `tooltip` lists
    (tooltips already escaped by `safe_text`), one shared `style`. folium's `CircleMarker` + `Tooltip`
    compiles two templates per point on every render: seconds for a few hundred points."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var c = {{ this.columns_json }};
            var style = {{ this.style_json }};
            var group = L.featureGroup();
            for (var i = 0; i < c.lat.length; i++) {
                var m = L.circleMarker([c.lat[i], c.lon[i]], Object.assign({}, style, {fillColor: c.fill[i]}));
                if (c.tooltip[i]) { m.bindTooltip(c.tooltip[i]); }
                group.addLayer(m);
            }
            group.addTo({{ this._parent.get_name() }});
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        lat: Sequence[float],
        lon: Sequence[float],
        fill: Sequence[str],
        tooltip: Sequence[str],
        *,
        name: str,
        style: Mapping[str, object],
    ) -> None:
        super().__init__()
        self._name = "CircleMarkers"
        self.layer_name = name
        columns = {
            "lat": [float(v) for v in lat],
            "lon": [float(v) for v in lon],
            "fill": list(fill),
            "tooltip": list(tooltip),
        }
        if len({len(v) for v in columns.values()}) > 1:
            raise ValueError("lat, lon, fill et tooltip doivent avoir la même longueur")
        self.columns_json = json_markup(columns)
        self.style_json = json_markup(dict(style))


def programme_region_outlines(regions: ProgrammeRegions, weight: float) -> GeoJsonLayer:
    """The programme's regions as outlines in their colours (not interactive: the départements below take
    the hover and the clicks)."""
    from reindus.reference import geo

    shapes = geo.region_shapes(regions.codes)
    shapes["style"] = [
        {"color": regions.colour(c), "weight": weight, "opacity": 1.0, "fill": False} for c in shapes["code"]
    ]
    return GeoJsonLayer(
        json.loads(shapes[["code", "style", "geometry"]].to_json()),
        name="Régions du programme",
        interactive=False,
    )
