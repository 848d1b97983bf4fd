"""French number and date formats (babel), for text outside Streamlit's own number columns."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_compact_currency, format_currency, format_decimal, format_percent

LOCALE = "fr_FR"
# Streamlit's date pickers and date columns (`st.date_input`, `DateColumn`), whose default reads
# « YYYY/MM/DD »: every one of them is given this format.
DATE_WIDGET = "DD/MM/YYYY"
# The programme's four regions share one time zone; timestamps are stored in UTC.
TIME_ZONE = ZoneInfo("Europe/Paris")


def number(value: float | int, digits: int = 0) -> str:
    return format_decimal(value, format=f"#,##0{'.' + '0' * digits if digits else ''}", locale=LOCALE)


def euros(value: float | int) -> str:
    return format_currency(value, "EUR", format="#,##0\u00a0¤", locale=LOCALE, currency_digits=False)


def amount(value: float | int | None) -> str:
    """An amount as a form shows it for editing: « 397 000 », « 1 234,5 » (the label carries the « € »),
    read back by the same rule as a spreadsheet cell (`ingest.textfile.parse_amount`); empty for None."""
    if value is None or value != value:
        return ""
    return number(value, 0 if float(value).is_integer() else 2)


def euros_short(value: float | int) -> str:
    """« 131,7 M € »: an amount that fits a metric card or a bar label (the exact one goes in the help)."""
    return format_compact_currency(value, "EUR", locale=LOCALE, fraction_digits=1)


def percent(ratio: float, digits: int = 0) -> str:
    return format_percent(ratio, format=f"#,##0{'.' + '0' * digits if digits else ''}\u00a0%", locale=LOCALE)


def day(value: date) -> str:
    return format_date(value, format="d MMMM y", locale=LOCALE)


def moment(value: datetime) -> str:
    """`26/11/2026 15:05`, in Paris time."""
    return format_datetime(value, format="dd/MM/y HH:mm", tzinfo=TIME_ZONE, locale=LOCALE)
