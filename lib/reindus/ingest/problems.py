"""Problems found in a file: where (file, row as the spreadsheet shows it, column), what (value), why
(a French reason). A file with any error imports nothing; warnings ask for confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

ERROR = "erreur"
WARNING = "avertissement"
MAX_PROBLEMS = 200  # listed; beyond that, only counted


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # the row as a spreadsheet shows it: the header is row 1 (0 = the file as a whole)
    column: str
    value: str
    reason: str
    severity: str = ERROR

    @property
    def row(self) -> int:
        return self.line

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        where = self.file
        if self.line:
            where += f", ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        value = f", valeur « {_shorten(self.value)} »" if self.value != "" else ""
        prefix = "avertissement : " if not self.is_error else ""
        return f"{where}{value} : {prefix}{self.reason}"

    def __str__(self) -> str:
        return self.message


def _shorten(text: str, limit: int = 80) -> str:
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Problems:
    """A capped list of problems with exact counts."""

    file: str
    items: list[Problem] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    def add(self, line: int, column: str, value: object, reason: str, *, severity: str = ERROR) -> None:
        if severity == ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(
                Problem(self.file, int(line), column, "" if value is None else str(value), reason, severity)
            )

    def add_many(
        self,
        lines: Iterable[int],
        column: str,
        values: Iterable[object],
        reasons: str | Iterable[str],
        *,
        count: int,
        limit: int | None = None,
        severity: str = ERROR,
    ) -> None:
        """`count` problems in one column (the rows a vectorised check flagged): one per line, value
        and reason (one reason for all, or one each). Only as many as are listed are built (`limit`
        at most, so that one check cannot crowd out the others); the rest are counted."""
        room = max(0, MAX_PROBLEMS - len(self.items))
        if limit is not None:
            room = min(room, limit)
        shown = min(room, count)
        reasons = [reasons] * shown if isinstance(reasons, str) else islice(reasons, shown)
        for line, value, reason in zip(islice(lines, shown), islice(values, shown), reasons, strict=False):
            self.add(line, column, value, reason, severity=severity)
        hidden = count - shown
        if severity == ERROR:
            self.errors += hidden
        else:
            self.warnings += hidden

    def warn(self, line: int, column: str, value: object, reason: str) -> None:
        self.add(line, column, value, reason, severity=WARNING)

    def extend(self, other: Problems) -> None:
        self.errors += other.errors
        self.warnings += other.warnings
        room = MAX_PROBLEMS - len(self.items)
        if room > 0:
            self.items.extend(other.items[:room])

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (not p.is_error, p.line, p.column))

    def lines(self) -> list[str]:
        out = [p.message for p in self.sorted()]
        hidden = self.errors + self.warnings - len(self.items)
        if hidden > 0:
            out.append(f"{self.file} : … et {hidden} autre(s) problème(s) non listé(s)")
        return out


class ImportRefused(Exception):
    """The file has errors: nothing was imported."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(
            f"Import refusé : {problems.errors} erreur(s) dans le fichier. "
            + "; ".join(p.message for p in problems.sorted()[:5])
        )
