"""The establishment register (SIRENE schema) in DuckDB: loads, candidate queries, synthetic data.

Typical use: `reg = open_register()` (REINDUS_HOME/register.duckdb), `load_file(reg, "stock.parquet")`
(rewritten sorted by département, NAF, SIRET), then
`candidates(reg, naf_prefixes=["25"], departements=["76", "27"], min_band="11", point=(1.09, 49.44))`.
"""

from reindus.register.database import (
    CANDIDATE_COLUMNS,
    COLUMNS,
    COMPANY_CATEGORIES,
    EARTH_RADIUS_KM,
    FROM_LEGAL_UNIT,
    LEGAL_UNIT_COLUMNS,
    LEGAL_UNIT_SCHEMA,
    MASKED_NAME,
    NOT_DIFFUSIBLE,
    REQUIRED,
    SCHEMA,
    SOLE_TRADER,
    Register,
    RegisterError,
    append,
    by_siret,
    candidates,
    closures,
    counts_by_departement,
    display_name_sql,
    load_file,
    load_legal_units,
    naf_correspondence,
    open_register,
    replace_all,
    summary,
)
from reindus.register.synthetic import SYNTH_SOURCE, synth, synth_frame

__all__ = [
    "CANDIDATE_COLUMNS",
    "COLUMNS",
    "COMPANY_CATEGORIES",
    "LEGAL_UNIT_COLUMNS",
    "LEGAL_UNIT_SCHEMA",
    "NOT_DIFFUSIBLE",
    "EARTH_RADIUS_KM",
    "FROM_LEGAL_UNIT",
    "MASKED_NAME",
    "REQUIRED",
    "SCHEMA",
    "SOLE_TRADER",
    "SYNTH_SOURCE",
    "Register",
    "RegisterError",
    "append",
    "by_siret",
    "candidates",
    "closures",
    "counts_by_departement",
    "display_name_sql",
    "load_file",
    "load_legal_units",
    "naf_correspondence",
    "open_register",
    "replace_all",
    "summary",
    "synth",
    "synth_frame",
]
