"""The web explorer in a real browser: Debian's headless Chromium, driven by Selenium.

A real ``longarm serve`` (uvicorn) runs on a free loopback port with the bundled dataset
in a temporary on-disk store, as in ``tests/test_sparql_http.py``. The scenario is a new
user's: search "Bleu", follow a suggestion with the keyboard to Bleu's page and its
ownership chart; open the Health Data Hub's asset page and change the date and the mode
and see the answer change; reach a page with the Tab and Enter keys only; a phone-size
screen. Screenshots go to ``test-artifacts/screenshots/`` at the repository root.

Selenium Manager is kept offline (``SE_OFFLINE``): the driver is ``/usr/bin/chromedriver``
and the browser ``/usr/bin/chromium``. Without them the tests are skipped, unless the
environment variable ``CI`` is set: CI must run them, so there they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..live_server import free_port, stop, wait_ready

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
    "--lang=en-US",  # the date input takes mm/dd/yyyy keystrokes
)
WAIT = 60  # seconds; a generous bound on a loaded CI machine, never a timing assertion

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


TOKEN = "browser-t0k"
INVENTORY = Path(__file__).resolve().parents[2] / "api" / "static" / "inventory-template.csv"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on the bundled dataset: ``longarm serve`` in a subprocess."""
    if reason := _missing():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {reason}")
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("explorer")
    port = free_port()
    env = {
        **os.environ,
        "LONGARM_STORE": str(home / "store"),
        "LONGARM_HOST": "127.0.0.1",
        "LONGARM_PORT": str(port),
        "LONGARM_WRITE_TOKEN": TOKEN,  # the import page writes
    }
    code = "import sys; from longarm.api.cli import main; sys.exit(main(['serve']))"
    log = home / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Any]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never goes to the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: Any, base: str) -> Iterator[Any]:
    """The browser at desktop size; afterwards, no request may have left this server."""
    browser.set_window_size(1400, 1000)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]}
    )
    yield browser
    outside = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))"
    )
    assert outside == []


def until(driver: Any, condition: Callable[[Any], Any], what: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition, message=f"waited {WAIT} s for {what}")


def shot(driver: Any, name: str, full: bool = True) -> Path:
    """A screenshot of the whole page (the window grows to the page's height)."""
    size = driver.get_window_size()
    width, height = size["width"], size["height"]
    if full:
        whole = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 12000)")
        driver.set_window_size(width, max(height, whole + 140))
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(width, height)
    return path


