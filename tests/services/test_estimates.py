"""Estimates through the service: numbering, creation, header figures, currency, no float.

Real workspace files in ``tmp_path``; every figure is read back with ``document()``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import DomainError, FrozenError, NotFoundError, ValidationError
from keyplan.services.estimate_records import LineDraft, ProjectDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
DAY = date(2026, 3, 2)


def fingerprint(services: WorkspaceServices, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the whole workspace file."""
    copy = services.save_copy(folder / f"fingerprint-{uuid.uuid4().hex}.keyplan")
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def usd(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD", market="VN"))


@pytest.fixture
def jpy(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Sakura Foods", currency="JPY", market="JP"))


def first_section(services: WorkspaceServices, revision_id: int) -> int:
    return services.estimates.document(revision_id).sections[0].id


# -- numbering ---------------------------------------------------------------------------------


def test_default_pattern_counts_per_year(services: WorkspaceServices, usd: int) -> None:
    create = services.estimates.create
    numbers = [
        create(usd, "A", issued_on=date(2026, 1, 5)).number,
        create(usd, "B", issued_on=date(2026, 12, 31)).number,
        create(usd, "C", issued_on=date(2027, 1, 1)).number,
        create(usd, "D", issued_on=date(2026, 6, 1)).number,
        create(usd, "E", issued_on=date(2027, 2, 1)).number,
    ]
    assert numbers == [
        "KP-2026-0001",
        "KP-2026-0002",
        "KP-2027-0001",
        "KP-2026-0003",
        "KP-2027-0002",
    ]


def test_pattern_comes_from_the_agency_profile_with_the_account_code(
    services: WorkspaceServices,
) -> None:
    services.agency.update({"estimate_number_pattern": "EST-{account}-{year}-{seq:03}"})
    sen = services.accounts.create(AccountDraft("Sen Việt", currency="VND"))
    lotus = services.accounts.create(AccountDraft("lotus bank", currency="USD"))
    emoji = services.accounts.create(AccountDraft("🌸🌸", currency="USD"))
    create = services.estimates.create
    assert create(sen, "A", issued_on=DAY).number == "EST-SEN-2026-001"
    # the sequence is per year, shared by all accounts
    assert create(lotus, "B", issued_on=DAY).number == "EST-LOT-2026-002"
    assert create(emoji, "C", issued_on=DAY).number == "EST-ACC-2026-003"


def test_a_taken_number_is_skipped(services: WorkspaceServices, usd: int) -> None:
    create = services.estimates.create
    assert create(usd, "A", issued_on=DAY).number == "KP-2026-0001"
    # a redo put back KP-2026-0002 by its number: the next one must not collide with it
    create(usd, "Redo", issued_on=DAY, number="KP-2026-0002")
    assert create(usd, "B", issued_on=DAY).number == "KP-2026-0003"

    # a pattern without the year restarts the sequence every year: still unique
    services.agency.update({"estimate_number_pattern": "EST-{seq:03}"})
    first = create(usd, "C", issued_on=date(2025, 5, 1)).number
    second = create(usd, "D", issued_on=date(2026, 5, 1)).number
    third = create(usd, "E", issued_on=date(2027, 5, 1)).number
    assert first == "EST-001"
    assert len({first, second, third}) == 3
    summaries = services.estimates.summaries()
    assert len({s.number for s in summaries}) == len(summaries) == 6


def test_redo_of_a_purged_estimate_gets_the_same_id_and_number(
    services: WorkspaceServices, usd: int
) -> None:
    estimates = services.estimates
    estimates.create(usd, "Kept", issued_on=DAY)
    ref = estimates.create(usd, "Undone", issued_on=DAY)
    estimates.purge(ref.estimate_id)
    with pytest.raises(NotFoundError):
        estimates.document(ref.revision_id)
    with pytest.raises(NotFoundError):
        estimates.find(ref.number)

    again = estimates.create(
        usd, "Undone", issued_on=DAY, estimate_id=ref.estimate_id, number=ref.number
    )
    assert (again.estimate_id, again.number) == (ref.estimate_id, ref.number)
    assert estimates.find(ref.number) == again.revision_id
    assert estimates.create(usd, "Next", issued_on=DAY).number == "KP-2026-0003"


def test_only_a_new_unsent_estimate_can_be_purged(services: WorkspaceServices, usd: int) -> None:
    estimates = services.estimates
    ref = estimates.create(usd, "Sent", issued_on=DAY)
    estimates.add_line(first_section(services, ref.revision_id), LineDraft(unit_price=D(1)))
    estimates.send(ref.revision_id, DAY)
    with pytest.raises(DomainError):
        estimates.purge(ref.estimate_id)
    assert estimates.document(ref.revision_id).status == "sent"


# -- creating ----------------------------------------------------------------------------------


def test_create_takes_defaults_from_account_and_agency(services: WorkspaceServices) -> None:
    services.agency.update({"default_tax_rate": D(10), "payment_terms": "30 days net"})
    vnd = services.accounts.create(AccountDraft("Saigon Shop", currency="VND"))
    ref = services.estimates.create(vnd, "  Tết campaign  ", issued_on=DAY)
    doc = services.estimates.document(ref.revision_id)
    assert (doc.title, doc.currency, doc.status, doc.revision) == (
        "Tết campaign",
        "VND",
        "draft",
        1,
    )
    assert doc.tax_rate == D(10)
    adj = doc.adjustments
    assert adj.discount_tax_rate == adj.contingency_tax_rate == adj.fee_tax_rate == D(10)
    assert doc.terms == "30 days net"
    assert doc.issued_on == DAY
    assert [s.name for s in doc.sections] == ["Scope"]
    assert doc.sections[0].lines == ()
    assert doc.totals.total == D(0)

    other = services.estimates.create(
        vnd, "In euro", currency="eur", tax_rate=D(0), section_name="Phase 1", issued_on=DAY
    )
    doc = services.estimates.document(other.revision_id)
    assert (doc.currency, doc.tax_rate, doc.sections[0].name) == ("EUR", D(0), "Phase 1")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"currency": "XYZ"}, "currency"),
        ({"tax_rate": D(101)}, "tax_rate"),
        ({"tax_rate": D("10.12345")}, "tax_rate"),
        ({"issued_on": date(1900, 1, 1)}, "issued_on"),
        ({"section_name": " "}, "name"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    services: WorkspaceServices, usd: int, tmp_path: Path, kwargs: dict[str, Any], field: str
) -> None:
    before = fingerprint(services, tmp_path)
    values: dict[str, Any] = {"title": "Fine", "issued_on": DAY, **kwargs}
    title = values.pop("title")
    with pytest.raises(ValidationError) as error:
        services.estimates.create(usd, title, **values)
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before


