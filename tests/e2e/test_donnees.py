import pytest

from reindus.text import formats
from reindus.ui.importer import MAX_UPLOAD_MB, REFUSED_TEXT
from tests.support.e2e import assert_no_error, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_donnees_page_shows_counts_and_demo_banner(page, app_url):
    page.goto(f"{app_url}/donnees")
    page.get_by_text("Données chargées").wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_text("Données de démonstration").first.wait_for()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Établissements au registre")
    assert formats.number(24_000) in metric.inner_text()
    assert "60" in page.locator('[data-testid="stMetric"]').filter(has_text="Conseillers").inner_text()
    assert_no_error(page)
    # a deep link opened first still runs app.py: st.navigation's menu, not the legacy pages/ one
    menu = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Industrie régionale" in menu and "Tableau de bord" in menu
    assert "donnees" not in menu and "app" not in menu.split()
    # the uploader's English (Streamlit has no parameter for it) is replaced by French
    page.wait_for_function(
        """() => { const p = document.querySelector(
        '[data-testid="stFileUploaderDropzone"] button p'); return p && getComputedStyle(p).fontSize === '0px'; }""",
        timeout=10_000,
    )  # st.html draws its style a moment after the widgets
    drawn = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stFileUploaderDropzone"] button p, [data-testid="stFileUploaderDropzoneInstructions"] span')]
        .map(e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content])""")
    assert drawn == [["0px", '"Choisir un fichier"'], ["0px", '"50 Mo au plus par fichier • CSV, TXT, XLSX"']]
    shot = screenshot(page, "donnees")
    assert shot.stat().st_size > 20_000


def test_a_file_over_the_limit_is_refused_in_french(page, app_url, tmp_path):
    big = tmp_path / "gros.csv"
    with big.open("wb") as out:  # one byte over the page's limit, written without holding it in memory
        out.truncate(MAX_UPLOAD_MB * 1024 * 1024 + 1)
    page.goto(f"{app_url}/donnees")
    page.get_by_text("Données chargées").wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(big))
    icon = page.locator('[data-testid="stFileChipIconError"]')
    icon.wait_for(timeout=30_000)
    icon.hover()
    tooltip = page.locator('[data-testid="stTooltipErrorContent"]')
    tooltip.wait_for(timeout=10_000)
    alert = page.locator('[data-testid="stFileUploader"] [role="alert"]')
    for element in (tooltip, alert):
        size, drawn = element.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
        )
        assert size == "0px"  # Streamlit's « File must be 50.0MB or smaller. » is not shown…
        assert drawn == f'"{REFUSED_TEXT}"'  # …this is
    assert "50 Mo au plus" in REFUSED_TEXT
    assert_no_error(page)