def css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def css_all(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def chart(driver: Any, what: str) -> Any:
    """The inlined SVG chart of the page, once drawn (or the page's message why it is not)."""
    until(driver, lambda d: css_all(d, ".chart-paper svg, .chart-paper .muted"), what)
    drawn = css_all(driver, ".chart-paper svg")
    assert drawn, f"{what}: {css(driver, '.chart-paper').text}"
    return drawn[0]


def exposures(driver: Any) -> dict[str, str]:
    """The table of who may be compelled: instrument → confidence tier (of its first row)."""
    tables = [t for t in css_all(driver, "#content table") if t.text.startswith("Who may be compelled")]
    out: dict[str, str] = {}
    for row in tables[0].find_elements("css selector", "tbody tr") if tables else []:
        instrument = row.find_element("css selector", "th a").text
        out.setdefault(instrument, row.find_element("css selector", ".tier").text)
    return out


def test_search_bleu_and_reach_its_ownership_chart(page: Any, base: str) -> None:
    from selenium.webdriver.common.keys import Keys

    page.get(base + "/")
    box = css(page, "#q")
    box.send_keys("Bleu")
    until(page, lambda d: css(d, "#q").get_attribute("aria-expanded") == "true", "the suggestions")
    options = css_all(page, "[role=listbox] [role=option]")
    assert options[0].text.startswith("Bleu") and "Organization" in options[0].text
    shot(page, "01-search-suggestions", full=False)
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    box.send_keys(Keys.ENTER)
    until(page, lambda d: d.current_url == base + "/explore/org/bleu", "Bleu's page")
    until(page, lambda d: css(d, "h1").text == "Bleu", "Bleu's name")
    svg = chart(page, "the ownership chart")
    assert "Orange" in svg.get_attribute("textContent")
    assert css_all(page, ".chart-paper svg a")  # nodes link to their explorer pages
    owners = until(page, lambda d: css_all(d, "table caption"), "the ownership table")
    assert owners[0].text.startswith("Owners of Bleu")
    assert "Orange S.A." in css(page, "table").text
    shot(page, "02-org-bleu")


def test_asset_answer_changes_with_the_date_and_the_mode(page: Any, base: str) -> None:
    from selenium.webdriver.support.ui import Select

    page.get(base + "/explore/asset/health-data-hub?as_of=2024-06-01")
    until(page, lambda d: css(d, "#status").text.startswith("Answer for 1 June 2024"), "the answer for June 2024")
    before = exposures(page)
    assert before["US FISA Section 702"] == "likely"  # in force in 2024
    assert "EU e-Evidence Regulation" not in before  # applies from 2026-08-18
    assert "may be compelled" in css(page, ".explanations").text
    assert "Not legal advice" in css(page, ".disclaimer").text
    assert "US FISA Section 702" in chart(page, "the exposure map").get_attribute("textContent")
    shot(page, "03-asset-hdh-2024-06-01")

    date = css(page, "#as_of")
    date.send_keys("01012027")  # mm dd yyyy
    assert date.get_attribute("value") == "2027-01-01"
    css(page, "#controls button[type=submit]").click()
    until(page, lambda d: css(d, "#status").text.startswith("Answer for 1 January 2027"), "the answer for 2027")
    after = exposures(page)
    assert after["US FISA Section 702"] == "residual"  # lapsed on 2026-06-12, residual until 2027-03-31
    assert after["EU e-Evidence Regulation"] == "established"
    assert "as_of=2027-01-01" in page.current_url  # the answer can be shared
    shot(page, "04-asset-hdh-2027-01-01")

    assert "US IEEPA sanctions" in css(page, "#content").text  # contested, kept in strict mode
    Select(css(page, "#mode")).select_by_value("practical")
    until(
        page,
        lambda d: css(d, "#status").text.startswith("Answer for 1 January 2027 (practical mode)"),
        "the practical answer",
    )
    assert "US IEEPA sanctions" not in css(page, "#content").text
    assert "mode=practical" in page.current_url

    page.back()  # the previous answer comes back with its URL
    until(
        page,
        lambda d: css(d, "#status").text.startswith("Answer for 1 January 2027 (strict mode)"),
        "the strict answer again",
    )
    assert css(page, "#mode").get_attribute("value") == "strict"


def test_keyboard_only_tab_to_search_and_enter(page: Any, base: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.get(base + "/")
    until(page, lambda d: css_all(d, "#instruments table"), "the home page")
    keys = ActionChains(page)
    keys.send_keys(Keys.TAB).perform()
    active = page.switch_to.active_element
    assert active.get_attribute("class") == "skip" and active.get_attribute("href").endswith("#main")
    for _ in range(10):
        if page.switch_to.active_element.get_attribute("id") == "q":
            break
        keys.send_keys(Keys.TAB).perform()
    assert page.switch_to.active_element.get_attribute("id") == "q"
    keys.send_keys("cloud act").perform()
    until(page, lambda d: css(d, "#q").get_attribute("aria-expanded") == "true", "the suggestions")
    keys.send_keys(Keys.ESCAPE).perform()  # closes the suggestions, keeps the text: Enter now submits
    assert css(page, "#q").get_attribute("aria-expanded") == "false"
    keys.send_keys(Keys.ENTER).perform()
    until(page, lambda d: "q=cloud+act" in d.current_url, "the results page")
    until(page, lambda d: css_all(d, "#results-list a"), "the results")
    shot(page, "05-search-results")
    for _ in range(15):
        keys.send_keys(Keys.TAB).perform()
        if page.switch_to.active_element.get_attribute("href") == base + "/explore/instrument/us-cloud-act":
            break
    assert page.switch_to.active_element.get_attribute("href") == base + "/explore/instrument/us-cloud-act"
    keys.send_keys(Keys.ENTER).perform()
    until(page, lambda d: css(d, "h1").text == "US CLOUD Act / Stored Communications Act", "the instrument page")
    until(page, lambda d: css_all(d, "#reach table tbody tr"), "what it reaches")
    shot(page, "06-instrument-cloud-act")


def test_check_a_described_asset(page: Any, base: str) -> None:
    page.get(base + "/explore/check?service=bleu-cloud-de-confiance&location=FR&keys_held_by=bleu&as_of=2027-01-01")
    until(page, lambda d: css(d, "#status").text.startswith("Answer for"), "the answer")
    assert "1 January 2027" in css(page, "#status").text
    # Bleu's parents each control a US company: a contested CLOUD Act path, never Microsoft's.
    assert exposures(page) == {
        "EU e-Evidence Regulation": "established",
        "US CLOUD Act / Stored Communications Act": "contested",
    }
    assert "Verdict: Exposed" in css(page, "#content").text
    assert "Microsoft Corporation" in css(page, "#content").text  # a dependency, not a custodian
    assert "EU e-Evidence Regulation" in chart(page, "the exposure map").get_attribute("textContent")
    shot(page, "07-check-bleu")


def test_import_a_register_and_read_its_report(page: Any, base: str) -> None:
    from selenium.webdriver.support.ui import Select

    page.get(base + "/explore/import")
    Select(css(page, "#format")).select_by_value("inventory")
    css(page, "#file").send_keys(str(INVENTORY))
    css(page, "#token").send_keys(TOKEN)
    page.execute_script("document.getElementById('as_of').value = '2026-06-01'")
    css(page, "#import button[type=submit]").click()
    until(page, lambda d: css(d, "#status").text.startswith("Import "), "the report")
    assert "3 assets answered on 1 June 2026" in css(page, "#status").text
    rows = {r.find_element("css selector", "th").text: r.text for r in css_all(page, "tr.register-row")}
    assert set(rows) == {"Payroll records", "Customer records", "Staff e-mail"}
    assert all("exposed" in text for text in rows.values())
    report = css(page, "#content a[href*='format=html']").get_attribute("href")
    assert report.startswith(base + "/api/v1/imports/")
    shot(page, "09-import-inventory")


def test_compare_offers_side_by_side_sorted_each_cell_explained(page: Any, base: str) -> None:
    page.get(base + "/explore/compare?as_of=2026-06-01")
    until(page, lambda d: "compared on 1 June 2026" in css(d, "#status").text, "the comparison")
    titles = [b.text for b in css_all(page, "button.sort")]
    column = titles.index("secnumcloud-3-2-19-6")  # offer, provider, then the requirements, then the instruments
    assert titles[:2] == ["offer", "provider"] and "gaia-x-label-3" in titles
    rows = {r.find_element("css selector", "th").text: r for r in css_all(page, "tr.compare-row")}

    def snc(row: Any) -> Any:
        return row.find_elements("css selector", "td")[column - 1]  # the row's first cell is a th

    assert {"AWS European Sovereign Cloud", "S3NS PREMI3NS (Cloud de confiance S3NS)"} <= set(rows)
    assert snc(rows["S3NS PREMI3NS (Cloud de confiance S3NS)"]).text == "unknown"  # a fact missing, never a pass
    failed = snc(rows["AWS European Sovereign Cloud"])
    assert failed.text == "fail"
    href = failed.find_element("css selector", "a").get_attribute("href")
    assert "/explore/assessment?ref=aws-european-sovereign-cloud&requirement=secnumcloud-3-2-19-6" in href
    css(page, f"button.sort[data-column='{column}']").click()  # fail first
    assert snc(css_all(page, "tr.compare-row")[0]).text == "fail"
    assert css(page, "th[aria-sort]").get_attribute("aria-sort") == "ascending"
    css(page, f"button.sort[data-column='{column}']").click()  # again: the other way
    assert snc(css_all(page, "tr.compare-row")[0]).text != "fail"
    csv_link = css(page, "#content a[href*='format=csv']").get_attribute("href")
    assert csv_link.startswith(base + "/api/v1/comparison?as_of=2026-06-01")
    shot(page, "10-compare-offers")
    page.get(href)  # the cell's explanation: the assessment, criterion by criterion
    until(page, lambda d: css(d, "#status").text.startswith("2 assessments"), "the assessment")  # provider, operator
    operator = css(page, "section.assessment[aria-label^='AWS European Sovereign Cloud GmbH']")
    caps = operator.find_element("css selector", "section.criterion[data-clause='19.6.b']")
    assert caps.find_element("css selector", ".outcome strong").text == "fail"
    assert "A100 ROW, Inc., seated outside the European Union, holds 100 %" in caps.text
    assert caps.find_elements("css selector", ".facts a")  # the interests behind it, linked
    shot(page, "11-assessment")
    page.get(base + "/explore/compare?as_of=2026-06-01")  # a requirement graded in levels shows the level
    until(page, lambda d: "compared on 1 June 2026" in css(d, "#status").text, "the comparison")
    seal = [b.text for b in css_all(page, "button.sort")].index("eu-csf-sov-2")
    rows = {r.find_element("css selector", "th").text: r for r in css_all(page, "tr.compare-row")}
    cell = rows["S3NS PREMI3NS (Cloud de confiance S3NS)"].find_elements("css selector", "td")[seal - 1]
    assert cell.text == "SEAL-2 to SEAL-3"
    assert "fr-cloud-doctrine-2023 (data)" in [b.text for b in css_all(page, "button.sort")]
    page.get(cell.find_element("css selector", "a").get_attribute("href"))
    until(page, lambda d: css(d, "#status").text.startswith("1 assessment"), "the SEAL assessment")
    levels = {li.get_attribute("data-level"): li.text for li in css_all(page, "ul.levels li")}
    assert levels["SEAL-2"].startswith("SEAL-2: reached") and levels["SEAL-4"].startswith("SEAL-4: ruled out")
    assert "Ruled out by: SEAL-4 (no non-EU dependency)" in levels["SEAL-4"]


def test_sparql_page_runs_an_example(page: Any, base: str) -> None:
    from selenium.webdriver.support.ui import Select

    page.get(base + "/explore/sparql")
    until(page, lambda d: len(css_all(d, "#example option")) > 3, "the examples")
    Select(css(page, "#example")).select_by_visible_text("SecNumCloud qualifications")
    assert "lx:SecNumCloud" in css(page, "#query").get_attribute("value")
    css(page, "#sparql button[type=submit]").click()
    until(page, lambda d: css_all(d, "#content table tbody tr"), "the results")
    assert "OVH SAS" in css(page, "#content table").text
    shot(page, "08-sparql")


def test_generic_entity_page_and_dark_theme(page: Any, base: str) -> None:
    page.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    page.get(base + "/explore/authority/us-courts")
    until(page, lambda d: css(d, "h1").text == "US federal and state courts", "the authority page")
    until(page, lambda d: "US CLOUD Act" in css(d, "#content").text, "the instruments it wields")
    background = page.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"
    shot(page, "09-authority-dark")


def test_unknown_page_suggests_close_names(page: Any, base: str) -> None:
    page.get(base + "/explore/org/bleux")
    until(page, lambda d: not css(d, "#suggest").get_attribute("hidden"), "the suggestions")
    assert "Bleu" in css(page, "#suggest-list").text


def test_phone_screen(page: Any, base: str) -> None:
    page.set_window_size(390, 844)
    page.get(base + "/explore/asset/health-data-hub?as_of=2024-06-01")
    until(page, lambda d: css(d, "#status").text.startswith("Answer for 1 June 2024"), "the answer")
    # Nothing wider than the screen: wide tables scroll inside their own region.
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "10-phone-asset")
    page.get(base + "/")
    until(page, lambda d: css_all(d, "#instruments table"), "the home page")
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "11-phone-home")