def test_create_refuses_an_unknown_or_deleted_account(
    services: WorkspaceServices, usd: int
) -> None:
    with pytest.raises(ValidationError) as error:
        services.estimates.create(9999, "Ghost", issued_on=DAY)
    assert error.value.field == "account_id"
    services.accounts.delete(usd)
    with pytest.raises(ValidationError):
        services.estimates.create(usd, "Gone", issued_on=DAY)
    assert services.estimates.summaries() == []


def test_estimate_project_must_belong_to_the_account(
    services: WorkspaceServices, usd: int, jpy: int
) -> None:
    theirs = services.projects.create(jpy, ProjectDraft("Sakura launch"))
    ours = services.projects.create(usd, ProjectDraft("Lotus app"))
    with pytest.raises(ValidationError) as error:
        services.estimates.create(usd, "Wrong", project_id=theirs, issued_on=DAY)
    assert error.value.field == "project_id"
    with pytest.raises(ValidationError):
        services.estimates.create(usd, "Missing", project_id=9999, issued_on=DAY)
    ref = services.estimates.create(usd, "Right", project_id=ours, issued_on=DAY)
    doc = services.estimates.document(ref.revision_id)
    assert (doc.project_id, doc.project_name) == (ours, "Lotus app")


# -- header: discount, contingency, fee, tax ---------------------------------------------------


@pytest.fixture
def priced(services: WorkspaceServices, usd: int) -> int:
    """A USD draft at 10 % tax: labour 1,000.00, third party 600.00, expense 150.00 at 0 %."""
    estimates = services.estimates
    ref = estimates.create(usd, "Brand site", issued_on=DAY, tax_rate=D(10))
    section = first_section(services, ref.revision_id)
    estimates.add_line(
        section,
        LineDraft(kind="labour", description="Design", quantity=D(10), unit_price=D(100)),
    )
    estimates.add_line(
        section,
        LineDraft(kind="third_party", description="Print", unit_cost=D(500), markup_percent=D(20)),
    )
    estimates.add_line(
        section,
        LineDraft(
            kind="expense", description="Taxi", quantity=D(3), unit_price=D(50), tax_rate=D(0)
        ),
    )
    return ref.revision_id


