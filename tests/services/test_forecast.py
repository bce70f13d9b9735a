"""The forecast and exchange-rate services on a real workspace file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.forecast import FxRate, MonthFigures
from keyplan.services.records import AccountDraft, Change
from keyplan.services.workspace import WorkspaceServices

D = Decimal
MARCH = date(2026, 3, 1)


@pytest.fixture
def accounts(services: WorkspaceServices) -> dict[str, int]:
    """A USD group with a JPY subsidiary, a VND client and a EUR client."""
    group = services.accounts.create(AccountDraft("Aurora Group", currency="USD", kind="global"))
    return {
        "group": group,
        "japan": services.accounts.create(
            AccountDraft("Aurora Japan", currency="JPY", parent_id=group)
        ),
        "shop": services.accounts.create(AccountDraft("Saigon Shop", currency="VND")),
        "berlin": services.accounts.create(AccountDraft("Berlin Bikes", currency="EUR")),
    }


def _rates(services: WorkspaceServices) -> None:
    rates = services.exchange_rates
    rates.create("USD", "JPY", D("150"), date(2026, 1, 1), "Finance")
    rates.create("USD", "VND", D("25000"), date(2026, 1, 1), "Finance")
    rates.create("EUR", "USD", D("1.1"), date(2026, 1, 1), "Finance")


# -- editing and undo --------------------------------------------------------------------------


def test_a_figure_is_set_in_the_accounts_currency_and_undone_exactly(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    shop = accounts["shop"]
    change = forecast.set_month(shop, date(2026, 3, 17), "", "forecast", D("125000000"))
    assert change == Change({"forecast": None}, {"forecast": D("125000000")})
    second = forecast.update_month(shop, MARCH, "", {"forecast": D("130000000"), "target": D(1)})
    assert second.before == {"forecast": D("125000000"), "target": None}
    months = forecast.account_months(shop, 2026).months
    assert months[2] == MonthFigures(MARCH, D(1), D("130000000"), None)
    assert months[0] == MonthFigures(date(2026, 1, 1), None, None, None)
    # undo, one step at a time, as the undo stack replays it
    forecast.update_month(shop, MARCH, "", second.before, exact=True)
    assert forecast.account_months(shop, 2026).months[2].forecast == D("125000000")
    forecast.update_month(shop, MARCH, "", change.before, exact=True)
    assert forecast.account_months(shop, 2026).months[2] == MonthFigures(MARCH, None, None, None)
    assert forecast.month_entries([MARCH]) == []  # an empty row does not linger
    # redo
    forecast.update_month(shop, MARCH, "", change.after, exact=True)
    assert forecast.account_months(shop, 2026).months[2].forecast == D("125000000")
    assert forecast.set_month(shop, MARCH, "", "forecast", D("125000000")).is_empty


def test_figures_are_checked_against_the_currency(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    with pytest.raises(ValidationError, match="VND has no decimals"):
        forecast.set_month(accounts["shop"], MARCH, "", "target", D("10.5"))
    with pytest.raises(ValidationError, match="cannot be below 0"):
        forecast.set_month(accounts["shop"], MARCH, "", "forecast", D(-1))
    with pytest.raises(ValidationError, match="not a forecast figure"):
        forecast.set_month(accounts["shop"], MARCH, "", "margin", D(1))
    with pytest.raises(ValidationError):
        forecast.set_month(accounts["shop"], MARCH, "", "target", 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="month"):
        forecast.set_month(accounts["shop"], date(1800, 1, 1), "", "target", D(1))
    with pytest.raises(ValidationError, match="one line"):
        forecast.set_month(accounts["shop"], MARCH, "North\nSouth", "target", D(1))
    with pytest.raises(NotFoundError):
        forecast.set_month(9999, MARCH, "", "target", D(1))
    # a credit note can take a month's billing below zero
    forecast.set_month(accounts["berlin"], MARCH, "", "actual", D("-120.50"))
    assert forecast.account_months(accounts["berlin"], MARCH, 1).months[0].actual == D("-120.50")
    assert forecast.month_entries([MARCH])[0][2].actual == D("-120.50")


def test_business_units_and_their_sum(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    group = accounts["group"]
    forecast.set_month(group, MARCH, "Media", "forecast", D("100.10"))
    forecast.set_month(group, MARCH, "Brand", "forecast", D("200.20"))
    forecast.set_month(group, MARCH, "", "forecast", D("0.05"))
    assert forecast.business_units(group) == ["Brand", "Media"]
    assert forecast.account_months(group, 2026).months[2].forecast == D("300.35")
    media = forecast.account_months(group, 2026, business_unit="Media")
    assert media.months[2].forecast == D("100.10") and media.business_unit == "Media"
    assert media.currency == "USD" and media.minor_units == 2
    assert media.totals()["forecast"] == D("100.10") and media.totals()["target"] is None
    assert forecast.account_months(group, 2026, business_unit="").months[2].forecast == D("0.05")


# -- roll-ups ----------------------------------------------------------------------------------


def test_a_roll_up_converts_every_account_and_says_which_rates(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    forecast.set_month(accounts["group"], MARCH, "", "forecast", D("1000.00"))
    forecast.set_month(accounts["japan"], MARCH, "", "forecast", D("150001"))  # 1000.006 USD
    forecast.set_month(accounts["shop"], MARCH, "", "forecast", D("25000125"))  # 1000.005 USD
    forecast.set_month(accounts["berlin"], MARCH, "", "target", D("100.05"))  # 110.055 USD
    roll = forecast.roll_up(date(2026, 1, 1), 12)
    assert "No exchange rate" in roll.missing[0] and not roll.complete
    assert roll.months[2] == MonthFigures(MARCH, None, None, None)  # never at 1.0
    assert roll.months[0] == MonthFigures(date(2026, 1, 1), None, None, None)
    _rates(services)
    roll = forecast.roll_up(date(2026, 1, 1), 12)
    assert roll.complete and roll.currency == "USD"  # the agency's default currency
    assert roll.months[2] == MonthFigures(MARCH, D("110.06"), D("3000.02"), None)
    assert [(r.base, r.quote) for r in roll.rates_used] == [
        ("EUR", "USD"),
        ("USD", "JPY"),
        ("USD", "VND"),
    ]
    assert roll.rates_used[0] == FxRate("EUR", "USD", D("1.1"), date(2026, 1, 1), "Finance")
    # the group with its child account, in yen
    group = forecast.roll_up(date(2026, 1, 1), 12, account_id=accounts["group"], currency="jpy")
    assert group.currency == "JPY" and group.months[2].forecast == D(150000 + 150001)
    alone = forecast.roll_up(MARCH, 1, account_id=accounts["japan"], currency="JPY")
    assert alone.months[0].forecast == D(150001) and alone.rates_used == ()
    with pytest.raises(ValidationError):
        forecast.roll_up(MARCH, 1, currency="XYZ")


def test_a_roll_up_leaves_deleted_accounts_out_and_names_missing_rates(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    forecast.set_month(accounts["shop"], MARCH, "", "forecast", D("25000000"))
    forecast.set_month(accounts["berlin"], MARCH, "", "forecast", D("10.00"))
    services.exchange_rates.create("USD", "VND", D("25000"), date(2026, 3, 20))
    roll = forecast.roll_up(date(2026, 2, 1), 2)
    assert roll.missing == (
        "No exchange rate EUR→USD on or before 2026-03-31 (needed for 2026-03): add one under "
        "Exchange rates.",
    )
    services.accounts.delete(accounts["berlin"])
    roll = forecast.roll_up(date(2026, 2, 1), 2)
    assert roll.complete and roll.months[1].forecast == D("1000.00")
    assert roll.totals() == MonthFigures(date(2026, 2, 1), None, D("1000.00"), None)


# -- snapshots ---------------------------------------------------------------------------------


def test_freezing_a_week_and_comparing_the_forecast_since(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    _rates(services)
    forecast.set_month(accounts["shop"], MARCH, "", "forecast", D("25000000"))
    forecast.set_month(accounts["group"], MARCH, "Media", "forecast", D("500.00"))
    first = forecast.freeze_week(date(2026, 3, 19), "Before the QBR")  # a Thursday
    snapshot = forecast.snapshot(first)
    assert snapshot.week_start == date(2026, 3, 16) and snapshot.week == "2026-W12"
    assert snapshot.label == "Before the QBR" and snapshot.values == 2
    forecast.set_month(accounts["shop"], MARCH, "", "forecast", D("30000000"))
    forecast.set_month(accounts["shop"], date(2026, 4, 1), "", "forecast", D("2500000"))
    shop = forecast.compare(first, accounts["shop"])
    assert shop.currency == "VND" and shop.months[0].month == date(2026, 1, 1)
    assert (shop.months[2].before, shop.months[2].after) == (D("25000000"), D("30000000"))
    assert shop.months[2].delta == D("5000000") and shop.months[3].delta == D("2500000")
    assert shop.months[0].delta is None
    portfolio = forecast.compare(first)
    assert portfolio.currency == "USD" and portfolio.months[2].delta == D("200.00")
    media = forecast.compare(first, accounts["group"], business_unit="Media")
    assert media.months[2].delta == D(0)
    # a second freeze the same week replaces the first
    again = forecast.freeze_week(date(2026, 3, 22), "After the QBR")
    assert [s.label for s in forecast.snapshots()] == ["After the QBR"]
    assert forecast.compare(again, accounts["shop"]).months[2].delta == D(0)
    assert forecast.snapshot_for_week(date(2026, 3, 16)) == forecast.snapshot(again)
    assert forecast.snapshot_for_week(date(2026, 3, 23)) is None
    later = forecast.freeze_week(date(2026, 3, 23))
    assert [s.id for s in forecast.snapshots()] == [later, again]  # newest week first


def test_a_deleted_snapshot_comes_back_exactly(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    forecast = services.forecast
    forecast.set_month(accounts["japan"], MARCH, "Retail", "target", D(900000))
    forecast.set_month(accounts["japan"], MARCH, "Retail", "forecast", D(880000))
    snapshot_id = forecast.freeze_week(date(2026, 3, 18), "W12")
    kept = forecast.frozen(snapshot_id)
    removed = forecast.delete_snapshot(snapshot_id)
    assert removed == kept and forecast.snapshots() == []
    with pytest.raises(NotFoundError):
        forecast.compare(snapshot_id)
    assert forecast.restore_snapshot(removed) == snapshot_id
    assert forecast.frozen(snapshot_id) == kept
    with pytest.raises(ValidationError, match="has a snapshot already"):
        forecast.restore_snapshot(removed)


def test_listing_snapshots_reads_the_same_for_2_or_20_weeks(
    services: WorkspaceServices, accounts: dict[str, int]
) -> None:
    """No count query per snapshot (N+1); each still says how many values it froze."""
    forecast = services.forecast
    forecast.set_month(accounts["shop"], MARCH, "", "forecast", D("25000000"))

    def statements_for(weeks: int) -> int:
        for week in range(len(forecast.snapshots()), weeks):
            forecast.freeze_week(date(2026, 1, 5) + timedelta(weeks=week))
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        engine = services.workspace.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            listed = forecast.snapshots()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(listed) == weeks and {s.values for s in listed} == {1}
        return len(statements)

    assert statements_for(2) == statements_for(20)


# -- exchange rates ----------------------------------------------------------------------------


def test_exchange_rates_are_validated_edited_deleted_and_restored(
    services: WorkspaceServices,
) -> None:
    rates = services.exchange_rates
    rate_id = rates.create(" usd", "vnd", D("25400"), date(2026, 1, 1), "Vietcombank")
    record = rates.get(rate_id)
    assert (record.base, record.quote, record.rate, record.source) == (
        "USD",
        "VND",
        D("25400"),
        "Vietcombank",
    )
    for base, quote, rate, field in (
        ("USD", "USD", D(1), "quote"),
        ("USD", "XYZ", D(1), "quote"),
        ("US", "VND", D(1), "base"),
        ("EUR", "USD", D(0), "rate"),
        ("EUR", "USD", D(-2), "rate"),
    ):
        with pytest.raises(ValidationError) as raised:
            rates.create(base, quote, rate, date(2026, 1, 1))
        assert raised.value.field == field
    with pytest.raises(ValidationError, match="already"):
        rates.create("VND", "USD", D("0.00004"), date(2026, 1, 1))  # the same pair, reversed
    change = rates.update(rate_id, {"rate": D("25500"), "source": "SBV"})
    assert change.after == {"rate": D("25500"), "source": "SBV"}
    rates.update(rate_id, change.before, exact=True)
    assert rates.get(rate_id).rate == D("25400")
    with pytest.raises(ValidationError, match="different"):
        rates.update(rate_id, {"quote": "USD"})
    deletion = rates.delete(rate_id)
    assert rates.rates() == []
    assert [i.kind for i in services.deleted_items()] == ["exchange_rate"]
    services.service_for("exchange_rate").restore(deletion)
    assert [r.id for r in rates.rates()] == [rate_id]
    assert rates.table().lookup("VND", "USD", date(2026, 2, 1)) is not None
    later = rates.create("USD", "VND", D("26000"), date(2026, 6, 1))
    rates.purge(later)
    assert [r.id for r in rates.rates()] == [rate_id]
