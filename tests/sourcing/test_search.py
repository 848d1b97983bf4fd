"""One supplier search as one frozen value."""

from reindus.reference.territory import region_departements
from reindus.sourcing.candidates import search_terms
from reindus.sourcing.search import CandidateSearch


def test_a_search_around_a_project_covers_its_scope_and_is_a_cache_key():
    terms = search_terms("13.20Z,25")
    region = CandidateSearch.for_project(terms, "28", "region", "11", (1.09, 49.44))
    assert (
        region.departements == region_departements("28") == region.regional == ("14", "27", "50", "61", "76")
    )
    assert region.terms.codes == ("13.20Z",) and region.terms.prefixes == ("25",)
    assert CandidateSearch.for_project(terms, "28", "france").departements is None
    wider = CandidateSearch.for_project(terms, "28", "voisins").departements
    assert set(region.departements) < set(wider)
    same = CandidateSearch.for_project(search_terms("13.20Z, 25"), "28", "region", "11", (1.09, 49.44))
    assert same == region and hash(same) == hash(region)


def test_the_tally_counts_region_scope_and_france_from_the_counts_per_departement():
    import pandas as pd

    by_dep = pd.DataFrame({"departement": ["76", "27", "80", "13"], "establishments": [5, 2, 7, 30]})
    search = CandidateSearch.for_project(search_terms("13.20Z"), "28", "voisins")
    tally = search.tally(by_dep)
    assert (tally.regional, tally.in_scope, tally.france) == (7, 14, 44)  # the Somme borders Normandie
    assert tally.by_departement == {"27": 2, "76": 5, "80": 7}  # the list's départements, not Marseille's
    france = CandidateSearch.for_project(search_terms("13.20Z"), "28", "france").tally(by_dep)
    assert (france.in_scope, france.by_departement["13"]) == (44, 30)
