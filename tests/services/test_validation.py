"""Bad and unusual input at every entry point: every script and emoji, formula text,
pasted garbage, absurd numbers. Good text is kept exactly; bad text is refused
with the field named, and the workspace file is not touched."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyplan.domain.errors import ValidationError
from keyplan.services.records import AccountDraft, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices

NAMES_IN_EVERY_SCRIPT = [
    "Nguyễn Thị Hương",
    "Дмитрий Иванов",
    "张伟",
    "株式会社サンプル",
    "한국어 주식회사",
    "😀 Happy Co",
    "👩🏽‍💼 Team 🇻🇳",
    "Ελληνικά Α.Ε.",
    "شركة الاتصالات",
    "חברת בדיקה",
    "हिन्दी कंपनी",
    "บริษัท ไทย จำกัด",
    "Zürich Straße GmbH",
    "O'Brien & Søn",
    'Quote "Inc."',
    "Back\\slash; DROP TABLE account;--",
]

FORMULA_TEXT = [
    "=cmd|' /C calc'!A0",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1,1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
]


def name_setters(services: WorkspaceServices) -> dict[str, Callable[[str], str]]:
    """Each entry point that takes a one-line name: set it, return what was stored."""
    account_id = services.accounts.create(AccountDraft("Host"))

    def account(text: str) -> str:
        return services.accounts.get(services.accounts.create(AccountDraft(text))).name

    def contact(text: str) -> str:
        return services.contacts.get(services.contacts.create(account_id, ContactDraft(text))).name

    def note(text: str) -> str:
        note_id = services.notes.create(account_id, NoteDraft(text, date(2025, 1, 1)))
        return services.notes.get(note_id).title

    def member(text: str) -> str:
        member_id = services.team.create(text)
        return next(m.name for m in services.team.all() if m.id == member_id)

    def agency(text: str) -> str:
        services.agency.update({"name": text})
        return services.agency.get().name

    return {"account": account, "contact": contact, "note": note, "team": member, "agency": agency}


ENTRY_POINTS = ["account", "contact", "note", "team", "agency"]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("text", NAMES_IN_EVERY_SCRIPT)
def test_every_script_and_emoji_is_kept_exactly(
    services: WorkspaceServices, entry: str, text: str
) -> None:
    assert name_setters(services)[entry](text) == text


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("text", FORMULA_TEXT)
def test_formula_like_text_is_stored_verbatim(
    services: WorkspaceServices, entry: str, text: str
) -> None:
    # Stored as typed: escaping for spreadsheets is the exporter's job, not the store's.
    assert name_setters(services)[entry](text) == text


def test_formula_like_text_in_every_free_text_field(
    services: WorkspaceServices, account_id: int
) -> None:
    formula = FORMULA_TEXT[0]
    services.accounts.update(
        account_id,
        {"notes": formula, "health_reason": formula, "industry": formula, "legal_name": formula},
    )
    record = services.accounts.get(account_id)
    assert (record.notes, record.health_reason, record.industry, record.legal_name) == (
        (formula,) * 4
    )
    contact_id = services.contacts.create(
        account_id, ContactDraft("C", title=formula, location=formula, notes=formula)
    )
    contact = services.contacts.get(contact_id)
    assert (contact.title, contact.location, contact.notes) == (formula,) * 3
    note_id = services.notes.create(account_id, NoteDraft("N", date(2025, 1, 1), body=formula))
    assert services.notes.get(note_id).body == formula
    services.agency.update({"payment_terms": formula, "address": formula})
    assert services.agency.get().payment_terms == formula


def test_names_are_stored_in_nfc(services: WorkspaceServices) -> None:
    decomposed = "Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031b\u0300ng"
    assert decomposed != "Nguyễn Thị Hường"
    stored = name_setters(services)["account"](decomposed)
    assert stored == "Nguyễn Thị Hường"
    assert stored == unicodedata.normalize("NFC", decomposed)


# -- a property over all one-line text ----------------------------------------------------------

one_line_text = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=0,
    max_size=210,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=one_line_text)
def test_any_one_line_name_is_kept_or_refused_with_the_field(
    services: WorkspaceServices, text: str
) -> None:
    expected = unicodedata.normalize("NFC", text).strip()
    if expected and len(expected) <= 200:
        account_id = services.accounts.create(AccountDraft(text))
        assert services.accounts.get(account_id).name == expected
    else:
        with pytest.raises(ValidationError) as raised:
            services.accounts.create(AccountDraft(text))
        assert raised.value.field == "name"


multi_line_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\r"),
    max_size=300,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=multi_line_text)
def test_any_note_body_is_kept_or_refused_for_control_characters(
    services: WorkspaceServices, account_id: int, text: str
) -> None:
    expected = unicodedata.normalize("NFC", text).strip()
    has_control = any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in expected)
    draft = NoteDraft("Body test", date(2025, 1, 1), body=text)
    if has_control:
        with pytest.raises(ValidationError) as raised:
            services.notes.create(account_id, draft)
        assert raised.value.field == "body"
    else:
        assert services.notes.get(services.notes.create(account_id, draft)).body == expected


# -- pasted garbage ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        "Acme\r\nCorp",
        "Acme\nCorp\n2024",
        "Acme\x00",
        "Acme\x1b[31m",
        "\x0cAcme\x0bCorp",
        "Acme\x85Corp",
    ],
    ids=["crlf", "lf", "nul", "escape", "form-feed-vtab", "nel"],
)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_pasted_line_breaks_and_control_characters_are_refused(
    services: WorkspaceServices, entry: str, pasted: str
) -> None:
    setter = name_setters(services)[entry]
    with pytest.raises(ValidationError) as raised:
        setter(pasted)
    assert raised.value.field in {"name", "title"}
    assert "one line" in str(raised.value)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_unicode_line_separators_are_refused_in_names(
    services: WorkspaceServices, separator: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.accounts.create(AccountDraft(f"Acme{separator}Corp"))
    assert raised.value.field == "name"


def test_a_tab_pasted_into_a_name_is_refused_or_removed(services: WorkspaceServices) -> None:
    try:
        account_id = services.accounts.create(AccountDraft("Acme Corp\tUSD\tVIP"))
    except ValidationError as refused:
        assert refused.field == "name"
    else:
        assert "\t" not in services.accounts.get(account_id).name


# -- absurd numbers and wrong types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("apply", "field"),
    [
        (
            lambda s, a: s.accounts.update(a, {"contact_cadence_days": 10**18}),
            "contact_cadence_days",
        ),
        (lambda s, a: s.accounts.update(a, {"contact_cadence_days": "30"}), "contact_cadence_days"),
        (lambda s, a: s.accounts.update(a, {"contact_cadence_days": 7.0}), "contact_cadence_days"),
        (lambda s, a: s.accounts.update(a, {"health_date": "2025-01-01"}), "health_date"),
        (lambda s, a: s.accounts.update(a, {"parent_id": 1.0}), "parent_id"),
        (lambda s, a: s.contacts.create(a, ContactDraft("C", influence=-1)), "influence"),
        (lambda s, a: s.contacts.create(a, ContactDraft("C", influence=2.5)), "influence"),  # type: ignore[arg-type]
        (
            lambda s, a: s.contacts.create(a, ContactDraft("C", relationship_strength=10**9)),
            "relationship_strength",
        ),
        (lambda s, a: s.agency.update({"fiscal_year_start_month": -1}), "fiscal_year_start_month"),
        (
            lambda s, a: s.agency.update({"margin_floor_percent": "1e400"}),
            "margin_floor_percent",
        ),
        (lambda s, a: s.agency.update({"default_tax_rate": "1.234.5"}), "default_tax_rate"),
    ],
    ids=[
        "cadence-huge",
        "cadence-text",
        "cadence-float",
        "health-date-text",
        "parent-float",
        "influence-negative",
        "influence-fraction",
        "strength-huge",
        "month-negative",
        "margin-1e400",
        "tax-two-points",
    ],
)
def test_absurd_numbers_and_wrong_types_are_refused(
    services: WorkspaceServices, account_id: int, apply: Callable[..., Any], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        apply(services, account_id)
    assert raised.value.field == field


# -- refusals do not touch the file --------------------------------------------------------------


def file_state(path: Path) -> dict[str, str]:
    state = {}
    for candidate in (path, Path(f"{path}-wal")):
        if candidate.exists():
            state[candidate.name] = hashlib.sha256(candidate.read_bytes()).hexdigest()
    return state


def test_refused_input_leaves_the_workspace_file_byte_identical(
    services: WorkspaceServices, account_id: int
) -> None:
    parent = services.accounts.create(AccountDraft("Parent"))
    child = services.accounts.create(AccountDraft("Child", parent_id=parent))
    boss = services.contacts.create(account_id, ContactDraft("Boss"))
    report = services.contacts.create(account_id, ContactDraft("Report", reports_to_id=boss))
    note = services.notes.create(account_id, NoteDraft("Note", date(2025, 1, 1)))
    services.agency.get()
    before = file_state(services.path)
    assert before  # the file (and its WAL) exist

    attempts: list[Callable[[], object]] = [
        lambda: services.accounts.create(AccountDraft("")),
        lambda: services.accounts.update(account_id, {"name": "ok", "currency": "XYZ"}),
        lambda: services.accounts.update(parent, {"parent_id": child}),
        lambda: services.accounts.update(parent, {"parent_id": child}, exact=True),
        lambda: services.contacts.update(boss, {"reports_to_id": report}),
        lambda: services.contacts.create(account_id, ContactDraft("X", email="nope")),
        lambda: services.notes.update(note, {"noted_on": date(1066, 10, 14)}),
        lambda: services.agency.update({"name": "ok", "brand_colour": "blue"}),
        lambda: services.agency.set_logo(b"GIF89a"),
        lambda: services.team.create("", "role"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert file_state(services.path) == before
