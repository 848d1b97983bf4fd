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
