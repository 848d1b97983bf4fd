"""Folium maps drawn by streamlit-folium, prepared once per map instead of once per run.

On every run, `st_folium` renders the map's elements again, rebuilds its script from their templates,
cleans it with regular expressions, walks every element for its CSS and JS, computes the map's bounds
over every point and hashes the script: as much as the rest of a page, for the same map each time (the
maps come from the shared caches of `reindus.ui.data`). It also renames the map's elements as it goes
(`_id`), which two sessions must not do at once on a shared map. `show` does all of that once per map
object, under a lock, and then hands the component the same arguments on every run, as `st_folium` would
(`tests/ui/test_maps.py` holds the two to the same arguments).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import branca
import folium
import streamlit as st
import streamlit_folium as sf

from reindus.ui.derived import derived

_PREPARING = threading.Lock()


@dataclass(frozen=True)
class _Component:
    """What `st_folium` derives from a map before handing it to its component."""

    script: str
    header: str
    html: str
    map_id: str
    defaults: dict[str, Any]  # every object the map can return, with its value before any interaction
    css_links: list[str]
    js_links: list[str]
    _keys: dict[str, str] = field(default_factory=dict)  # widget key → the component's key

    def component_key(self, key: str) -> str:
        if key not in self._keys:
            self._keys[key] = sf.generate_js_hash(self.script, key, False)
        return self._keys[key]


def _prepare(fmap: folium.Map) -> _Component:
    """`st_folium(fmap, render=False)`'s own work, in its order (its script renames the elements)."""
    with _PREPARING:
        fmap.render()
        html, header = sf._get_html(fmap), sf._get_header(fmap)
        script = sf._get_map_string(fmap)
        css: list[str] = []
        js: list[str] = []
        for element in _elements(fmap):
            if isinstance(element, branca.colormap.ColorMap):  # st_folium adds d3 for a colour scale
                js[:0] = [
                    "https://d3js.org/d3.v4.min.js",
                    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
                ]
            css += [href for _, href in getattr(element, "default_css", [])]
            js += [src for _, src in getattr(element, "default_js", [])]
        (south, west), (north, east) = fmap.get_bounds()
        defaults = {
            "last_clicked": None,
            "last_object_clicked": None,
            "last_object_clicked_count": None,
            "last_object_clicked_tooltip": None,
            "last_object_clicked_popup": None,
            "all_drawings": None,
            "last_active_drawing": None,
            "bounds": {
                "_southWest": {"lat": south, "lng": west},
                "_northEast": {"lat": north, "lng": east},
            },
            "zoom": fmap.options.get("zoom"),
            "last_circle_radius": None,
            "last_circle_polygon": None,
            "selected_layers": None,
            "selected_tags": None,
            "last_geocoder_result": None,
        }
        return _Component(
            script,
            header,
            html,
            sf.get_full_id(fmap),
            defaults,
            list(dict.fromkeys(css)),
            list(dict.fromkeys(js)),
        )


def _elements(element: Any) -> Iterable[Any]:
    if isinstance(element, branca.colormap.ColorMap):
        yield element
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


def show(fmap: folium.Map, key: str, height: int, returned_objects: list[str]) -> dict[str, Any]:
    """`st_folium(fmap, key=key, height=height, returned_objects=returned_objects, use_container_width=True,
    render=False)` for a map rendered once (`reindus.ui.data`) and never changed afterwards."""
    component = derived(fmap, "st_folium", _prepare)
    component_key = component.component_key(key)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(component_key, {})

    return sf._component_func(
        script=component.script,
        header=component.header,
        html=component.html,
        id=component.map_id,
        key=component_key,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default={k: v for k, v in component.defaults.items() if k in returned_objects},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=component.css_links,
        js_links=component.js_links,
        on_change=changed,
        wrap_longitude=False,
    )
