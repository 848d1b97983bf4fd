"""Finding suppliers for a supply-chain link: search terms, ranking, coverage, the shortlist."""
