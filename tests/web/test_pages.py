"""The creators' pages in a real browser (Chromium via Playwright) against the real stack: make a video from the
form, follow its steps live, play it, find it in the library; another user is refused it. Screenshots of each page
at phone and desktop width go to P2V_SCREENSHOT_DIR (else the test's temporary folder)."""

import re
from pathlib import Path

import pytest

from prompt_store import get_ledger
from services.models import Publication
from tests.web.conftest import CREDIT, DESKTOP, PHONE

pytestmark = pytest.mark.usefixtures("prefect_harness")
RUN_TIMEOUT_MS = 300_000


def shoot(page, folder: Path, name: str) -> None:
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(context, web_url: str, token: str):
    page = context.new_page()
    page.goto(f"{web_url}/web/library")
    assert "/web/login" in page.url  # not signed in: sent to the login form
    page.get_by_label("Your API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{web_url}/web/library")
    return page


def test_make_follow_watch_library_and_refuse_others(web_url, tokens, browser, screenshot_dir: Path) -> None:
    context = browser.new_context(viewport=DESKTOP)
    login = context.new_page()
    login.goto(f"{web_url}/web/login")
    login.get_by_label("Your API token").fill("p2v_not-a-valid-token-0123456789abcdef")
    login.get_by_role("button", name="Sign in").click()
    assert "This token is not valid" in login.get_by_role("alert").inner_text()
    shoot(login, screenshot_dir, "login")
    cookie = next(c for c in context.cookies() if c["name"] == "p2v_csrf")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    page = sign_in(context, web_url, tokens["webalice"])
    session = next(c for c in context.cookies() if c["name"] == "p2v_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"

    # Make: the REST model's messages beside the fields, nothing started
    page.goto(f"{web_url}/web/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"  # keyboard: skip link first
    page.get_by_label("What is the video about?").fill("Red foxes hunting in the snow")
    page.get_by_label("Scenes").fill("50")
    page.get_by_label("Length (seconds)").fill("six")
    page.get_by_role("button", name="Make the video").click()
    assert page.locator("#scenes-error").inner_text() == "Input should be less than or equal to 20"
    assert page.locator("#duration_s-error").inner_text() == "Input should be a valid number"
    assert page.get_by_label("Scenes").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("What is the video about?").input_value() == "Red foxes hunting in the snow"
    shoot(page, screenshot_dir, "make-errors")

    page.get_by_label("Scenes").fill("2")
    page.get_by_label("Length (seconds)").fill("6")
    page.get_by_label("Frame").select_option("16:9")
    page.get_by_label("Music").select_option("none")
    page.get_by_role("button", name="Make the video").click()
    page.wait_for_url(re.compile(r"/web/runs/[0-9a-f-]{36}$"))
    task_id = page.url.rsplit("/", 1)[1]
    assert page.locator("#run-state").inner_text() != "COMPLETED"  # the run takes far longer than the redirect

    # Follow: the steps update in place (no reload) until the run is complete
    page.evaluate("window.notReloaded = true")
    page.locator("#run-state", has_text="COMPLETED").wait_for(timeout=RUN_TIMEOUT_MS)
    page.locator("#steps tr", has_text="record_lineage").filter(has_text="Completed").wait_for(timeout=30_000)
    assert page.evaluate("window.notReloaded") is True
    assert "Scene 2: " in page.locator("#fallback-list").inner_text()  # one photo for two scenes: 2 got a card
    steps = page.locator("#steps tr").all_inner_texts()
    assert any(row.startswith("compose_video") and "Completed" in row for row in steps), steps
    assert any(row.startswith("publish_video") and "Completed" in row for row in steps), steps
    assert re.search(r"\d+\.\d", " ".join(steps))  # seconds per step
    shoot(page, screenshot_dir, "follow")

    # Watch: the player loads the video by range requests and reports its length
    ranges: list[int] = []
    page.on("response", lambda r: ranges.append(r.status) if "/api/videos/" in r.url else None)
    page.get_by_role("link", name="Watch the video").click()
    page.wait_for_url(f"{web_url}/web/videos/{task_id}")
    duration = page.wait_for_function(
        "() => { const v = document.getElementById('player'); return v.duration > 0 && v.duration; }", timeout=60_000
    ).json_value()
    assert 4 < duration < 9
    assert 206 in ranges
    assert page.locator("ol.scenes > li").count() == 2
    assert f"{CREDIT} (local, CC0)" in page.locator("ul.credits").inner_text()  # the chosen photo, credited
    assert "Media: image from local" in page.locator("ol.scenes").inner_text()
    assert page.locator("img.sheet").evaluate("img => img.naturalWidth") > 0
    assert page.locator("video").get_attribute("poster").endswith("/thumbnail.jpg")
    vtt = context.request.get(f"{web_url}/web/videos/{task_id}/files/captions.vtt")
    assert vtt.ok and vtt.text().startswith("WEBVTT")
    shoot(page, screenshot_dir, "watch")

    # Library: newest first, complete, published here, with a YouTube button
    page.get_by_role("link", name="Library").click()
    first = page.locator("ul.library > li").first
    assert "COMPLETED" in first.inner_text() and "Published: here" in " ".join(first.inner_text().split())
    assert first.get_by_role("button", name="Publish to YouTube").is_visible()
    assert first.get_by_role("link").get_attribute("href") == f"/web/videos/{task_id}"
    shoot(page, screenshot_dir, "library")

    # Once published to YouTube (recorded in the publication ledger, as publish_video records it), never again
    sha = page.evaluate(f"fetch('/web/videos/{task_id}/files/metadata.json').then(r => r.json()).then(m => m.sha256)")
    url = "https://www.youtube.com/watch?v=webtest0001"
    get_ledger().record(Publication(target="youtube", external_id="webtest0001", url=url, video_sha256=sha))
    page.reload()
    first = page.locator("ul.library > li").first
    assert first.get_by_role("link", name="YouTube").get_attribute("href") == url
    assert first.get_by_role("button", name="Publish to YouTube").count() == 0
    shoot(page, screenshot_dir, "library-published")
    runs = page.locator("ul.library > li").count()
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "p2v_csrf")
    again = context.request.post(f"{web_url}/web/videos/{task_id}/publish", form={"csrf_token": csrf})
    assert again.url.endswith("/web/library")
    page.reload()
    assert page.locator("ul.library > li").count() == runs  # no run started
    forged = context.request.post(f"{web_url}/web/videos/{task_id}/publish", form={"csrf_token": "x" * 43})
    assert forged.status == 403

    # Prompts: the planner's prompts, search, versions
    page.get_by_role("link", name="Prompts").click()
    assert page.get_by_role("link", name="storyboard.system").first.is_visible()
    page.get_by_label("Search prompts").fill("storyboard scenes narration")
    page.get_by_role("button", name="Search").click()
    assert page.locator("ol.hits > li").count() >= 1
    shoot(page, screenshot_dir, "prompts")
    page.get_by_role("link", name="storyboard.system").first.click()
    assert "active" in page.locator("ol.versions").inner_text()
    shoot(page, screenshot_dir, "prompt-versions")

    # Another user: the same urls are refused (404, as an unknown id), the video file too
    other = browser.new_context(viewport=DESKTOP)
    bob = sign_in(other, web_url, tokens["webbob"])
    for path in (f"/web/videos/{task_id}", f"/web/runs/{task_id}", f"/api/videos/{task_id}"):
        assert other.request.get(f"{web_url}{path}").status == 404, path
    answer = bob.goto(f"{web_url}/web/videos/{task_id}")
    assert answer.status == 404 and "no video of yours" in bob.get_by_role("alert").inner_text()
    shoot(bob, screenshot_dir, "refused")
    assert task_id not in bob.goto(f"{web_url}/web/library").text()
    other.close()
    context.close()
