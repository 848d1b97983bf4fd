import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reindus.reference.siret import (
    LA_POSTE_SIREN,
    compact,
    complete_siren,
    complete_siren_array,
    complete_siret,
    complete_siret_array,
    format_siret,
    is_valid_siren,
    is_valid_siret,
    luhn_check_digit,
    luhn_ok,
    make_siret,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=30)
first8 = st.text(alphabet="0123456789", min_size=8, max_size=8)
nic4 = st.text(alphabet="0123456789", min_size=4, max_size=4)


# 73282932000074, by hand: from the right, digits 4 7 0 0 0 0 2 3 9 2 8 2 3 7, every second one doubled
# (7→14→5, 0, 0, 3→6, 2→4, 2→4, 7→14→5): 4+5+0+0+0+0+2+6+9+4+8+4+3+5 = 50, a multiple of 10.
KNOWN_VALID = [
    "73282932000074",  # Apple France
    "44306184100047",  # Google France
    "55208131766522",  # EDF
    "35600000000048",  # La Poste head office: Luhn
    "35600000000001",  # La Poste establishment: digit sum 15
    "35600000049837",  # La Poste establishment: digit sum 45, not Luhn
]
KNOWN_INVALID = [
    "73282932000075",  # last digit changed
    "73282932000047",  # two digits swapped
    "35600000000014",  # La Poste, digit sum 19
    "7328293200007",  # 13 digits
    "732829320000740",  # 15 digits
    "7328293200007A",
    "",
    "00000000000001",
]


@pytest.mark.parametrize("siret", KNOWN_VALID)
def test_known_valid(siret):
    assert is_valid_siret(siret)
    assert is_valid_siren(siret[:9])


@pytest.mark.parametrize("siret", KNOWN_INVALID)
def test_known_invalid(siret):
    assert not is_valid_siret(siret)


def test_luhn_textbook_examples():
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert luhn_check_digit("7992739871") == "3"
    assert not luhn_ok("")
    assert not luhn_ok("12a")
    assert not luhn_ok("１２")  # full-width digits are not ASCII


def test_non_strings_and_separators():
    assert not is_valid_siret(73282932000074)
    assert not is_valid_siret(None)
    assert not is_valid_siren(732829320)
    assert is_valid_siret("732 829 320 00074")
    assert is_valid_siret("732\u00a0829\u00a0320\u00a000074")
    assert compact("732.829-320 00074") == "73282932000074"
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert format_siret("abc") == "abc"


def test_siren():
    assert is_valid_siren("732829320")
    assert not is_valid_siren("732829321")
    assert not is_valid_siren("73282932")
    assert is_valid_siren(LA_POSTE_SIREN)


def test_completion_examples():
    assert complete_siren("73282932") == "732829320"
    assert complete_siret("732829320", "0007") == "73282932000074"
    assert make_siret("73282932", 7) == "73282932000074"
    assert make_siret("732829320", "7") == "73282932000074"
    # La Poste: the smallest fifth digit making the digit sum a multiple of 5.
    assert make_siret(LA_POSTE_SIREN, 0) == "35600000000001"
    with pytest.raises(ValueError):
        complete_siret("732829321", "0007")
    with pytest.raises(ValueError):
        complete_siret("732829320", "7")
    with pytest.raises(ValueError):
        complete_siren("1234567")


@given(digits)
def test_check_digit_makes_luhn_valid_and_is_unique(payload):
    check = luhn_check_digit(payload)
    assert luhn_ok(payload + check)
    assert [d for d in "0123456789" if luhn_ok(payload + d)] == [check]


@given(first8, nic4)
def test_completed_numbers_are_valid(prefix, nic):
    siren = complete_siren(prefix)
    assert is_valid_siren(siren)
    siret = complete_siret(siren, nic)
    assert siret.startswith(siren + nic) and len(siret) == 14
    assert is_valid_siret(siret)


@given(first8, nic4, st.integers(0, 13), st.integers(1, 9))
def test_any_single_digit_error_is_detected(prefix, nic, position, delta):
    siret = complete_siret(complete_siren(prefix), nic)
    if siret.startswith(LA_POSTE_SIREN):
        return
    wrong = siret[:position] + str((int(siret[position]) + delta) % 10) + siret[position + 1 :]
    assert not is_valid_siret(wrong)


@given(nic4)
def test_la_poste_completion(nic):
    siret = complete_siret(LA_POSTE_SIREN, nic)
    assert is_valid_siret(siret)
    assert sum(map(int, siret)) % 5 == 0


@given(st.lists(st.integers(0, 10**8 - 1), max_size=50), st.data())
def test_vectorised_matches_scalar(prefixes, data):
    prefixes = [*prefixes, 35600000]  # La Poste
    nics = data.draw(st.lists(st.integers(0, 9999), min_size=len(prefixes), max_size=len(prefixes)))
    sirens = complete_siren_array(np.array(prefixes))
    sirets = complete_siret_array(sirens, np.array(nics))
    for prefix, nic, siren, siret in zip(prefixes, nics, sirens, sirets, strict=True):
        expected_siren = complete_siren(f"{prefix:08d}")
        assert f"{siren:09d}" == expected_siren
        assert f"{siret:014d}" == complete_siret(expected_siren, f"{nic:04d}")


def test_vectorised_rejects_out_of_range():
    with pytest.raises(ValueError):
        complete_siren_array(np.array([10**8]))
    with pytest.raises(ValueError):
        complete_siret_array(np.array([732829320]), np.array([10000]))
