"""Maps prepared once for streamlit-folium: the component gets what `st_folium` would give it."""

from __future__ import annotations

import itertools

import branca.element
import pandas as pd
import pytest
import streamlit_folium as sf

from reindus.figures import supplier_map as sm
from reindus.ui import maps

COUNTS = pd.DataFrame({"departement": ["76", "27", "59"], "establishments": [40, 3, 12]})
POINTS = pd.DataFrame(
    {
        "latitude": [49.44, 49.02],
        "longitude": [1.09, 1.15],
        "name": ["Forges de Rouen", "Tissage d'Évreux"],
        "commune": ["76540", "27229"],
        "naf": ["25.62A", "13.20Z"],
        "band": ["11", "12"],
        "departement": ["76", "27"],
        "siret": ["00000000000001", "00000000000002"],
    }
)


@pytest.fixture
def component_calls(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs) or kwargs["default"])
    return calls


def _twin_maps(regions, monkeypatch):
    """Two copies of one map, their elements numbered alike (folium numbers them at random)."""
    twins = []
    for _ in range(2):
        ids = itertools.count()
        monkeypatch.setattr(
            branca.element.Element, "_generate_id", classmethod(lambda cls, ids=ids: f"{next(ids):032x}")
        )
        fmap = sm.supplier_map(COUNTS, POINTS, regions=regions, site=(1.09, 49.44))
        fmap.get_root().render()  # as `reindus.ui.data` keeps its maps
        twins.append(fmap)
    return twins


@pytest.mark.parametrize("returned", [[], ["last_active_drawing"]])
def test_the_component_gets_what_st_folium_would_give_it(
    component_calls, new_store_regions, monkeypatch, returned
):
    theirs, mine = _twin_maps(new_store_regions, monkeypatch)
    sf.st_folium(theirs, key="carte", height=560, width=None, returned_objects=returned, render=False)
    value = maps.show(mine, "carte", 560, returned)
    expected, ours = component_calls
    assert value == ours["default"] == expected["default"]
    assert {k: v for k, v in ours.items() if k != "on_change"} == {
        k: v for k, v in expected.items() if k != "on_change"
    }
    assert "L.geoJson(" in ours["script"] and ours["js_links"]


def test_a_map_is_prepared_once_for_every_run_and_key(component_calls, new_store_regions, monkeypatch):
    fmap = sm.supplier_map(COUNTS, POINTS, regions=new_store_regions)
    fmap.get_root().render()
    maps.show(fmap, "carte", 560, [])
    renders = []
    monkeypatch.setattr(type(fmap), "render", lambda self, **kw: renders.append(1))
    maps.show(fmap, "carte", 560, [])
    maps.show(fmap, "autre", 400, [])
    first, again, other = component_calls
    assert not renders
    assert first["script"] is again["script"] is other["script"]
    assert first["key"] == again["key"] != other["key"]  # one component per widget key