def test_totals_follow_the_documented_order(services: WorkspaceServices, priced: int) -> None:
    estimates = services.estimates
    assert estimates.document(priced).totals.subtotal == D("1750.00")
    estimates.update_revision(
        priced,
        {"discount_value": D(10), "contingency_percent": D(5), "fee_percent": D(10)},
    )
    totals = estimates.document(priced).totals
    assert totals.subtotal == D("1750.00")
    assert totals.discount == D("175.00")
    assert totals.contingency == D("87.50")
    assert totals.fee == D("175.00")
    assert totals.net == D("1837.50")
    # 10 %: lines 1,600.00 - discount 175.00 + contingency 87.50 + fee 175.00
    assert dict(totals.taxable_by_rate) == {D(0): D("150.00"), D(10): D("1687.50")}
    assert dict(totals.tax_by_rate) == {D(0): D("0.00"), D(10): D("168.75")}
    assert totals.total == D("2006.25")
    assert totals.total == (
        totals.subtotal
        - totals.discount
        + totals.contingency
        + totals.fee
        + sum(totals.tax_by_rate.values())
    )


@pytest.mark.parametrize(
    ("base", "fee"), [("subtotal", "175.00"), ("labour", "100.00"), ("third_party", "60.00")]
)
def test_fee_is_computed_on_its_base(
    services: WorkspaceServices, priced: int, base: str, fee: str
) -> None:
    services.estimates.update_revision(priced, {"fee_percent": D(10), "fee_base": base})
    doc = services.estimates.document(priced)
    assert doc.adjustments.fee_base == base
    assert doc.totals.fee == D(fee)


def test_adjustments_carry_their_own_tax_rates(services: WorkspaceServices, priced: int) -> None:
    estimates = services.estimates
    estimates.update_revision(
        priced,
        {
            "contingency_percent": D(10),
            "contingency_tax_rate": D(0),
            "fee_percent": D(10),
            "fee_tax_rate": D(20),
        },
    )
    totals = estimates.document(priced).totals
    assert dict(totals.taxable_by_rate) == {
        D(0): D("325.00"),  # expense 150.00 + contingency 175.00
        D(10): D("1600.00"),
        D(20): D("175.00"),
    }
    assert dict(totals.tax_by_rate) == {D(0): D("0.00"), D(10): D("160.00"), D(20): D("35.00")}
    assert totals.total == D("2295.00")  # 1,750.00 + 175.00 + 175.00 + tax 195.00


def test_discount_percent_and_amount_switching_mode_resets(
    services: WorkspaceServices, priced: int
) -> None:
    estimates = services.estimates
    estimates.update_revision(priced, {"discount_value": D("12.5")})
    assert estimates.document(priced).totals.discount == D("218.75")

    change = estimates.update_revision(priced, {"discount_mode": "amount"})
    assert change.after["discount_mode"] == "amount"
    doc = estimates.document(priced)
    assert doc.adjustments.discount_mode == "amount"
    assert doc.adjustments.discount_value == D(0)
    assert doc.totals.discount == D("0.00")

    estimates.update_revision(priced, {"discount_value": D("99.99")})
    doc = estimates.document(priced)
    assert doc.adjustments.discount_value == D("99.99")
    assert doc.totals.discount == D("99.99")
    with pytest.raises(ValidationError) as error:
        estimates.update_revision(priced, {"discount_value": D("0.001")})
    assert error.value.field == "discount_value"
    with pytest.raises(ValidationError):
        estimates.update_revision(priced, {"discount_value": D(-1)})

    estimates.update_revision(priced, {"discount_mode": "percent"})
    doc = estimates.document(priced)
    assert (doc.adjustments.discount_mode, doc.adjustments.discount_value) == ("percent", D(0))
    with pytest.raises(ValidationError):
        estimates.update_revision(priced, {"discount_value": D("100.01")})
    with pytest.raises(ValidationError):
        estimates.update_revision(priced, {"discount_mode": "bogus"})


def test_undo_of_a_discount_mode_switch_restores_the_discount(
    services: WorkspaceServices, priced: int
) -> None:
    estimates = services.estimates
    estimates.update_revision(priced, {"discount_value": D(10)})
    before = estimates.document(priced).totals
    change = estimates.update_revision(priced, {"discount_mode": "amount"})
    estimates.update_revision(priced, change.before, exact=True)  # what undo does
    assert estimates.document(priced).totals == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contingency_percent": D(-1)}, "contingency_percent"),
        ({"fee_percent": D("100.5")}, "fee_percent"),
        ({"fee_base": "media"}, "fee_base"),
        ({"tax_rate": D("10.00001")}, "tax_rate"),
        ({"title": ""}, "title"),
        ({"valid_until": date(2026, 1, 1)}, "valid_until"),  # before issued_on
        ({"number": "X"}, "number"),
        ({"status": "approved"}, "status"),
        ({"currency": "JPY", "title": "x"}, "currency"),
    ],
)
def test_header_edits_are_validated_and_refused_whole(
    services: WorkspaceServices,
    priced: int,
    tmp_path: Path,
    changes: dict[str, Any],
    field: str,
) -> None:
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.estimates.update_revision(priced, {"client_notes": "ok", **changes})
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before


