"""The demo page in a real browser: what a person sees while chatting in the local room."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, GRAY_WORD, run_node

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

CHROMIUM = os.environ.get("CHATMOD_CHROMIUM", "/usr/bin/chromium")
SLUR_TEXT = "get out of here you f4ggot"
STRIKE_TEXT = "get rekt loser"
GRAY_TEXT = f"you {GRAY_WORD} goose"


def lines(page: dict[str, Any], kind: str = "message") -> list[dict[str, Any]]:
    return [line for line in page["lines"] if line["kind"] == kind]


def by_text(page: dict[str, Any], text: str) -> dict[str, Any]:
    found = [line for line in lines(page) if line["text"] == text]
    assert found, f"no message {text!r} on the page: {page['lines']}"
    return found[-1]


@pytest.fixture(scope="module")
def browser_run(room: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser.sh (make test-e2e does)")
    config = {
        **room,
        "chromium": CHROMIUM,
        "artifacts": str(ARTIFACTS),
        "grayText": GRAY_TEXT,
        "slurText": SLUR_TEXT,
        "strikeText": STRIKE_TEXT,
    }
    for name in ("chat.png", "moderator.png"):
        (ARTIFACTS / name).unlink(missing_ok=True)
    return run_node("browser.mjs", json.dumps(config), timeout_s=180)


def test_sender_sees_masking_refusal_reasons_removals_and_the_disconnect(
    browser_run: dict[str, Any],
) -> None:
    page = browser_run["alicePage"]
    masked = by_text(page, "this boss fight is f****** great")
    assert masked["state"] == "delivered"
    assert masked["note"] == "Masked by moderation before delivery."

    slur = by_text(page, SLUR_TEXT)
    assert slur["state"] == "denied"
    assert slur["note"] == "Not delivered (406): Hateful language isn't allowed in this chat."

    strike = by_text(page, STRIKE_TEXT)
    assert strike["state"] == "denied"
    assert strike["note"] == "Not delivered (406): Harassment isn't allowed in this chat."

    removed = [line for line in lines(page) if line["state"] == "deleted"]
    assert [line["note"] for line in removed] == [
        "Removed: Removed by a moderator.",
        "Removed: Removed after a second look.",
    ]
    assert all(line["text"] == "Message removed" for line in removed)

    notices = [line["text"] for line in lines(page, "user-disconnected")]
    assert notices == ["You were disconnected: Disconnected after repeated violations."]
    assert page["statusState"] == "disconnected"
    assert page["status"] == "Disconnected (serverDisconnect)"
    assert page["inputDisabled"] is True


def test_moderator_sees_delivered_messages_but_never_the_refused_ones(
    browser_run: dict[str, Any],
) -> None:
    page = browser_run["bobPage"]
    texts = [line["text"] for line in lines(page)]
    assert "this boss fight is f****** great" in texts
    assert SLUR_TEXT not in texts and STRIKE_TEXT not in texts
    assert not any("fucking" in text for text in texts)
    assert [line["note"] for line in lines(page) if line["state"] == "deleted"] == [
        "Removed: Removed by a moderator.",
        "Removed: Removed after a second look.",
    ]
    alice = browser_run["alice"]
    assert [line["text"] for line in lines(page, "user-disconnected")] == [
        f"{alice} was disconnected: Disconnected after repeated violations."
    ]
    assert page["statusState"] == "connected"


def test_moderator_delete_reaches_the_sender_first(browser_run: dict[str, Any]) -> None:
    page = browser_run["steps"]["afterModeratorDelete"]
    removed = [line for line in lines(page) if line["state"] == "deleted"]
    assert [line["note"] for line in removed] == ["Removed: Removed by a moderator."]


def test_screenshots_are_kept(browser_run: dict[str, Any]) -> None:
    for name in ("chat.png", "moderator.png"):
        shot = ARTIFACTS / name
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 10_000


def test_the_page_passes_axe_with_no_serious_violations(browser_run: dict[str, Any]) -> None:
    found = browser_run["steps"]["accessibility"]
    assert found == {"chatter": [], "moderator": []}


def test_the_page_fits_a_phone_and_names_its_controls(browser_run: dict[str, Any]) -> None:
    layout = browser_run["steps"]["layout"]
    assert layout["sideways"] <= 0  # no horizontal scrolling at 390 px
    assert layout["favicon"] == 200
    assert layout["names"] == {"message": "Message", "statusRole": "status"}
    assert browser_run["steps"]["sendDisabledOverLimit"] is True


def test_the_moderator_panel_shows_refusals_strikes_and_second_opinions(
    browser_run: dict[str, Any],
) -> None:
    panel = browser_run["steps"]["panel"]
    assert panel["hidden"] is False and browser_run["steps"]["chatterPanelHidden"] is True
    alice = browser_run["alice"]
    assert panel["strikes"] == {alice: 2}
    refused = " ".join(panel["refused"])
    assert SLUR_TEXT in refused and "Hateful language isn't allowed in this chat." in refused
    assert STRIKE_TEXT in refused and "Harassment isn't allowed in this chat." in refused
    assert "Categories:" in refused and "Scores:" in refused
    outcomes = [item["outcome"] for item in panel["secondOpinions"]]
    assert outcomes == ["removed"] and GRAY_TEXT in panel["secondOpinions"][0]["text"]
    assert any("fucking" in reason for reason in panel["maskReasons"])


def test_a_held_message_is_approved_from_the_panel_and_reaches_both_pages(
    browser_run: dict[str, Any],
) -> None:
    steps, alice = browser_run["steps"], browser_run["alice"]
    assert steps["heldNote"] == "Not delivered (406): Your message is held for a moderator."
    assert steps["approveLabel"] == (
        f"Approve held message from {alice}: “free giveaway in the lobby”"
    )
    for page in steps["approved"].values():
        approved = by_text(page, "free giveaway in the lobby")
        assert (approved["sender"], approved["state"]) == (alice, "delivered")
        assert approved["note"] == "Held, then approved by a moderator."


def test_the_panel_times_out_a_silent_user_lists_and_lifts_it_and_looks_them_up(
    browser_run: dict[str, Any],
) -> None:
    steps = browser_run["steps"]
    silent = f"carol-{browser_run['alice'].split('-', 1)[1]}"
    assert steps["banText"].startswith(f"{silent}: timed out until ")
    assert steps["banText"].endswith("(Timed out by a moderator.)")
    assert steps["liftLabel"] == f"Lift the timeout of {silent}"
    assert steps["userView"].startswith(f"{silent}: 0 strikes counting")


def test_the_panel_names_its_buttons_dates_refusals_and_says_which_rule_masked(
    browser_run: dict[str, Any],
) -> None:
    panel, alice = browser_run["steps"]["panel"], browser_run["alice"]
    assert len(panel["refusedTimes"]) >= 2 and all(panel["refusedTimes"])
    assert f"Disconnect {alice}" in panel["actionLabels"]
    assert f"Time out {alice} for 60 seconds" in panel["actionLabels"]
    assert any(
        label.startswith(f"Delete message from {alice}: “") for label in panel["actionLabels"]
    )
    assert any(
        reason.startswith("Masked by rule profanity (profanity)") for reason in panel["maskReasons"]
    )


def test_the_panel_is_reachable_by_keyboard_and_the_page_has_a_heading(
    browser_run: dict[str, Any],
) -> None:
    assert browser_run["steps"]["headingAndKeyboard"] == []
    assert browser_run["steps"]["panelByKeyboard"] is True
