"""The demo's rate cards, projects and estimates meet issue 4, point 9, and look real."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from keyplan.domain.errors import FrozenError
from keyplan.services import demo
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import EstimateDocument, EstimateSummary
from keyplan.services.records import AccountRecord
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)
CURRENCIES = {"USD", "EUR", "JPY", "KRW", "VND", "HKD", "TWD", "RUB"}


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServices]:
    path = tmp_path_factory.mktemp("demo_estimates") / "demo.keyplan"
    with create_demo_workspace(path, today=TODAY) as opened:
        yield opened


@pytest.fixture(scope="module")
def summaries(services: WorkspaceServices) -> list[EstimateSummary]:
    return services.estimates.summaries()


@pytest.fixture(scope="module")
def documents(
    services: WorkspaceServices, summaries: list[EstimateSummary]
) -> dict[str, EstimateDocument]:
    """The latest revision of every estimate, by number."""
    return {s.number: services.estimates.document(s.revision_id) for s in summaries}


@pytest.fixture(scope="module")
def accounts(services: WorkspaceServices) -> dict[int, AccountRecord]:
    return {account.id: account for account in services.accounts.all()}


def by_key(summaries: list[EstimateSummary], key: str) -> EstimateSummary:
    title = next(e.title for e in demo.ESTIMATES if e.key == key)
    return next(s for s in summaries if s.title == title)


def texts(document: EstimateDocument) -> str:
    parts = [document.title, document.client_notes, document.terms]
    parts += [section.name for section in document.sections]
    parts += [line.description for line in document.lines]
    return "\n".join(parts)


# -- issue 4, point 9 -------------------------------------------------------------------------


def test_at_least_twelve_estimates_in_all_eight_currencies(
    summaries: list[EstimateSummary], accounts: dict[int, AccountRecord]
) -> None:
    assert len(summaries) >= 12
    assert {s.currency for s in summaries} == CURRENCIES
    for summary in summaries:
        assert summary.currency == accounts[summary.account_id].currency, summary.title
    assert len({s.account_id for s in summaries}) >= 10


def test_statuses_cover_the_whole_workflow(summaries: list[EstimateSummary]) -> None:
    statuses = [s.status for s in summaries]
    assert statuses.count("draft") >= 3
    assert statuses.count("sent") >= 3
    assert statuses.count("rejected") == 1
    assert statuses.count("approved") >= 1


def test_several_estimates_were_revised_after_sending(
    services: WorkspaceServices, documents: dict[str, EstimateDocument]
) -> None:
    revised = [d for d in documents.values() if d.revision >= 2]
    assert len(revised) >= 4
    assert max(d.revision for d in revised) >= 3
    for document in revised:
        older = document.revisions[:-1]
        assert all(info.status == "superseded" and info.sent_on for info in older)
        assert all(
            a.issued_on <= b.issued_on for a, b in zip(older, document.revisions[1:], strict=True)
        )
        diff = services.estimates.diff(older[-1].id, document.revision_id)
        assert diff.lines or diff.discount_delta, document.number  # a few lines changed
    # a revision in progress: the client asked for changes, the new draft is not sent yet
    assert any(d.status == "draft" and d.revision >= 2 for d in revised)


def test_one_approved_estimate_has_an_approved_and_a_draft_change_order(
    services: WorkspaceServices, documents: dict[str, EstimateDocument]
) -> None:
    with_orders = [d for d in documents.values() if d.change_orders]
    assert len(with_orders) == 1
    document = with_orders[0]
    assert document.status == "approved"
    assert document.approved_by and document.approved_on and document.approval_po
    assert [o.status for o in document.change_orders] == ["approved", "draft"]
    approved = document.change_orders[0]
    assert approved.approved_on is not None and approved.total > 0
    assert document.contracted_total == document.totals.total + approved.total
    draft = services.estimates.change_order(document.change_orders[1].id)
    assert any(line.quantity < 0 for line in draft.lines)  # a change can remove scope
    assert draft.totals.total != 0


def test_optional_lines_and_line_and_estimate_discounts(
    documents: dict[str, EstimateDocument],
) -> None:
    optional = [d for d in documents.values() if any(line.optional for line in d.lines)]
    assert len(optional) >= 4
    assert all(d.totals.optional_total > 0 for d in optional)
    line_discounts = [line for d in documents.values() for line in d.lines if line.discount_percent]
    assert len(line_discounts) >= 4
    assert any(line.discount_percent == 100 for line in line_discounts)  # given free
    modes = {d.adjustments.discount_mode.value for d in documents.values() if d.totals.discount}
    assert modes == {"percent", "amount"}
    assert sum(bool(d.totals.contingency) for d in documents.values()) >= 3
    fee_bases = {d.adjustments.fee_base.value for d in documents.values() if d.totals.fee}
    assert {"third_party", "subtotal"} <= fee_bases


def test_tax_rates_of_every_market_and_mixed_rates(
    documents: dict[str, EstimateDocument], accounts: dict[int, AccountRecord]
) -> None:
    rates = {rate for d in documents.values() for rate in d.totals.tax_by_rate}
    assert {Decimal(r) for r in ("0", "5", "7", "10", "19", "20")} <= rates
    assert len(rates) >= 3
    mixed = [d for d in documents.values() if len(d.totals.tax_by_rate) >= 2]
    assert {accounts[d.account_id].market for d in mixed} >= {"DE", "JP"}
    by_market = {
        accounts[d.account_id].market: d.tax_rate
        for d in documents.values()
        if accounts[d.account_id].market in ("VN", "JP", "RU", "DE", "KR", "TW", "HK")
    }
    assert by_market == {
        "VN": Decimal(10),
        "JP": Decimal(10),
        "RU": Decimal(20),
        "DE": Decimal(19),
        "KR": Decimal(10),
        "TW": Decimal(5),
        "HK": Decimal(0),
    }


def _has(text: str, low: int, high: int) -> bool:
    return any(low <= ord(ch) <= high for ch in text)


def test_line_texts_in_the_languages_of_the_accounts(
    documents: dict[str, EstimateDocument], accounts: dict[int, AccountRecord]
) -> None:
    def lines_of(market: str) -> str:
        return "\n".join(
            line.description
            for d in documents.values()
            if accounts[d.account_id].market == market
            for line in d.lines
        )

    vietnamese = lines_of("VN")
    assert _has(vietnamese, 0x1EA0, 0x1EF9) and "đ" in vietnamese.lower()  # ạ ế ộ ... and đ
    assert unicodedata.is_normalized("NFC", vietnamese)
    assert _has(lines_of("RU"), 0x0400, 0x04FF)  # Cyrillic
    japanese = lines_of("JP")
    assert _has(japanese, 0x3040, 0x30FF) and _has(japanese, 0x4E00, 0x9FFF)  # kana, kanji
    assert _has(lines_of("KR"), 0xAC00, 0xD7A3)  # Hangul
    for market in ("HK", "TW"):  # Chinese: Han characters, no kana
        chinese = lines_of(market)
        assert _has(chinese, 0x4E00, 0x9FFF) and not _has(chinese, 0x3040, 0x30FF)


def test_one_large_estimate_of_at_least_300_lines(documents: dict[str, EstimateDocument]) -> None:
    large = [d for d in documents.values() if len(d.lines) >= 300]
    assert len(large) == 1
    document = large[0]
    assert len(document.sections) >= 20
    descriptions = [line.description for line in document.lines]
    assert len(set(descriptions)) == len(descriptions)  # generated, but every line distinct
    assert {line.kind for line in document.lines} >= {"labour", "third_party", "fixed_fee"}
    assert document.totals.total > 0


# -- realism: every line kind, rates copied from the cards, projects --------------------------


def test_every_line_kind_is_filled_in_like_a_user_would(
    documents: dict[str, EstimateDocument],
) -> None:
    lines = [line for d in documents.values() for line in d.lines]
    assert {line.kind for line in lines} == {"labour", "third_party", "fixed_fee", "expense"}
    for line in lines:
        assert line.description and line.unit
        if line.kind == "labour":
            assert line.role and line.unit == "hour"
            assert 0 < line.unit_cost < line.unit_price, line.description
        elif line.kind == "third_party":
            assert line.supplier and line.unit_cost > 0
        elif line.kind == "expense":
            assert line.unit_cost == line.unit_price  # re-billed at cost
    markups = {line.markup_percent for line in lines if line.kind == "third_party"}
    assert Decimal(0) in markups and len(markups) >= 4


def test_rate_cards_in_every_currency_with_an_account_override(
    services: WorkspaceServices, accounts: dict[int, AccountRecord]
) -> None:
    cards = services.rate_cards.cards()
    agency = [card for card in cards if card.account_id is None]
    assert {card.currency for card in agency} == CURRENCIES
    overrides = [card for card in cards if card.account_id is not None]
    assert len(overrides) == 1
    override = overrides[0]
    assert accounts[override.account_id].market == "JP" and override.currency == "JPY"
    roles = set()
    for card in cards:
        for rate in services.rate_cards.rates(card.id):
            assert 0 < rate.cost_rate < rate.bill_rate, (card.name, rate.role)
            roles.add(rate.role)
    assert {"Account Director", "Strategist", "Art Director", "Designer", "Copywriter",
            "Developer", "Producer", "Media Planner"} <= roles  # fmt: skip
    japan = services.rate_cards.options(override.account_id, "JPY", TODAY)
    designer = next(option for option in japan if option.role == "Designer")
    assert designer.source == "account"
    jpy = next(card for card in agency if card.currency == "JPY")
    agency_designer = next(r for r in services.rate_cards.rates(jpy.id) if r.role == "Designer")
    assert designer.bill_rate != agency_designer.bill_rate


def test_labour_lines_copy_the_rate_in_force_on_the_issue_date(
    services: WorkspaceServices, summaries: list[EstimateSummary]
) -> None:
    for summary in summaries:
        first = services.estimates.document(services.estimates.find(summary.number, 1))
        options = {
            option.role: option
            for option in services.rate_cards.options(
                first.account_id, first.currency, first.issued_on
            )
        }
        for line in first.lines:
            if line.kind == "labour":
                option = options[line.role]
                assert (line.unit_price, line.unit_cost) == (option.bill_rate, option.cost_rate)
    # the USD developer rate rose 45 days ago: the older rate stays in the cards' history
    us = by_key(summaries, "aurora_us_retail_media")
    developer = next(
        line for line in services.estimates.document(us.revision_id).lines
        if line.role == "Developer"
    )  # fmt: skip
    before = services.rate_cards.options(us.account_id, "USD", date(2025, 12, 1))
    old = next(option for option in before if option.role == "Developer")
    assert developer.unit_price > old.bill_rate


def test_projects_on_several_accounts_hold_the_estimates(
    services: WorkspaceServices,
    documents: dict[str, EstimateDocument],
    accounts: dict[int, AccountRecord],
) -> None:
    projects = [p for account_id in accounts for p in services.projects.for_account(account_id)]
    assert len(projects) >= 8
    assert len({p.account_id for p in projects}) >= 6
    statuses = {p.status for p in projects}
    assert {"estimating", "in_progress", "delivered", "cancelled"} <= statuses
    for project in projects:
        assert project.code and project.brief and project.scope
        assert project.start_date and project.end_date and project.start_date <= project.end_date
    by_id = {p.id: p for p in projects}
    for document in documents.values():
        if document.project_id is not None:
            assert by_id[document.project_id].account_id == document.account_id
        if document.status == "approved":
            assert document.project_id is not None
            assert by_id[document.project_id].po_number
    assert sum(d.project_id is not None for d in documents.values()) >= 10


def test_numbers_follow_the_issue_dates(
    services: WorkspaceServices, summaries: list[EstimateSummary]
) -> None:
    first_issued = {
        s.number: services.estimates.document(services.estimates.find(s.number, 1)).issued_on
        for s in summaries
    }
    by_number = sorted(first_issued, key=lambda n: (n.split("-")[1], n.split("-")[2]))
    assert [first_issued[n] for n in by_number] == sorted(first_issued.values())
    for summary in summaries:
        assert summary.number.startswith("HLP-")
        assert summary.issued_on <= TODAY
        assert summary.valid_until is not None and summary.valid_until > summary.issued_on


def test_sent_revisions_are_frozen(
    services: WorkspaceServices, summaries: list[EstimateSummary]
) -> None:
    sent = next(s for s in summaries if s.status == "sent")
    line = services.estimates.document(sent.revision_id).lines[0]
    with pytest.raises(FrozenError):
        services.estimates.update_line(line.id, {"quantity": Decimal(1)})


def test_same_base_date_gives_the_same_estimates_quickly(tmp_path: Path) -> None:
    def snapshot(path: Path) -> tuple[list[object], float]:
        started = time.perf_counter()
        opened = create_demo_workspace(path, today=TODAY)
        elapsed = time.perf_counter() - started
        with opened as services:
            rows: list[object] = []
            for summary in services.estimates.summaries():
                document = services.estimates.document(summary.revision_id)
                rows.append(
                    (summary.number, summary.revision, summary.status, summary.totals.total,
                     document.issued_on, document.sent_on, summary.contracted_total)
                )  # fmt: skip
                rows.extend(
                    (line.description, line.quantity, line.unit_price, line.unit_cost)
                    for line in document.lines
                )
        return rows, elapsed

    first, seconds = snapshot(tmp_path / "a.keyplan")
    second, _ = snapshot(tmp_path / "b.keyplan")
    assert first == second
    assert seconds < 10  # the demo must stay quick to create (about 1 s on a laptop)
