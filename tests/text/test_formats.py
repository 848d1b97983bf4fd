from datetime import UTC, date, datetime

from reindus.text import formats


def test_french_numbers_use_narrow_spaces_and_commas():
    assert formats.number(24000) == "24\u202f000"
    assert formats.number(1234.5, digits=1) == "1\u202f234,5"
    assert formats.euros(1500000) == "1\u202f500\u202f000\u00a0€"
    assert formats.percent(0.425, digits=1) == "42,5\u00a0%"


def test_dates_in_french_and_in_paris_time():
    assert formats.day(date(2023, 11, 30)) == "30 novembre 2023"
    # 13:05 UTC in November is 14:05 in Paris
    assert formats.moment(datetime(2026, 11, 26, 13, 5, tzinfo=UTC)) == "26/11/2026 14:05"


def test_an_amount_in_a_form_reads_back_as_a_spreadsheet_cell_does():
    from reindus.ingest.textfile import parse_amount

    assert formats.amount(397000.0) == "397\u202f000"  # not « 397000.00 »
    assert formats.amount(1234.5) == "1\u202f234,50"
    assert formats.amount(None) == formats.amount(float("nan")) == ""
    for value in (397000.0, 1234.5, 0.0, 12.25):
        assert parse_amount(formats.amount(value)) == value
