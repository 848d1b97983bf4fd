"""« Mes projets »: the to-do list's links, made once per cached list."""

from __future__ import annotations

import pandas as pd

from reindus.ui import my_projects


def _todo() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": [12, 12, 7],
            "project": ["Tissage * Rouen", "Tissage * Rouen", "Verrerie"],
            "kind": ["etape", "preselection", "financement"],
            "label": [
                "Étape « Sourcing » en retard",
                "« ACME » : identifié, à décider",
                "Demande « BPI » déposée",
            ],
            "link": [
                "/projet?projet=12&volet=etapes",
                "/fournisseurs?sourcing_project=12&sourcing_link=3",
                "/projet?projet=7&volet=financements",
            ],
        }
    )


def test_each_project_links_its_page_then_its_items_to_the_pages_that_deal_with_them():
    links = my_projects._to_do_links(_todo())
    assert [pid for pid, _ in links] == [12, 7]
    (_, first), (_, second) = links
    assert [(x.file, x.params, x.icon) for x in first] == [
        ("pages/projet.py", {"projet": "12"}, ":material/folder_open:"),
        ("pages/projet.py", {"projet": "12", "volet": "etapes"}, my_projects.KIND_ICONS["etape"]),
        (
            "pages/fournisseurs.py",
            {"sourcing_project": "12", "sourcing_link": "3"},
            my_projects.KIND_ICONS["preselection"],
        ),
    ]
    assert first[0].label == "Tissage * Rouen"
    assert second[1].params == {"projet": "7", "volet": "financements"}


def test_the_links_are_built_once_per_cached_list(monkeypatch):
    todo, built = _todo(), []
    original = my_projects._to_do_links
    monkeypatch.setattr(my_projects, "_to_do_links", lambda t: built.append(t) or original(t))
    shown = []
    monkeypatch.setattr(my_projects.PageLink, "show", lambda self: shown.append(self.label))
    monkeypatch.setattr(my_projects.st, "container", lambda **_: _Nothing())
    for _ in range(3):
        my_projects.to_do_list(todo)
    assert len(built) == 1 and len(shown) == 3 * 5


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