def test_header_texts_and_dates_round_trip(services: WorkspaceServices, priced: int) -> None:
    change = services.estimates.update_revision(
        priced,
        {
            "title": "Brand site 2.0",
            "valid_until": date(2026, 4, 30),
            "terms": "50 % on approval",
            "client_notes": "Prices in USD.",
            "internal_notes": "Client pays late.",
        },
    )
    assert change.after["title"] == "Brand site 2.0"
    doc = services.estimates.document(priced)
    assert (doc.title, doc.valid_until, doc.terms) == (
        "Brand site 2.0",
        date(2026, 4, 30),
        "50 % on approval",
    )
    assert (doc.client_notes, doc.internal_notes) == ("Prices in USD.", "Client pays late.")
    # an unchanged value is no change
    assert services.estimates.update_revision(priced, {"title": "Brand site 2.0"}).is_empty


def test_issued_on_cannot_move_after_valid_until(services: WorkspaceServices, priced: int) -> None:
    services.estimates.update_revision(priced, {"valid_until": date(2026, 3, 31)})
    with pytest.raises(ValidationError):
        services.estimates.update_revision(priced, {"issued_on": date(2026, 4, 15)})


def test_internal_notes_stay_editable_after_sending(
    services: WorkspaceServices, priced: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    estimates.send(priced, DAY)
    before = estimates.document(priced)
    estimates.update_revision(priced, {"internal_notes": "Called them: approval next week."})
    after = estimates.document(priced)
    assert after.internal_notes == "Called them: approval next week."
    assert dataclasses.replace(after, internal_notes=before.internal_notes) == before

    frozen = fingerprint(services, tmp_path)
    for changes in (
        {"title": "Other"},
        {"client_notes": "x"},
        {"terms": "x"},
        {"valid_until": date(2026, 5, 1)},
        {"discount_value": D(5)},
        {"internal_notes": "x", "title": "Other"},
    ):
        with pytest.raises(FrozenError):
            estimates.update_revision(priced, changes)
    assert fingerprint(services, tmp_path) == frozen


# -- currency change ---------------------------------------------------------------------------


def test_currency_change_keeps_values_and_rescales_minor_units(
    services: WorkspaceServices, jpy: int
) -> None:
    estimates = services.estimates
    ref = estimates.create(jpy, "Campaign", issued_on=DAY)
    section = first_section(services, ref.revision_id)
    line = estimates.add_line(
        section, LineDraft(quantity=D(3), unit_price=D(15000), unit_cost=D(9000))
    )
    estimates.update_revision(ref.revision_id, {"discount_mode": "amount"})
    estimates.update_revision(ref.revision_id, {"discount_value": D(500)})
    assert estimates.document(ref.revision_id).totals.total == D(44500)

    change = estimates.update_revision(ref.revision_id, {"currency": "USD"})
    assert change.before == {"currency": "JPY"}
    doc = estimates.document(ref.revision_id)
    assert doc.currency == "USD"
    assert doc.line(line).unit_price == D("15000.00")
    assert doc.line(line).unit_cost == D("9000.00")
    assert doc.adjustments.discount_value == D("500.00")
    assert doc.totals.total == D("44500.00")

    # back (undo): the same figures at zero decimals
    estimates.update_revision(ref.revision_id, change.before)
    doc = estimates.document(ref.revision_id)
    assert (doc.currency, doc.line(line).unit_price, doc.totals.total) == (
        "JPY",
        D(15000),
        D(44500),
    )
    assert str(doc.totals.total) == "44500"


def test_currency_change_to_jpy_is_refused_when_a_price_has_cents(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    estimates = services.estimates
    ref = estimates.create(usd, "Cents", issued_on=DAY)
    section = first_section(services, ref.revision_id)
    estimates.add_line(section, LineDraft(description="Whole", unit_price=D(100)))
    estimates.add_line(section, LineDraft(description="Cents", unit_price=D("12.50")))
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        estimates.update_revision(ref.revision_id, {"currency": "JPY"})
    assert error.value.field == "currency"
    assert "Cents" in error.value.message
    assert fingerprint(services, tmp_path) == before
    assert estimates.document(ref.revision_id).currency == "USD"

    # a discount amount with cents blocks it too
    cents = ref.revision_id
    estimates.delete_lines([estimates.document(cents).sections[0].lines[1].id])
    estimates.update_revision(cents, {"discount_mode": "amount"})
    estimates.update_revision(cents, {"discount_value": D("0.50")})
    with pytest.raises(ValidationError):
        estimates.update_revision(cents, {"currency": "KRW"})
    estimates.update_revision(cents, {"discount_value": D(1)})
    estimates.update_revision(cents, {"currency": "KRW"})
    assert estimates.document(cents).totals.total == D(99)


def test_editing_a_description_never_changes_a_price_after_a_currency_change(
    services: WorkspaceServices, jpy: int
) -> None:
    estimates = services.estimates
    ref = estimates.create(jpy, "Print", issued_on=DAY)
    line = estimates.add_line(
        first_section(services, ref.revision_id),
        LineDraft(kind="third_party", unit_cost=D(101), markup_percent=D("12.5")),
    )
    estimates.update_revision(ref.revision_id, {"currency": "USD"})
    before = estimates.document(ref.revision_id).totals.total
    estimates.update_line(line, {"description": "Posters"})
    assert estimates.document(ref.revision_id).totals.total == before


# -- money is never a float --------------------------------------------------------------------


def _float_calls(services: WorkspaceServices, usd: int) -> list[tuple[str, Callable[[], Any]]]:
    estimates = services.estimates
    ref = estimates.create(usd, "Floats", issued_on=DAY, tax_rate=D(10))
    section = first_section(services, ref.revision_id)
    line = estimates.add_line(section, LineDraft(quantity=D(2), unit_price=D(10)))
    card = services.rate_cards.create_card("Agency", "USD")
    rate = services.rate_cards.add_rate(card, "Designer", D(100), D(40), valid_from=DAY)
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("create tax_rate", lambda: estimates.create(usd, "F", issued_on=DAY, tax_rate=10.0)),
        ("agency default_tax_rate", lambda: services.agency.update({"default_tax_rate": 10.0})),
        ("agency margin floor", lambda: services.agency.update({"margin_floor_percent": 25.0})),
        ("add_rate bill", lambda: services.rate_cards.add_rate(card, "Dev", 100.0, D(1))),
        ("add_rate cost", lambda: services.rate_cards.add_rate(card, "Dev", D(1), 40.0)),
        ("update_rate", lambda: services.rate_cards.update_rate(rate, {"bill_rate": 120.0})),
    ]
    for name in ("quantity", "unit_price", "unit_cost", "markup_percent", "discount_percent"):
        calls.append(
            (f"add_line {name}", lambda n=name: estimates.add_line(section, LineDraft(**{n: 1.5})))
        )
        calls.append((f"update_line {name}", lambda n=name: estimates.update_line(line, {n: 1.5})))
    calls.append(
        ("add_line tax_rate", lambda: estimates.add_line(section, LineDraft(tax_rate=5.0)))
    )
    for name in (
        "tax_rate",
        "discount_value",
        "discount_tax_rate",
        "contingency_percent",
        "contingency_tax_rate",
        "fee_percent",
        "fee_tax_rate",
    ):
        calls.append(
            (
                f"update_revision {name}",
                lambda n=name: estimates.update_revision(ref.revision_id, {n: 1.5}),
            )
        )
    return calls


def test_a_float_anywhere_raises_type_error_and_writes_nothing(
    services: WorkspaceServices, usd: int, tmp_path: Path
) -> None:
    calls = _float_calls(services, usd)
    before = fingerprint(services, tmp_path)
    accepted = []
    for name, call in calls:
        try:
            call()
        except TypeError:
            continue
        except Exception as exc:
            accepted.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            accepted.append(f"{name}: accepted")
    assert accepted == []
    assert fingerprint(services, tmp_path) == before


def test_no_money_or_quantity_is_stored_as_real(
    services: WorkspaceServices, priced: int, tmp_path: Path
) -> None:
    services.estimates.update_revision(priced, {"discount_value": D("7.5")})
    copy = services.save_copy(tmp_path / "copy.keyplan")
    connection = sqlite3.connect(copy)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = []
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                kinds = {
                    row[0]
                    for row in connection.execute(
                        f'SELECT DISTINCT typeof("{column}") FROM {table}'
                    )
                }
                if "real" in kinds:
                    found.append(f"{table}.{column}")
            declared = {row[2].upper() for row in connection.execute(f"PRAGMA table_info({table})")}
            assert not {"REAL", "FLOAT", "DOUBLE"} & declared, table
    finally:
        connection.close()
    assert found == []
    assert services.estimates.document(priced).totals.discount == D("131.25")
