"""Rate cards: the agency's card and account overrides, dates, currencies, and the copy rule.

A labour line copies the rate when it is created; changing the card afterwards never
changes an estimate (compared on the whole document, totals included).
"""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.estimate_records import LineDraft, RateOption
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
JAN = date(2026, 1, 1)
JUL = date(2026, 7, 1)


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
def lotus(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD"))


@pytest.fixture
def sakura(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Sakura Foods", currency="USD"))


@pytest.fixture
def agency_card(services: WorkspaceServices) -> int:
    cards = services.rate_cards
    card = cards.create_card("Agency 2026", "USD")
    cards.add_rate(card, "Designer", D(100), D(40), valid_from=JAN)
    cards.add_rate(card, "Developer", D(120), D(60), valid_from=JAN)
    cards.add_rate(card, "Account Director", D(900), D(500), unit="day", valid_from=JAN)
    return card


def options(
    services: WorkspaceServices, account_id: int, on: date, currency: str = "USD"
) -> dict[str, tuple[Decimal, Decimal, str]]:
    return {
        o.role: (o.bill_rate, o.cost_rate, o.source)
        for o in services.rate_cards.options(account_id, currency, on)
    }


# -- cards and rates ---------------------------------------------------------------------------


def test_cards_agency_first_then_account_overrides(
    services: WorkspaceServices, lotus: int, agency_card: int
) -> None:
    override = services.rate_cards.create_card("Lotus rates", "usd", lotus)
    cards = services.rate_cards.cards()
    assert [(c.id, c.account_id, c.account_name, c.currency) for c in cards] == [
        (agency_card, None, "", "USD"),
        (override, lotus, "Lotus Bank", "USD"),
    ]


@pytest.mark.parametrize(
    ("name", "currency", "account", "field"),
    [
        ("", "USD", None, "name"),
        ("Card", "XXX1", None, "currency"),
        ("Card", "USD", 9999, "account_id"),
    ],
)
def test_create_card_refuses_bad_input(
    services: WorkspaceServices,
    tmp_path: Path,
    name: str,
    currency: str,
    account: int | None,
    field: str,
) -> None:
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.rate_cards.create_card(name, currency, account)
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before


def test_rates_are_listed_by_role_and_date(services: WorkspaceServices, agency_card: int) -> None:
    cards = services.rate_cards
    cards.add_rate(agency_card, "Designer", D(110), D(45), valid_from=JUL)
    rates = cards.rates(agency_card)
    assert [(r.role, r.valid_from, r.bill_rate, r.unit) for r in rates] == [
        ("Account Director", JAN, D("900.00"), "day"),
        ("Designer", JAN, D("100.00"), "hour"),
        ("Designer", JUL, D("110.00"), "hour"),
        ("Developer", JAN, D("120.00"), "hour"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bill_rate": D(-1)}, "bill_rate"),
        ({"cost_rate": D(-1)}, "cost_rate"),
        ({"bill_rate": D("10.001")}, "bill_rate"),
        ({"unit": "week"}, "unit"),
        ({"role": ""}, "role"),
        ({"role": "r" * 121}, "role"),
        ({"valid_from": date(1900, 1, 1)}, "valid_from"),
    ],
)
def test_add_rate_refuses_bad_input(
    services: WorkspaceServices,
    agency_card: int,
    tmp_path: Path,
    kwargs: dict[str, Any],
    field: str,
) -> None:
    values: dict[str, Any] = {
        "role": "Copywriter",
        "bill_rate": D(80),
        "cost_rate": D(30),
        "valid_from": JAN,
        **kwargs,
    }
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.rate_cards.add_rate(
            agency_card,
            values.pop("role"),
            values.pop("bill_rate"),
            values.pop("cost_rate"),
            **values,
        )
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before


def test_zero_decimal_card_refuses_fractional_rates(services: WorkspaceServices) -> None:
    card = services.rate_cards.create_card("Tokyo", "JPY")
    with pytest.raises(ValidationError) as error:
        services.rate_cards.add_rate(card, "Designer", D("12000.5"), D(5000), valid_from=JAN)
    assert "JPY" in error.value.message
    rate = services.rate_cards.add_rate(card, "Designer", D(12000), D(5000), valid_from=JAN)
    [record] = services.rate_cards.rates(card)
    assert (record.id, record.bill_rate, str(record.bill_rate)) == (rate, D(12000), "12000")


def test_floats_are_refused_on_rates(services: WorkspaceServices, agency_card: int) -> None:
    with pytest.raises(TypeError):
        services.rate_cards.add_rate(agency_card, "Designer", 100.0, D(1))  # type: ignore[arg-type]
    rate = services.rate_cards.rates(agency_card)[0].id
    with pytest.raises(TypeError):
        services.rate_cards.update_rate(rate, {"cost_rate": 40.5})


def test_update_rate_reports_its_change_and_undo_puts_it_back(
    services: WorkspaceServices, agency_card: int
) -> None:
    cards = services.rate_cards
    rate = next(r for r in cards.rates(agency_card) if r.role == "Designer")
    change = cards.update_rate(rate.id, {"bill_rate": D("105.50"), "unit": "hour"})
    assert change.before == {"bill_rate": D("100.00")}
    assert change.after == {"bill_rate": D("105.50")}
    with pytest.raises(ValidationError):
        cards.update_rate(rate.id, {"colour": "red"})
    cards.update_rate(rate.id, change.before, exact=True)
    assert next(r for r in cards.rates(agency_card) if r.id == rate.id) == rate


def test_delete_rate_and_put_it_back_with_its_id(
    services: WorkspaceServices, agency_card: int
) -> None:
    cards = services.rate_cards
    before = cards.rates(agency_card)
    record = cards.delete_rate(before[1].id)
    assert [r.id for r in cards.rates(agency_card)] == [before[0].id, before[2].id]
    cards.add_rate(
        record.rate_card_id,
        record.role,
        record.bill_rate,
        record.cost_rate,
        unit=record.unit,
        valid_from=record.valid_from,
        rate_id=record.id,
    )
    assert cards.rates(agency_card) == before
    with pytest.raises(NotFoundError):
        cards.delete_rate(9999)


def test_purging_a_card_removes_its_rates(services: WorkspaceServices, agency_card: int) -> None:
    services.rate_cards.purge(agency_card)
    assert services.rate_cards.cards() == []
    with pytest.raises(NotFoundError):
        services.rate_cards.rates(agency_card)


# -- which rate a line can use -----------------------------------------------------------------


def test_account_override_wins_over_the_agency_rate(
    services: WorkspaceServices, lotus: int, sakura: int, agency_card: int
) -> None:
    override = services.rate_cards.create_card("Lotus rates", "USD", lotus)
    services.rate_cards.add_rate(override, "designer", D(90), D(40), valid_from=JAN)
    lotus_options = options(services, lotus, JUL)
    assert lotus_options == {
        "Account Director": (D("900.00"), D("500.00"), "agency"),
        "designer": (D("90.00"), D("40.00"), "account"),
        "Developer": (D("120.00"), D("60.00"), "agency"),
    }
    # another account's override is not used
    assert options(services, sakura, JUL)["Designer"] == (D("100.00"), D("40.00"), "agency")
    # the options carry everything a labour line needs
    option = next(o for o in services.rate_cards.options(lotus, "USD", JUL) if o.role == "designer")
    assert isinstance(option, RateOption)
    assert (option.unit, option.source) == ("hour", "account")


def test_the_latest_rate_on_or_before_the_date_applies(
    services: WorkspaceServices, lotus: int, agency_card: int
) -> None:
    cards = services.rate_cards
    cards.add_rate(agency_card, "Designer", D(110), D(45), valid_from=JUL)
    cards.add_rate(agency_card, "Designer", D(125), D(50), valid_from=date(2027, 1, 1))
    cards.add_rate(agency_card, "Strategist", D(200), D(90), valid_from=JUL)
    # before a role's first rate the role is still offered, at that first rate
    assert options(services, lotus, date(2025, 12, 31))["Designer"][0] == D("100.00")
    assert options(services, lotus, JAN)["Designer"][0] == D("100.00")
    assert options(services, lotus, date(2026, 6, 30))["Designer"][0] == D("100.00")
    assert options(services, lotus, JUL)["Designer"][0] == D("110.00")  # on the day
    assert options(services, lotus, date(2026, 12, 31))["Designer"][0] == D("110.00")
    assert options(services, lotus, date(2027, 3, 1))["Designer"][0] == D("125.00")
    assert options(services, lotus, date(2026, 6, 30))["Strategist"][0] == D("200.00")

    # an override starting later does not hide the agency rate before that date
    override = cards.create_card("Lotus rates", "USD", lotus)
    cards.add_rate(override, "Designer", D(95), D(45), valid_from=date(2026, 9, 1))
    assert options(services, lotus, JUL)["Designer"] == (D("110.00"), D("45.00"), "agency")
    assert options(services, lotus, date(2026, 9, 1))["Designer"] == (
        D("95.00"),
        D("45.00"),
        "account",
    )


def test_only_cards_in_the_estimate_currency_count(
    services: WorkspaceServices, lotus: int, agency_card: int
) -> None:
    cards = services.rate_cards
    euro = cards.create_card("Agency EUR", "EUR")
    cards.add_rate(euro, "Designer", D(85), D(35), valid_from=JAN)
    cards.add_rate(euro, "Translator", D(60), D(30), valid_from=JAN)
    yen = cards.create_card("Lotus JPY", "JPY", lotus)
    cards.add_rate(yen, "Designer", D(15000), D(6000), valid_from=JAN)
    assert set(options(services, lotus, JUL)) == {"Account Director", "Designer", "Developer"}
    assert options(services, lotus, JUL)["Designer"][0] == D("100.00")
    assert options(services, lotus, JUL, "EUR") == {
        "Designer": (D("85.00"), D("35.00"), "agency"),
        "Translator": (D("60.00"), D("30.00"), "agency"),
    }
    assert options(services, lotus, JUL, "JPY") == {"Designer": (D(15000), D(6000), "account")}
    assert options(services, lotus, JUL, "VND") == {}


def test_a_deleted_card_offers_nothing(
    services: WorkspaceServices, lotus: int, agency_card: int
) -> None:
    deletion = services.rate_cards.delete(agency_card)
    assert options(services, lotus, JUL) == {}
    services.rate_cards.restore(deletion)
    assert "Designer" in options(services, lotus, JUL)


# -- the copy rule -----------------------------------------------------------------------------


def test_a_line_keeps_the_rate_it_was_created_with(
    services: WorkspaceServices, lotus: int, agency_card: int
) -> None:
    cards = services.rate_cards
    estimates = services.estimates
    ref = estimates.create(lotus, "Brand site", issued_on=JUL, tax_rate=D(10))
    section = estimates.document(ref.revision_id).sections[0].id
    [designer] = [o for o in cards.options(lotus, "USD", JUL) if o.role == "Designer"]
    line = estimates.add_line(
        section,
        LineDraft(
            kind="labour",
            description="Design",
            role=designer.role,
            unit=designer.unit,
            quantity=D(40),
            unit_price=designer.bill_rate,
            unit_cost=designer.cost_rate,
        ),
    )
    before = estimates.document(ref.revision_id)
    assert before.totals.total == D("4400.00")
    assert before.totals.internal.cost == D("1600.00")

    # the card changes in every way it can
    cards.update_rate(designer.rate_id, {"bill_rate": D(150), "cost_rate": D(70)})
    cards.add_rate(agency_card, "Designer", D(175), D(80), valid_from=JUL)
    override = cards.create_card("Lotus rates", "USD", lotus)
    cards.add_rate(override, "Designer", D(60), D(20), valid_from=JAN)
    assert options(services, lotus, JUL)["Designer"] == (D("60.00"), D("20.00"), "account")

    after = estimates.document(ref.revision_id)
    assert after == before
    assert after.line(line).unit_price == D("100.00")
    assert after.line(line).unit_cost == D("40.00")

    cards.delete_rate(designer.rate_id)
    cards.purge(override)
    assert estimates.document(ref.revision_id) == before

    # a new line takes the rate in force now
    [now] = [o for o in cards.options(lotus, "USD", JUL) if o.role == "Designer"]
    assert now.bill_rate == D("175.00")
    newer = estimates.add_line(section, LineDraft(quantity=D(1), unit_price=now.bill_rate))
    assert estimates.document(ref.revision_id).line(newer).amount == D("175.00")
    assert estimates.document(ref.revision_id).line(line).amount == D("4000.00")
