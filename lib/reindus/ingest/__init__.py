"""Readers and validators for the files users bring (projects, links, shortlists, establishments,
industry statistics, openings). Every problem names the file, the line as a spreadsheet shows it
(header = line 1), the column and the value, with a French reason; a file with errors imports nothing.

    from reindus.ingest.importer import run_import
    result = run_import("industry", raw, "urssaf.csv", engine=engine, actor="…")
    result.problems.lines()    # one French line per problem
    result.summary.message     # « 3 ajouté(s), 1 mis à jour, 70 inchangé(s) »

The shared layer: `problems` (Problem, Problems, ImportRefused), `textfile` (reading CSV/XLSX as
text, parsing French numbers and dates), `checks` (codes), `importer` (one transaction, audit).
"""

from reindus.ingest.problems import ImportRefused, Problem, Problems
from reindus.ingest.textfile import FileFormatError, parse_number

__all__ = ["FileFormatError", "ImportRefused", "Problem", "Problems", "parse_number"]
