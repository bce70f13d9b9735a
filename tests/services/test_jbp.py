"""JbpService on a real SQLite workspace: one live plan per account and year, its parts,
sign-off rules, deriving QBPs and MBPs (edits survive, undo and redo), the business review,
activities across accounts for the portfolio, and what undo needs from every change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.demo import create_demo_workspace
from keyplan.services.jbp import (
    ActivityDraft,
    InvestmentDraft,
    MeasureDraft,
    ObjectiveDraft,
    PeriodActionDraft,
)
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal


@pytest.fixture
def jbp_id(services: WorkspaceServices, account_id: int) -> int:
    """A 2026 JBP of the VND account with a turnover target and a margin %."""
    plan = services.jbp.create(account_id, 2026, "Sen × Mekong 2026")
    record = services.jbp.get(plan)
    turnover, _volume, _cash, margin = record.measures
    services.jbp.update_measure(turnover.id, {"baseline": D(900_000_000), "target": D(1_000_000)})
    services.jbp.update_measure(margin.id, {"target": D("23.5")})
    return plan


def _measure(services: WorkspaceServices, jbp_id: int, name: str) -> int:
    return next(m.id for m in services.jbp.get(jbp_id).measures if m.name == name)


# -- the plan --------------------------------------------------------------------------------------


def test_a_new_plan_has_the_standard_targets_in_the_account_currency(
    services: WorkspaceServices, account_id: int
) -> None:
    plan = services.jbp.create(account_id, 2026)
    record = services.jbp.get(plan)
    assert (record.title, record.status, record.phase, record.currency) == (
        "Joint business plan 2026",
        "draft",
        "foundation",
        "VND",
    )
    assert [(m.name, m.metric, m.unit, m.kind) for m in record.measures] == [
        ("Turnover", "turnover", "VND", "target"),
        ("Volume", "volume", "units", "target"),
        ("Cash margin", "cash_margin", "VND", "target"),
        ("Margin %", "margin_pct", "%", "target"),
    ]
    assert services.jbp.find(account_id, 2026) == plan
    assert [s.year for s in services.jbp.for_account(account_id)] == [2026]


def test_one_live_plan_per_account_and_year(
    services: WorkspaceServices, account_id: int, jbp_id: int
) -> None:
    with pytest.raises(ValidationError, match="already has a joint business plan for 2026"):
        services.jbp.create(account_id, 2026)
    next_year = services.jbp.create(account_id, 2027)
    assert [s.year for s in services.jbp.for_account(account_id)] == [2027, 2026]
    # deleted: in Deleted items (kind jbp) and out of the way of a new one
    deletion = services.jbp.delete(jbp_id)
    item = next(i for i in services.deleted_items() if i.kind == "jbp")
    assert (item.name, item.account_name, item.entity_id) == (
        "Sen × Mekong 2026",
        "Saigon Shop",
        jbp_id,
    )
    with pytest.raises(NotFoundError):
        services.jbp.get(jbp_id)
    replacement = services.jbp.create(account_id, 2026, standard_targets=False)
    with pytest.raises(ValidationError, match="already has"):  # restoring would make two
        services.restore(item)
    services.jbp.purge(replacement)  # the undo of a create: gone for good, parts too
    assert services.restore(item) == [jbp_id]
    assert services.jbp.get(jbp_id).title == "Sen × Mekong 2026"
    assert deletion and next_year


def test_bad_input_is_refused_with_a_message(
    services: WorkspaceServices, account_id: int, jbp_id: int
) -> None:
    for call, field in (
        (lambda: services.jbp.create(account_id, 1800), "year"),
        (lambda: services.jbp.create(999, 2028), "account_id"),
        (lambda: services.jbp.update(jbp_id, {"phase": "launch"}), "phase"),
        (lambda: services.jbp.update(jbp_id, {"title": "  "}), "title"),
        (lambda: services.jbp.update(jbp_id, {"title": "a\nb"}), "title"),
        (lambda: services.jbp.update(jbp_id, {"currency": "EUR"}), "currency"),
        (lambda: services.jbp.add_objective(jbp_id, ObjectiveDraft("")), "statement"),
        (lambda: services.jbp.add_measure(jbp_id, MeasureDraft("x", metric="price")), "metric"),
        (lambda: services.jbp.add_measure(jbp_id, MeasureDraft("x", target=D("1e20"))), "target"),
        (
            lambda: services.jbp.add_measure(jbp_id, MeasureDraft("x", target=D("1.23456"))),
            "target",
        ),
        (
            lambda: services.jbp.add_investment(jbp_id, InvestmentDraft("x", amount=D("10.5"))),
            "amount",
        ),
        (
            lambda: services.jbp.add_investment(jbp_id, InvestmentDraft("x", amount=D(-1))),
            "amount",
        ),
        (
            lambda: services.jbp.add_investment(jbp_id, InvestmentDraft("x", client_share=D(120))),
            "client_share",
        ),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.field == field, (field, error.value.message)
    with pytest.raises(TypeError):
        services.jbp.update(jbp_id, {"title": 1.5})  # floats never pass
    assert services.jbp.get(jbp_id).phase == "foundation"  # nothing was half-saved


def test_the_phase_moves_and_undo_data_is_returned(
    services: WorkspaceServices, jbp_id: int
) -> None:
    change = services.jbp.update(jbp_id, {"phase": "execute"})
    assert (change.before, change.after) == ({"phase": "foundation"}, {"phase": "execute"})
    services.jbp.update(jbp_id, change.before, exact=True)
    assert services.jbp.get(jbp_id).phase == "foundation"


# -- sign-off --------------------------------------------------------------------------------------


def test_a_signed_plan_needs_both_signatures_and_dates(
    services: WorkspaceServices, jbp_id: int
) -> None:
    with pytest.raises(ValidationError) as error:
        services.jbp.update(jbp_id, {"status": "signed"})
    assert error.value.field == "status"
    assert "the client's signatory" in error.value.message
    services.jbp.update(
        jbp_id,
        {
            "client_signatory": "Trần Văn Đức",
            "client_signed_on": date(2025, 12, 12),
            "agency_signatory": "Mai Anh",
        },
    )
    with pytest.raises(ValidationError, match="the day the agency signed first"):
        services.jbp.update(jbp_id, {"status": "active"})
    services.jbp.update(jbp_id, {"agency_signed_on": date(2025, 12, 10), "status": "signed"})
    # signed: a signature cannot be taken away
    with pytest.raises(ValidationError) as error:
        services.jbp.update(jbp_id, {"client_signatory": ""})
    assert error.value.field == "client_signatory"
    assert "In negotiation" in error.value.message
    services.jbp.update(jbp_id, {"status": "in_negotiation"})
    services.jbp.update(jbp_id, {"client_signatory": ""})
    with pytest.raises(ValidationError, match="1990"):
        services.jbp.update(jbp_id, {"agency_signed_on": date(1900, 1, 1)})


# -- parts -----------------------------------------------------------------------------------------


def test_objectives_add_update_delete_and_restore(services: WorkspaceServices, jbp_id: int) -> None:
    first = services.jbp.add_objective(
        jbp_id, ObjectiveDraft("Tăng doanh thu 33 %", "Nguyễn Thị Hương", "Mai Anh")
    )
    second = services.jbp.add_objective(jbp_id, ObjectiveDraft("Livestream hằng tuần"))
    change = services.jbp.update_objective(second, {"status": "on_track"})
    assert change.after == {"status": "on_track"}
    objectives = services.jbp.get(jbp_id).objectives
    assert [(o.statement, o.position) for o in objectives] == [
        ("Tăng doanh thu 33 %", 0),
        ("Livestream hằng tuần", 1),
    ]
    removed = services.jbp.delete_objective(first)
    assert removed.count == 1
    assert [o.id for o in services.jbp.get(jbp_id).objectives] == [second]
    services.jbp.restore_rows(removed)
    assert [o.id for o in services.jbp.get(jbp_id).objectives] == [first, second]
    # a forced id re-creates an undone add (redo)
    services.jbp.delete_objective(second)
    assert (
        services.jbp.add_objective(jbp_id, ObjectiveDraft("again"), objective_id=second) == second
    )


def test_measures_money_units_and_their_decimals(services: WorkspaceServices, jbp_id: int) -> None:
    kpi = services.jbp.add_measure(
        jbp_id,
        MeasureDraft("CPO", kind="kpi", metric="custom", unit="VND/đơn", target=D(36000),
                     higher_is_better=False),
    )  # fmt: skip
    record = services.jbp.get(jbp_id).measure(kpi)
    assert record is not None
    assert (record.kind, record.additive, record.higher_is_better) == ("kpi", False, False)
    assert [m.kind for m in services.jbp.get(jbp_id).measures][-1] == "kpi"  # targets first
    # a money metric takes the plan's currency, and its figures must fit it
    change = services.jbp.update_measure(kpi, {"metric": "media_spend"})
    assert change.before == {"metric": "custom", "unit": "VND/đơn"}
    assert change.after == {"metric": "media_spend", "unit": "VND"}
    with pytest.raises(ValidationError, match="VND has no decimals"):
        services.jbp.update_measure(kpi, {"baseline": D("10.5")})
    with pytest.raises(ValidationError, match="currency code") as error:
        services.jbp.update_measure(kpi, {"unit": "dollars"})
    assert error.value.field == "unit"
    services.jbp.update_measure(kpi, change.before, exact=True)  # undo
    assert services.jbp.get(jbp_id).measure(kpi).unit == "VND/đơn"  # type: ignore[union-attr]
    removed = services.jbp.delete_measure(kpi)
    assert kpi not in [m.id for m in services.jbp.get(jbp_id).measures]
    services.jbp.restore_rows(removed)
    assert kpi in [m.id for m in services.jbp.get(jbp_id).measures]


def test_investments_by_funder(services: WorkspaceServices, jbp_id: int) -> None:
    shared = services.jbp.add_investment(
        jbp_id, InvestmentDraft("Livestream studio", amount=D(1_200_000_001))
    )
    services.jbp.add_investment(
        jbp_id, InvestmentDraft("11.11 media", amount=D(6_500_000_000), funded_by="client")
    )
    services.jbp.add_investment(
        jbp_id,
        InvestmentDraft("Analytics team", amount=D("4800.50"), funded_by="agency",
                        currency="USD"),
    )  # fmt: skip
    record = services.jbp.get(jbp_id)
    studio = record.investments[0]
    assert (studio.funded_by, studio.client_share, studio.currency) == ("shared", D(50), "VND")
    assert (studio.client_pays, studio.agency_pays) == (D(600_000_001), D(600_000_000))
    usd, vnd = record.funder_totals
    assert (usd.currency, usd.agency_funded, usd.client_pays) == ("USD", D("4800.50"), D("0.00"))
    assert (vnd.client_funded, vnd.shared, vnd.total) == (
        D(6_500_000_000),
        D(1_200_000_001),
        D(7_700_000_001),
    )
    # the client's share goes with "shared"; a currency change keeps the amount
    change = services.jbp.update_investment(shared, {"funded_by": "agency"})
    assert change.before == {"funded_by": "shared", "client_share": D(50)}
    assert change.after == {"funded_by": "agency", "client_share": None}
    with pytest.raises(ValidationError) as error:
        services.jbp.update_investment(shared, {"currency": "USD", "amount": D("1.234")})
    assert error.value.field == "amount"
    change = services.jbp.update_investment(shared, {"currency": "USD"})
    assert change.after == {"currency": "USD"}
    assert services.jbp.get(jbp_id).investments[0].amount == D("1200000001.00")
    with pytest.raises(ValidationError, match="cannot end before"):
        services.jbp.update_investment(
            shared, {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 1)}
        )


def test_activities_and_the_portfolio_look_ahead(
    services: WorkspaceServices, account_id: int, jbp_id: int
) -> None:
    other = services.accounts.create(AccountDraft("Hanoi Foods", currency="VND"))
    other_plan = services.jbp.create(other, 2026)
    tet = services.jbp.add_activity(
        jbp_id, ActivityDraft("Chiến dịch Tết", date(2026, 1, 5), date(2026, 2, 10))
    )
    services.jbp.add_activity(jbp_id, ActivityDraft("QBR", date(2026, 4, 15), kind="review"))
    services.jbp.add_activity(other_plan, ActivityDraft("Launch", date(2026, 3, 1)))
    with pytest.raises(ValidationError, match="cannot end before") as error:
        services.jbp.update_activity(tet, {"ends_on": date(2025, 12, 1)})
    assert error.value.field == "ends_on"
    with pytest.raises(ValidationError) as error:
        services.jbp.update_activity(tet, {"starts_on": None})
    assert error.value.field == "starts_on"

    found = services.jbp.activities_between(date(2026, 2, 1), date(2026, 4, 15))
    assert [(a.name, a.account_name) for a in found] == [
        ("Chiến dịch Tết", "Saigon Shop"),  # overlaps the start
        ("Launch", "Hanoi Foods"),
        ("QBR", "Saigon Shop"),  # a one-day activity on the last day
    ]
    assert [a.name for a in services.jbp.activities_between(
        date(2026, 2, 11), date(2026, 4, 14), account_id=account_id)] == []  # fmt: skip
    # deleted plans and deleted accounts drop out
    services.jbp.delete(other_plan)
    assert "Launch" not in [a.name for a in services.jbp.activities_between(
        date(2026, 1, 1), date(2026, 12, 31))]  # fmt: skip
    services.accounts.delete(account_id)
    assert services.jbp.activities_between(date(2026, 1, 1), date(2026, 12, 31)) == []


# -- QBPs and MBPs ---------------------------------------------------------------------------------


def test_derive_quarters_splits_money_exactly_and_carries_ratios(
    services: WorkspaceServices, jbp_id: int
) -> None:
    derivation = services.jbp.derive_periods(jbp_id, "quarter", [D(1), D(1), D(1), D(0)])
    assert [code for code, _ in derivation.created_periods] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    turnover = _measure(services, jbp_id, "Turnover")
    margin = _measure(services, jbp_id, "Margin %")
    record = services.jbp.get(jbp_id)
    targets = [q.value(turnover).target for q in record.quarters]  # type: ignore[union-attr]
    assert targets == [D(333_333), D(333_333), D(333_333), D(1)]  # the remainder goes last
    assert sum(targets) == D(1_000_000)  # type: ignore[arg-type]
    assert [q.value(margin).target for q in record.quarters] == [D("23.5")] * 4  # type: ignore[union-attr]
    # measures without a year target get no period figure
    volume = _measure(services, jbp_id, "Volume")
    assert all(q.value(volume) is None for q in record.quarters)


def test_edits_and_actuals_survive_a_new_derivation(
    services: WorkspaceServices, jbp_id: int
) -> None:
    services.jbp.derive_periods(jbp_id, "quarter")
    turnover = _measure(services, jbp_id, "Turnover")
    q1, q2 = services.jbp.get(jbp_id).quarters[:2]
    services.jbp.update_period_value(q1.id, turnover, {"actual": D(260_000)})
    services.jbp.update_period_value(q2.id, turnover, {"target": D(300_000)})  # edited
    services.jbp.update_period(q1.id, {"commentary": "Tết mạnh hơn dự kiến"})
    services.jbp.add_period_action(q1.id, PeriodActionDraft("Gửi số liệu", "Khôi"))

    preview = services.jbp.preview_derivation(jbp_id, "quarter")
    assert (preview.changed_targets, preview.actuals_kept) == (1, 1)  # said before, not done
    assert services.jbp.get(jbp_id).quarters[1].value(turnover).target == D(300_000)  # type: ignore[union-attr]

    again = services.jbp.derive_periods(jbp_id, "quarter")
    assert again.created_periods == () and again.changed_targets == 1
    assert [(before, after) for _, before, after in again.replaced_targets] == [
        (D(300_000), D(250_000))
    ]
    q1 = services.jbp.get(jbp_id).quarters[0]
    assert q1.value(turnover).actual == D(260_000)  # type: ignore[union-attr]
    assert q1.commentary == "Tết mạnh hơn dự kiến" and len(q1.actions) == 1
    # undo puts the edited target back
    services.jbp.undo_derivation(again)
    assert services.jbp.get(jbp_id).quarters[1].value(turnover).target == D(300_000)  # type: ignore[union-attr]


def test_undo_and_redo_of_a_derivation_keep_the_ids(
    services: WorkspaceServices, jbp_id: int
) -> None:
    first = services.jbp.derive_periods(jbp_id, "month")
    assert len(first.created_periods) == 12 and not first.is_empty
    services.jbp.undo_derivation(first)
    assert services.jbp.get(jbp_id).periods == ()
    redone = services.jbp.derive_periods(jbp_id, "month", again=first)
    assert redone.created_periods == first.created_periods
    assert redone.created_values == first.created_values
    assert services.jbp.derive_periods(jbp_id, "month").is_empty  # nothing more to do
    with pytest.raises(ValidationError):
        services.jbp.derive_periods(jbp_id, "week")
    with pytest.raises(ValidationError, match="12 monthly or 4 quarterly"):
        services.jbp.derive_periods(jbp_id, "month", [D(1), D(2)])


def test_period_figures_and_their_undo(services: WorkspaceServices, jbp_id: int) -> None:
    services.jbp.derive_periods(jbp_id, "quarter")
    turnover = _measure(services, jbp_id, "Turnover")
    q2 = services.jbp.get(jbp_id).quarters[1]
    change = services.jbp.update_period_value(q2.id, turnover, {"actual": D(240_000)})
    assert (change.before, change.after) == ({"actual": None}, {"actual": D(240_000)})
    with pytest.raises(ValidationError, match="VND has no decimals"):
        services.jbp.update_period_value(q2.id, turnover, {"actual": D("1.5")})
    services.jbp.update_period_value(q2.id, turnover, change.before, exact=True)
    assert services.jbp.get(jbp_id).quarters[1].value(turnover).actual is None  # type: ignore[union-attr]
    removed = services.jbp.delete_period(q2.id)
    assert [t for t, _ in removed.tables] == ["jbp_period", "jbp_period_value"]
    assert services.jbp.get(jbp_id).period("2026-Q2") is None
    services.jbp.restore_rows(removed)
    assert services.jbp.get(jbp_id).period("2026-Q2").values  # type: ignore[union-attr]
    action = services.jbp.add_period_action(q2.id, PeriodActionDraft("Chốt ngân sách"))
    with pytest.raises(ValidationError):
        services.jbp.update_period_action(action, {"status": "dropped"})
    services.jbp.update_period_action(action, {"status": "done", "due": date(2026, 5, 1)})


# -- the business review ---------------------------------------------------------------------------


def test_the_business_review_of_a_quarter(services: WorkspaceServices, jbp_id: int) -> None:
    services.jbp.derive_periods(jbp_id, "quarter")
    turnover = _measure(services, jbp_id, "Turnover")
    margin = _measure(services, jbp_id, "Margin %")
    q2 = services.jbp.get(jbp_id).period("2026-Q2")
    assert q2 is not None
    services.jbp.update_period_value(q2.id, turnover, {"actual": D(230_000)})
    services.jbp.update_period_value(q2.id, margin, {"actual": D(24)})
    services.jbp.update_period(q2.id, {"commentary": "Behind on GMV", "focus": "11.11"})
    review = services.jbp.business_review(jbp_id, "2026-Q2")
    assert (review.label, review.planned, review.commentary) == ("Q2 2026", True, "Behind on GMV")
    line = next(line for line in review.lines if line.measure_id == turnover)
    assert (line.target, line.actual, line.variance, line.achieved_percent, line.rag) == (
        D(250_000),
        D(230_000),
        D(-20_000),
        D("92.0"),
        "amber",
    )
    assert line.actual_source == "entered" and line.annual_target == D(1_000_000)
    margin_line = next(line for line in review.lines if line.measure_id == margin)
    assert (margin_line.variance, margin_line.rag) == (D("0.5"), "green")
    empty = services.jbp.business_review(jbp_id, "2026-07")
    assert not empty.planned and all(line.target is None for line in empty.lines)
    with pytest.raises(ValidationError):
        services.jbp.business_review(jbp_id, "2027-Q1")


def test_a_quarter_rolled_up_from_its_months(services: WorkspaceServices, jbp_id: int) -> None:
    services.jbp.derive_periods(jbp_id, "month")
    turnover = _measure(services, jbp_id, "Turnover")
    margin = _measure(services, jbp_id, "Margin %")
    record = services.jbp.get(jbp_id)
    april, may = record.period("2026-04"), record.period("2026-05")
    assert april is not None and may is not None
    services.jbp.update_period_value(april.id, turnover, {"actual": D(100_000)})
    services.jbp.update_period_value(may.id, turnover, {"actual": D(300_000)})
    services.jbp.update_period_value(april.id, margin, {"actual": D(20)})
    services.jbp.update_period_value(may.id, margin, {"actual": D(30)})
    review = services.jbp.business_review(jbp_id, "2026-Q2")
    assert review.planned  # no QBP, but MBPs for its months
    line = next(line for line in review.lines if line.measure_id == turnover)
    # two months reported: the actual so far against the same two months' targets
    assert (line.actual, line.target, line.months_reported) == (D(400_000), D(166_666), 2)
    assert line.actual_source == "months" and line.rag == "green"
    margin_line = next(line for line in review.lines if line.measure_id == margin)
    assert margin_line.actual == D("27.5000")  # weighted by the turnover: 110 / 400
    assert margin_line.target == D("23.5")
    # the scorecard shows the same figures by quarter
    row = next(r for r in services.jbp.scorecard(jbp_id) if r.measure.id == turnover)
    assert row.quarters[1].actual == D(400_000)
    assert row.progress.quarters_reported == 1 and row.progress.bar == D("0.4000")


# -- the demo --------------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [date(2026, 3, 16), date(2026, 11, 25)])
def test_the_demo_has_signed_plans_with_qbps_and_activities_ahead(
    tmp_path: Path, today: date
) -> None:
    with create_demo_workspace(tmp_path / "demo.keyplan", today=today) as services:
        accounts = {a.name: a.id for a in services.accounts.all()}
        for name, months in (("Aurora Consumer Brands", 0), ("Sen Việt E-commerce", 12)):
            plan = services.jbp.find(accounts[name], today.year)
            assert plan is not None, name
            record = services.jbp.get(plan)
            assert record.status == "signed" and record.client_signed_on is not None
            assert len(record.quarters) == 4 and len(record.months) == months
            assert {i.funded_by for i in record.investments} == {"client", "agency", "shared"}
            assert {m.metric for m in record.targets} >= {"turnover", "volume", "margin_pct"}
            assert record.kpis
            past = [q for q in record.quarters if q.ends_on < today]
            for quarter in past:  # actuals (entered, or rolled up from the months) and notes
                review = services.jbp.business_review(plan, quarter.period)
                assert all(line.actual is not None for line in review.lines), quarter.period
                assert review.commentary
        sen_viet = services.jbp.get(services.jbp.find(accounts["Sen Việt E-commerce"], today.year))  # type: ignore[arg-type]
        assert any("doanh thu" in o.statement.casefold() for o in sen_viet.objectives)
        ahead = services.jbp.activities_between(today, today + timedelta(days=183))
        assert {a.account_name for a in ahead} == {"Aurora Consumer Brands", "Sen Việt E-commerce"}
        assert len(ahead) >= 8
        last_year = services.jbp.find(accounts["Aurora Consumer Brands"], today.year - 1)
        assert last_year is not None and services.jbp.get(last_year).status == "closed"
