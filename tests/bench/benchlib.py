"""What the benchmarks in this folder measure, importable without pytest.

- ``generate_large_workspace``: the large workspace, bulk-inserted in one transaction;
- ``SCENARIOS``: each benchmark as a pair of sides, the real thing (``target``) and its
  baseline, each with an untimed per-round setup/teardown;
- memory: peak RSS of one call in a fresh process (``python benchlib.py probe ...``, run by
  conftest.py), and the tracemalloc peak of one call in the benchmark process.

conftest.py loads this file by path; the test module only names scenarios.
"""

from __future__ import annotations

import ctypes
import gc
import json
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from keyplan.domain.money import Currency
from keyplan.store.models import (
    Account,
    AgencyProfile,
    Contact,
    ExchangeRate,
    JbpActivity,
    JbpPeriod,
    JointBusinessPlan,
    Note,
    Opportunity,
    OpportunityStage,
    RevenueMonth,
    TeamMember,
)
from keyplan.store.workspace import Workspace

# -- the large workspace -------------------------------------------------------------------

ACCOUNTS = 2_000
GLOBAL_GROUPS = 200
SUBSIDIARIES = 1_300
BUSINESS_UNITS = 100  # under subsidiaries: the tree is three levels deep in places
CONTACTS = 20_000
LARGEST_ACCOUNT_CONTACTS = 500  # one global group holds this many contacts
NOTES = 10_000
TEAM = 25
SEED = 20261125
# the planning data (revenue, rates, pipeline, JBPs) comes from its own seed, so adding it
# left the accounts, contacts and notes above exactly as they were
PLANNING_SEED = SEED + 7
TODAY = date(2026, 11, 25)  # the workspace's "today": actuals run up to the month before
REPORTING_CURRENCY = "USD"  # the agency's default currency
REVENUE_FIRST_MONTH = date(2025, 4, 1)
REVENUE_MONTHS = 24  # April 2025 to March 2027 for every account
FORECAST_FIRST_MONTH = date(2026, 1, 1)  # the roll-up benchmark: the fiscal year 2026
OPPORTUNITIES = 6_000
JBP_ACTIVITIES = 5  # per JBP; one JBP per global group

_BRANDS = [
    "Aurora",
    "Azure",
    "Beacon",
    "Borealis",
    "Cascade",
    "Cedar",
    "Cobalt",
    "Comet",
    "Coral",
    "Crest",
    "Delta",
    "Ember",
    "Falcon",
    "Fjord",
    "Granite",
    "Harbor",
    "Helix",
    "Horizon",
    "Indigo",
    "Iris",
    "Jade",
    "Juniper",
    "Kestrel",
    "Keystone",
    "Lagoon",
    "Lantern",
    "Lotus",
    "Lumen",
    "Magnolia",
    "Maple",
    "Mekong",
    "Meridian",
    "Mistral",
    "Monsoon",
    "Nimbus",
    "Nordic",
    "Oasis",
    "Onyx",
    "Orchid",
    "Pacific",
    "Pinnacle",
    "Polaris",
    "Quartz",
    "Quill",
    "Raven",
    "Sakura",
    "Saffron",
    "Sequoia",
    "Sierra",
    "Solace",
    "Sterling",
    "Summit",
    "Tidal",
    "Titan",
    "Topaz",
    "Tundra",
    "Umber",
    "Vantage",
    "Velvet",
    "Vertex",
    "Willow",
    "Zenith",
    "Zephyr",
    "Hà",
    "Nội",
    "Sài",
    "Gòn",
    "Đà",
    "Nẵng",
    "Köln",
    "Zürich",
    "Malmö",
    "Øresund",
    "São",
    "Paulo",
    "Kyōto",
]
_SECTORS = [
    "Foods",
    "Motors",
    "Pharma",
    "Telecom",
    "Bank",
    "Insurance",
    "Retail",
    "Airlines",
    "Energy",
    "Logistics",
    "Media",
    "Beverages",
    "Cosmetics",
    "Electronics",
    "Fashion",
    "Hotels",
    "Realty",
    "Shipping",
    "Steel",
    "Textiles",
]
_GROUP_SUFFIXES = ("Group", "Holdings", "International", "Worldwide")
_MARKETS = {
    "VN": "VND",
    "JP": "JPY",
    "DE": "EUR",
    "FR": "EUR",
    "GB": "GBP",
    "US": "USD",
    "SG": "SGD",
    "TH": "THB",
    "KR": "KRW",
    "AU": "AUD",
    "CH": "CHF",
    "SE": "SEK",
    "BR": "BRL",
    "IN": "INR",
    "CN": "CNY",
}
_COUNTRY_NAMES = {
    "VN": "Vietnam",
    "JP": "Japan",
    "DE": "Deutschland",
    "FR": "France",
    "GB": "UK",
    "US": "USA",
    "SG": "Singapore",
    "TH": "Thailand",
    "KR": "Korea",
    "AU": "Australia",
    "CH": "Schweiz",
    "SE": "Sverige",
    "BR": "Brasil",
    "IN": "India",
    "CN": "China",
}
_FIRST = [
    "Anh",
    "Bảo",
    "Chi",
    "Dũng",
    "Giang",
    "Hương",
    "Linh",
    "Minh",
    "Ngọc",
    "Phương",
    "Quân",
    "Thảo",
    "Tuấn",
    "Yến",
    "Hiroshi",
    "Yuki",
    "Sakura",
    "Kenji",
    "Aiko",
    "Jürgen",
    "Anja",
    "Björn",
    "Émilie",
    "François",
    "Zoë",
    "Ana",
    "João",
    "Priya",
    "Arjun",
    "Wei",
    "Mei",
    "Ji-woo",
    "Min-jun",
    "Olivia",
    "Liam",
    "Noah",
    "Emma",
    "Sofia",
    "Lucas",
    "Chloé",
    "Mateo",
    "Ingrid",
    "Søren",
]
_LAST = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Võ",
    "Đặng",
    "Tanaka",
    "Suzuki",
    "Takahashi",
    "Watanabe",
    "Müller",
    "Schmidt",
    "Schäfer",
    "Dubois",
    "Lefèvre",
    "Smith",
    "Jones",
    "Brown",
    "García",
    "Silva",
    "Santos",
    "Sharma",
    "Patel",
    "Wang",
    "Li",
    "Zhang",
    "Kim",
    "Park",
    "Lee",
    "Andersson",
    "Johansson",
    "Nilsen",
    "O'Brien",
]
_TITLES = (
    "CEO",
    "CMO",
    "CFO",
    "Marketing Director",
    "Brand Manager",
    "Head of Digital",
    "Procurement Lead",
    "Media Manager",
    "Insights Analyst",
    "Regional Director",
)
_BUYING_ROLES = (
    "decision_maker",
    "economic_buyer",
    "influencer",
    "champion",
    "user",
    "blocker",
    "unknown",
)
_TIERS = ("Enterprise", "VIP", "Medium", "Small")


@dataclass(frozen=True)
class LargeWorkspace:
    """A closed workspace file and what the benchmarks need to know about it."""

    path: Path
    account_names: list[str]
    largest_account_id: int  # the account with the most contacts
    largest_account_contacts: int
    small_account_id: int  # an account with a few contacts, to switch away from
    filter_prefixes: tuple[str, str, str]  # what a user types, one key at a time
    generation_seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def _contact_counts(rng: random.Random, largest_index: int) -> list[int]:
    """Contacts per account: one very large account, the rest long-tailed (Pareto)."""
    rest = CONTACTS - LARGEST_ACCOUNT_CONTACTS
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in range(ACCOUNTS)]
    weights[largest_index] = 0.0
    total = sum(weights)
    counts = [int(w / total * rest) for w in weights]
    shortfall = rest - sum(counts)
    order = sorted(range(ACCOUNTS), key=lambda i: weights[i], reverse=True)
    for i in range(shortfall):
        counts[order[i % (ACCOUNTS - 1)]] += 1
    counts[largest_index] = LARGEST_ACCOUNT_CONTACTS
    assert sum(counts) == CONTACTS and max(counts) == LARGEST_ACCOUNT_CONTACTS
    return counts


# units of each currency one USD buys, and which way round the user typed the rate in: both
# directions occur in real tables ("EUR→USD 1.08" but "USD→VND 25,400")
_PER_USD: dict[str, tuple[Decimal, bool]] = {  # code: (units per USD, stored as code→USD)
    "VND": (Decimal("25400"), False),
    "JPY": (Decimal("150"), False),
    "EUR": (Decimal("0.925"), True),
    "GBP": (Decimal("0.79"), True),
    "SGD": (Decimal("1.34"), False),
    "THB": (Decimal("35.5"), False),
    "KRW": (Decimal("1350"), False),
    "AUD": (Decimal("1.52"), True),
    "CHF": (Decimal("0.885"), True),
    "SEK": (Decimal("10.5"), False),
    "BRL": (Decimal("5.05"), False),
    "INR": (Decimal("83.2"), False),
    "CNY": (Decimal("7.2"), False),
}
_STAGES = ("identified", "qualified", "proposal", "negotiation", "won", "lost")
_STAGE_WEIGHTS = (20, 18, 15, 10, 22, 15)
_OPPORTUNITY_KINDS = ("new_business", "upsell", "cross_sell", "renewal", "expansion")
_SERVICE_LINES = ("Media", "Creative", "Social", "Search", "Data", "Events", "PR", "CRM")
_OPPORTUNITY_NAMES = (
    "Tết campaign",
    "Brand refresh",
    "Always-on social",
    "Retail media",
    "Loyalty app",
    "Sommerkampagne",
    "Product launch",
    "Search retainer",
    "CRM rebuild",
    "新製品ローンチ",
    "Influencer programme",
    "Data clean room",
)
_ACTIVITY_KINDS = ("campaign", "initiative", "event", "milestone", "review")


def _add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _months(first: date, count: int) -> list[date]:
    return [_add_months(first, n) for n in range(count)]


def _local_minor(usd: int, code: str) -> int:
    """``usd`` whole dollars in ``code``'s minor units, at the rough rate above."""
    per_usd = _PER_USD[code][0] if code != REPORTING_CURRENCY else Decimal(1)
    whole = int(usd * per_usd)
    return whole * 10 ** Currency.get(code).minor_units


def _exchange_rates(rng: random.Random, stamps: dict[str, Any]) -> list[dict[str, Any]]:
    """A rate per quarter from January 2025 to January 2027 for every currency used."""
    rows: list[dict[str, Any]] = []
    quarters = _months(date(2025, 1, 1), 25)[::3]
    for code, (per_usd, to_usd) in _PER_USD.items():
        for valid_from in quarters:
            drifted = per_usd * (10_000 + rng.randint(-300, 300)) / 10_000
            if to_usd:  # one unit of code in USD
                base, quote, rate = (
                    code,
                    REPORTING_CURRENCY,
                    (1 / drifted).quantize(Decimal("1e-6")),
                )
            else:
                base, quote, rate = REPORTING_CURRENCY, code, drifted.quantize(Decimal("1e-4"))
            rows.append(
                {
                    "id": len(rows) + 1,
                    "base": base,
                    "quote": quote,
                    "rate": rate,
                    "valid_from": valid_from,
                    "source": "Benchmark rates",
                    **stamps,
                }
            )
    return rows


def _revenue_months(
    rng: random.Random, accounts: list[dict[str, Any]], timestamps: dict[str, Any]
) -> list[dict[str, Any]]:
    """Target, forecast and (for months before TODAY's) actual of every account and month."""
    months = _months(REVENUE_FIRST_MONTH, REVENUE_MONTHS)
    this_month = TODAY.replace(day=1)
    rows: list[dict[str, Any]] = []
    for account in accounts:
        code = account["currency"]
        monthly_usd = int(min(rng.paretovariate(1.2), 100.0) * 20_000)
        for month in months:
            target = _local_minor(monthly_usd * rng.randint(80, 120) // 100, code)
            forecast = target * rng.randint(85, 115) // 100
            actual = forecast * rng.randint(80, 120) // 100 if month < this_month else None
            rows.append(
                {
                    "id": len(rows) + 1,
                    "account_id": account["id"],
                    "business_unit": "",
                    "month": month,
                    "currency": code,
                    "target_minor": target,
                    "forecast_minor": forecast,
                    "actual_minor": actual,
                    **timestamps,
                }
            )
    return rows


def _opportunities(
    rng: random.Random, accounts: list[dict[str, Any]], stamps: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """OPPORTUNITIES across the accounts (long-tailed) in every stage, with stage histories."""
    weights = [min(rng.paretovariate(1.2), 30.0) for _ in accounts]
    owners = rng.choices(accounts, weights=weights, k=OPPORTUNITIES)
    opportunities: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for number, account in enumerate(owners, start=1):
        stage = rng.choices(_STAGES, weights=_STAGE_WEIGHTS)[0]
        if stage in ("won", "lost"):  # closed in the last 18 months
            close = TODAY - timedelta(days=rng.randrange(540))
        else:  # mostly ahead, some already late
            close = TODAY + timedelta(days=rng.randrange(-60, 420))
        # the stages it went through: the open ones up to where it is (or fell out), in order
        reached = _STAGES.index(stage) if stage != "lost" else rng.randrange(4)
        path = [
            s for i, s in enumerate(_STAGES[:4]) if i <= reached and (i == 0 or rng.random() > 0.15)
        ]
        if stage in ("won", "lost"):
            path.append(stage)
        day = close - timedelta(days=rng.randrange(60, 300))
        for entered in path:
            if entered in ("won", "lost"):
                day = close
            history.append(
                {
                    "id": len(history) + 1,
                    "opportunity_id": number,
                    "stage": entered,
                    "entered_on": min(day, TODAY),
                }
            )
            day += timedelta(days=rng.randrange(5, 60))
        opportunities.append(
            {
                "id": number,
                "account_id": account["id"],
                "name": f"{rng.choice(_OPPORTUNITY_NAMES)} {close.year} #{number}",
                "kind": rng.choice(_OPPORTUNITY_KINDS),
                "stage": stage,
                "currency": account["currency"],
                "amount_minor": _local_minor(
                    int(rng.paretovariate(1.1) * 15_000), account["currency"]
                ),
                "probability": None if rng.random() < 0.8 else Decimal(rng.randrange(5, 96, 5)),
                "expected_close": close,
                "owner_id": rng.randint(1, TEAM),
                "service_line": rng.choice(_SERVICE_LINES),
                "next_step": rng.choice(("", "Send proposal", "Workshop with CMO", "Pitch")),
                "estimate_id": None,
                "notes": "",
                **stamps,
            }
        )
    return opportunities, history


def _jbps(
    rng: random.Random, groups: list[dict[str, Any]], stamps: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """A 2026 JBP per global group, its four QBPs and a few calendar activities."""
    jbps: list[dict[str, Any]] = []
    periods: list[dict[str, Any]] = []
    activities: list[dict[str, Any]] = []
    timestamps = {"created_at": stamps["created_at"], "updated_at": stamps["updated_at"]}
    for group in groups:
        jbp_id = len(jbps) + 1
        status = rng.choice(("draft", "in_negotiation", "active", "active", "active"))
        signed = status == "active"
        jbps.append(
            {
                "id": jbp_id,
                "account_id": group["id"],
                "year": 2026,
                "title": f"{group['name']} – JBP 2026",
                "status": status,
                "phase": "execute" if signed else "discover_align",
                "vision": "Grow share of the brand's marketing together.",
                "currency": group["currency"],
                "review_cadence": rng.choice(("quarterly", "quarterly", "half_yearly")),
                "client_signatory": "Client CMO" if signed else "",
                "client_signed_on": date(2026, 1, 20) if signed else None,
                "agency_signatory": "Agency MD" if signed else "",
                "agency_signed_on": date(2026, 1, 15) if signed else None,
                "internal_notes": "",
                **stamps,
            }
        )
        for quarter in range(1, 5):
            periods.append(
                {
                    "id": len(periods) + 1,
                    "jbp_id": jbp_id,
                    "period": f"2026-Q{quarter}",
                    "focus": "",
                    "commentary": "",
                    **timestamps,
                }
            )
        for position in range(JBP_ACTIVITIES):
            starts = date(2026, 1, 1) + timedelta(days=rng.randrange(455))
            activities.append(
                {
                    "id": len(activities) + 1,
                    "jbp_id": jbp_id,
                    "name": f"{rng.choice(_OPPORTUNITY_NAMES)} {position + 1}",
                    "kind": rng.choice(_ACTIVITY_KINDS),
                    "starts_on": starts,
                    "ends_on": None
                    if rng.random() < 0.4
                    else starts + timedelta(days=rng.randrange(90)),
                    "owner": "",
                    "status": "done" if starts < TODAY - timedelta(days=60) else "planned",
                    "position": position,
                }
            )
    return jbps, periods, activities


def generate_large_workspace(path: Path) -> LargeWorkspace:
    """Create ``path`` and fill it with bulk Core inserts in one transaction."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now, "deleted_at": None, "deletion_id": None}

    team = [
        {
            "id": i,
            "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
            "role": "Account Director",
            "email": f"member{i}@agency.example",
            **stamps,
        }
        for i in range(1, TEAM + 1)
    ]

    accounts: list[dict[str, Any]] = []

    def add_account(name: str, kind: str, parent_id: int | None, market: str) -> int:
        account_id = len(accounts) + 1
        accounts.append(
            {
                "id": account_id,
                "name": name,
                "legal_name": f"{name} Ltd.",
                "parent_id": parent_id,
                "kind": kind,
                "industry": rng.choice(_SECTORS),
                "market": market,
                "tier": rng.choice(_TIERS),
                "currency": _MARKETS[market],
                "owner_id": rng.randint(1, TEAM),
                "status": rng.choice(("active", "active", "active", "prospect", "at_risk")),
                "health": rng.choice(("green", "green", "amber", "red")),
                "health_reason": rng.choice(("", "", "Budget cut announced", "New CMO")),
                "health_date": date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
                "contact_cadence_days": rng.choice((None, 14, 30, 90)),
                "notes": "",
                **stamps,
            }
        )
        return account_id

    groups: list[tuple[int, str]] = []
    for i in range(GLOBAL_GROUPS):
        brand = f"{_BRANDS[i % len(_BRANDS)]} {_SECTORS[(i // len(_BRANDS)) % len(_SECTORS)]}"
        name = f"{brand} {_GROUP_SUFFIXES[i % len(_GROUP_SUFFIXES)]}"
        groups.append((add_account(name, "global", None, rng.choice(list(_MARKETS))), brand))
    subsidiaries: list[tuple[int, str]] = []
    for i in range(SUBSIDIARIES):
        group_id, brand = groups[i % GLOBAL_GROUPS] if i < GLOBAL_GROUPS else rng.choice(groups)
        market = rng.choice(list(_MARKETS))
        name = f"{brand} {_COUNTRY_NAMES[market]} {i}"
        subsidiaries.append((add_account(name, "subsidiary", group_id, market), name))
    for i in range(BUSINESS_UNITS):
        parent_id, parent_name = rng.choice(subsidiaries)
        market = accounts[parent_id - 1]["market"]
        add_account(f"{parent_name} – Unit {i}", "business_unit", parent_id, market)
    while len(accounts) < ACCOUNTS:
        name = f"{rng.choice(_BRANDS)} {rng.choice(_SECTORS)} {len(accounts)}"
        add_account(name, "standalone", None, rng.choice(list(_MARKETS)))

    largest_index = 0  # the first global group
    counts = _contact_counts(rng, largest_index)
    contacts: list[dict[str, Any]] = []
    for index, size in enumerate(counts):
        first_id = len(contacts) + 1
        for k in range(size):
            # a reports-to tree per account: mostly three reports each, some loose people
            manager = None if k == 0 or rng.random() < 0.08 else first_id + (k - 1) // 3
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            contacts.append(
                {
                    "id": first_id + k,
                    "account_id": index + 1,
                    "name": f"{first} {last}",
                    "title": rng.choice(_TITLES),
                    "email": f"c{first_id + k}@client{index + 1}.example",
                    "phone": f"+84 28 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
                    "location": rng.choice(list(_COUNTRY_NAMES.values())),
                    "time_zone": "Asia/Ho_Chi_Minh",
                    "buying_role": rng.choice(_BUYING_ROLES),
                    "influence": rng.choice((None, 1, 2, 3, 4, 5)),
                    "relationship_strength": rng.choice((None, 1, 2, 3, 4, 5)),
                    "reports_to_id": manager,
                    "notes": "",
                    **stamps,
                }
            )

    body = "Met the brand team to review the quarter; next step is a proposal. " * 3
    notes = [
        {
            "id": i,
            "account_id": rng.randint(1, ACCOUNTS),
            "noted_on": date(2024, 1, 1) + timedelta(days=rng.randrange(1000)),
            "kind": rng.choice(("note", "note", "worked", "did_not_work")),
            "title": f"Meeting {i}",
            "body": body,
            **stamps,
        }
        for i in range(1, NOTES + 1)
    ]

    # the planning data: revenue months, rates, opportunities, JBPs (a seed of its own)
    plan_rng = random.Random(PLANNING_SEED)
    timestamps = {"created_at": now, "updated_at": now}
    opportunities, stage_history = _opportunities(plan_rng, accounts, stamps)
    jbps, jbp_periods, jbp_activities = _jbps(
        plan_rng, [a for a in accounts if a["kind"] == "global"], stamps
    )
    planning: list[tuple[Any, list[dict[str, Any]]]] = [
        (ExchangeRate, _exchange_rates(plan_rng, stamps)),
        (RevenueMonth, _revenue_months(plan_rng, accounts, timestamps)),
        (Opportunity, opportunities),
        (OpportunityStage, stage_history),
        (JointBusinessPlan, jbps),
        (JbpPeriod, jbp_periods),
        (JbpActivity, jbp_activities),
    ]

    workspace = Workspace.create(path)
    try:
        with workspace.engine.begin() as connection:
            connection.execute(
                insert(AgencyProfile.__table__),
                [
                    {
                        "id": 1,
                        "name": "Benchmark Agency",
                        "default_currency": REPORTING_CURRENCY,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            connection.execute(insert(TeamMember.__table__), team)
            connection.execute(insert(Account.__table__), accounts)
            connection.execute(insert(Contact.__table__), contacts)
            connection.execute(insert(Note.__table__), notes)
            for model, rows in planning:
                connection.execute(insert(model.__table__), rows)
    finally:
        workspace.close()

    small_index = next(i for i, c in enumerate(counts) if 3 <= c <= 10)
    # what someone types to find the largest account, one key at a time
    word = accounts[largest_index]["name"].split()[0].lower()
    return LargeWorkspace(
        path=path,
        account_names=[a["name"] for a in accounts],
        largest_account_id=largest_index + 1,
        largest_account_contacts=counts[largest_index],
        small_account_id=small_index + 1,
        filter_prefixes=(word[:1], word[:2], word[:3]),
        generation_seconds=time.perf_counter() - started,
        counts={
            "accounts": len(accounts),
            "global_groups": GLOBAL_GROUPS,
            "contacts": len(contacts),
            "notes": len(notes),
            "team_members": len(team),
            **{model.__tablename__: len(rows) for model, rows in planning},
        },
    )


def save_info(workspace: LargeWorkspace, path: Path) -> None:
    data = asdict(workspace)
    data["path"] = str(workspace.path)
    path.write_text(json.dumps(data, ensure_ascii=False))


def load_info(path: Path) -> LargeWorkspace:
    data = json.loads(path.read_text())
    data["path"] = Path(data["path"])
    data["filter_prefixes"] = tuple(data["filter_prefixes"])
    return LargeWorkspace(**data)


# -- PySide6 6.12.0 on CPython < 3.12 --------------------------------------------------------

# PySide6 6.12.0 on CPython < 3.12 (where None is not immortal) drops one reference to None
# on every call of a void method from Python (QWidget.setEnabled, QComboBox.addItem, ...);
# 6.11.3 does not. Once None's count reaches zero the process aborts with "Fatal Python
# error: none_dealloc". The app gets there after a few dozen account pages on the large
# workspace (each fills a 2,000-entry parent combo box). So that the benchmarks measure time
# rather than that crash, Qt benchmarks first add this many references to None (a plain
# count, no memory), and report how many each call loses ("none_refs_lost_per_call").
NONE_REFERENCES = 100_000_000


def hold_none_references() -> None:
    if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
        ctypes.c_ssize_t.from_address(id(None)).value += NONE_REFERENCES


# -- timing and memory -----------------------------------------------------------------------

Setup = Callable[[], "tuple[tuple[Any, ...], dict[str, Any]] | None"]


def arguments(setup: Setup | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
    made = setup() if setup is not None else None
    return made or ((), {})


def time_rounds(
    target: Callable[..., Any],
    *,
    setup: Setup | None = None,
    teardown: Callable[..., Any] | None = None,
    rounds: int,
    warmup_rounds: int = 1,
) -> list[float]:
    """Like ``benchmark.pedantic`` (same timer, untimed setup/teardown): seconds per round."""
    times: list[float] = []
    for index in range(warmup_rounds + rounds):
        args, kwargs = arguments(setup)
        started = time.perf_counter()
        target(*args, **kwargs)
        elapsed = time.perf_counter() - started
        if teardown is not None:
            teardown(*args, **kwargs)
        if index >= warmup_rounds:
            times.append(elapsed)
    return times


def once(side: Side) -> None:
    """Setup, one call and teardown of a side."""
    args, kwargs = arguments(side.setup)
    side.run(*args, **kwargs)
    if side.teardown is not None:
        side.teardown(*args, **kwargs)


_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(key: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux: make the peak RSS (VmHWM) start again from the current RSS."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _ru_maxrss_mib() -> float:
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def peak_rss(call: Callable[[], Any]) -> dict[str, Any]:
    """Peak RSS while ``call`` runs, above the RSS just before it (MiB)."""
    gc.collect()
    if _reset_peak_rss() and (before := _status_kib("VmRSS")) is not None:
        call()
        peak = _status_kib("VmHWM") or before
        return {
            "rss_before_mb": round(before / 1024, 1),
            "peak_rss_mb": round(peak / 1024, 1),
            "peak_rss_delta_mb": round((peak - before) / 1024, 1),
            "method": "VmHWM after clear_refs",
        }
    before_mib = _ru_maxrss_mib()  # the peak so far: a delta only shows a new peak
    call()
    after_mib = _ru_maxrss_mib()
    return {
        "rss_before_mb": round(before_mib, 1),
        "peak_rss_mb": round(after_mib, 1),
        "peak_rss_delta_mb": round(after_mib - before_mib, 1),
        "method": "ru_maxrss delta",
    }


def python_heap(side: Side) -> dict[str, Any]:
    """One more call: tracemalloc peak (Python allocations only) and None references lost."""
    args, kwargs = arguments(side.setup)
    gc.collect()
    nones = sys.getrefcount(None)
    tracemalloc.start()
    try:
        side.run(*args, **kwargs)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if side.teardown is not None:
            side.teardown(*args, **kwargs)
    gc.collect()
    return {
        "python_peak_mb": round(peak / (1024 * 1024), 2),
        "none_refs_lost_per_call": nones - sys.getrefcount(None),
    }


# -- scenarios ---------------------------------------------------------------------------------


def _nothing() -> None:
    pass


@dataclass
class Side:
    """One side of a comparison: ``run`` is timed, the rest is not."""

    run: Callable[..., Any]
    setup: Setup | None = None
    teardown: Callable[..., Any] | None = None
    close: Callable[[], None] = _nothing  # after all rounds


@dataclass
class Env:
    """What scenarios need: the workspace, a scratch folder, Qt on demand."""

    workspace: LargeWorkspace
    folder: Path
    _numbers: Any = field(default_factory=count)
    errors: list[str] = field(default_factory=list)

    @property
    def app(self) -> Any:
        return qt_app()

    def new_window(self) -> Any:
        """The app's MainWindow with its own settings file; errors are collected, not shown."""
        from PySide6.QtCore import QSettings

        from keyplan.ui.main_window import MainWindow
        from keyplan.ui.settings import Settings

        qt_app()  # QApplication first
        number = next(self._numbers)
        settings = Settings(
            QSettings(str(self.folder / f"settings-{number}.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(settings, self.folder / "demo" / "Demo.keyplan")
        window.show_error = self.errors.append  # type: ignore[method-assign]  # no modal box
        return window

    def open_main_window(self) -> Any:
        """A shown MainWindow with the large workspace open and its tree filled."""
        window = self.new_window()
        window.show()
        if not window.open_workspace(self.workspace.path):
            raise AssertionError(self.errors)
        wait_until(self.app, lambda: window.tree_proxy.rowCount() > 0)
        self.app.processEvents()
        return window


def qt_app() -> Any:
    """The running QApplication, or one set up as the app sets it up (fonts, translations)."""
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    if existing is not None:
        return existing
    from keyplan.ui.app import create_application

    return create_application(["keyplan-bench"])


def flush_deletes(app: Any) -> None:
    """Let deleteLater() happen now, outside an event loop."""
    from PySide6.QtCore import QEvent

    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def wait_until(app: Any, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()


def _holder() -> tuple[tuple[list[Any]], dict[str, Any]]:
    """Per-round setup: a list the timed call puts what it made into, for the teardown."""
    return ([],), {}


def _close_all(made: list[Any]) -> None:
    for item in made:
        item.close()
    made.clear()


def _window_disposer(app: Any) -> Callable[[list[Any]], None]:
    def dispose(made: list[Any]) -> None:
        for window in made:
            window.close()
            window.deleteLater()
        made.clear()
        flush_deletes(app)

    return dispose


@dataclass(frozen=True)
class Spec:
    rounds: int
    target: Callable[[Env, dict[str, Any]], Side]
    baseline: Callable[[Env, dict[str, Any]], Side]
    warmup_rounds: int = 1


# 1. opening the workspace


def _open_target(env: Env, extra: dict[str, Any]) -> Side:
    from keyplan.services.workspace import WorkspaceServices

    path = env.workspace.path
    extra.update(file_mb=round(path.stat().st_size / 1e6, 1), **env.workspace.counts)
    extra["generation_s"] = round(env.workspace.generation_seconds, 2)

    def open_workspace(made: list[Any]) -> None:
        made.append(WorkspaceServices.open(path))

    return Side(open_workspace, _holder, _close_all)


def _open_baseline(env: Env, extra: dict[str, Any]) -> Side:
    path = env.workspace.path

    def bare_connect(made: list[Any]) -> None:
        connection = sqlite3.connect(path)
        connection.execute("SELECT count(*) FROM account").fetchone()
        made.append(connection)

    return Side(bare_connect, _holder, _close_all)


# 2. all accounts


def _accounts_target(env: Env, extra: dict[str, Any]) -> Side:
    from keyplan.services.workspace import WorkspaceServices

    services = WorkspaceServices.open(env.workspace.path)
    extra["rows"] = env.workspace.counts["accounts"]
    return Side(services.accounts.all, close=services.close)


def _accounts_baseline(env: Env, extra: dict[str, Any]) -> Side:
    connection = sqlite3.connect(env.workspace.path)

    def raw() -> None:
        connection.execute(
            "SELECT * FROM account WHERE deleted_at IS NULL ORDER BY lower(name)"
        ).fetchall()

    return Side(raw, close=connection.close)


# 3. start-up to an interactive main window


def _startup_target(env: Env, extra: dict[str, Any]) -> Side:
    app = env.app

    def start(made: list[Any]) -> None:
        window = env.new_window()
        made.append(window)
        window.show()
        if not window.open_workspace(env.workspace.path):
            raise AssertionError(env.errors)
        wait_until(app, lambda: window.tree_proxy.rowCount() > 0)
        app.processEvents()

    return Side(start, _holder, _window_disposer(app))


def _startup_baseline(env: Env, extra: dict[str, Any]) -> Side:
    from PySide6.QtWidgets import QMainWindow

    app = env.app

    def bare(made: list[Any]) -> None:
        window = QMainWindow()
        made.append(window)
        window.resize(1280, 800)  # the size MainWindow takes on a first start
        window.show()
        app.processEvents()

    return Side(bare, _holder, _window_disposer(app))


# 4. filtering the account tree as you type


def _filter_target(env: Env, extra: dict[str, Any]) -> Side:
    app = env.app
    window = env.open_main_window()
    prefixes = env.workspace.filter_prefixes
    extra["prefixes"] = list(prefixes)
    shown: dict[str, int] = {}
    extra["top_level_rows_shown"] = shown

    def clear_filter() -> None:
        window.apply_tree_filter("")
        app.processEvents()

    def type_prefixes() -> None:  # each filter pass as it runs once typing pauses
        for prefix in prefixes:
            window.apply_tree_filter(prefix)
            app.processEvents()
            shown[prefix] = window.tree_proxy.rowCount()

    return Side(type_prefixes, clear_filter, close=lambda: _window_disposer(app)([window]))


def _filter_baseline(env: Env, extra: dict[str, Any]) -> Side:
    prefixes = env.workspace.filter_prefixes
    names = list(env.workspace.account_names)
    matches: dict[str, int] = {}
    extra["names_matching"] = matches

    def plain_list() -> None:
        for prefix in prefixes:
            needle = prefix.casefold()
            matches[prefix] = len([name for name in names if needle in name.casefold()])

    return Side(plain_list)


# 5. the contacts tab of the account with the most contacts

CONTACT_COLUMNS = (
    "name",
    "title",
    "buying_role",
    "influence",
    "relationship_strength",
    "reports_to_id",
    "email",
    "phone",
    "location",
    "time_zone",
)


def _account_page(env: Env) -> tuple[Any, Any]:
    """The main window showing a small account with its contacts tab current."""
    window = env.open_main_window()
    window.show_account(env.workspace.small_account_id)
    view = window.account_view
    assert view is not None
    view.tabs.setCurrentWidget(view.contacts_tabs)
    env.app.processEvents()
    return window, view


def _contacts_target(env: Env, extra: dict[str, Any]) -> Side:
    app = env.app
    window, view = _account_page(env)
    panel = view.contacts
    largest, small = env.workspace.largest_account_id, env.workspace.small_account_id
    extra["contacts"] = env.workspace.largest_account_contacts

    def away() -> None:  # from another account, so that the table really resets
        panel.show_account(small)
        app.processEvents()

    def show_largest() -> None:
        panel.show_account(largest)
        app.processEvents()
        assert panel.model.rowCount() == env.workspace.largest_account_contacts

    return Side(show_largest, away, close=lambda: _window_disposer(app)([window]))


def _page_target(env: Env, extra: dict[str, Any]) -> Side:
    app = env.app
    window, _view = _account_page(env)
    largest, small = env.workspace.largest_account_id, env.workspace.small_account_id
    extra["contacts"] = env.workspace.largest_account_contacts

    def away() -> None:
        window.show_account(small)
        app.processEvents()

    def open_largest() -> None:
        window.show_account(largest)
        app.processEvents()

    return Side(open_largest, away, close=lambda: _window_disposer(app)([window]))


def _contacts_baseline(env: Env, extra: dict[str, Any]) -> Side:
    """A bare QTableView in a window of the same size, fed a QStandardItemModel of the same
    rows read with raw sqlite3 (manager names resolved with a dict); no column sizing."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QMainWindow, QTableView

    app = env.app
    account_id = env.workspace.largest_account_id
    connection = sqlite3.connect(env.workspace.path)
    window = QMainWindow()
    view = QTableView()
    window.setCentralWidget(view)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    keep: dict[str, Any] = {}
    manager = CONTACT_COLUMNS.index("reports_to_id") + 1
    query = (
        f"SELECT id, {', '.join(CONTACT_COLUMNS)} FROM contact "
        "WHERE account_id = ? AND deleted_at IS NULL ORDER BY lower(name), id"
    )

    def show_rows() -> None:
        rows = connection.execute(query, (account_id,)).fetchall()
        names = {row[0]: row[1] for row in rows}
        model = QStandardItemModel(len(rows), len(CONTACT_COLUMNS))
        model.setHorizontalHeaderLabels(list(CONTACT_COLUMNS))
        for r, row in enumerate(rows):
            for c, value in enumerate(row[1:], start=1):
                text = names.get(value, "") if c == manager else ("" if value is None else value)
                model.setItem(r, c - 1, QStandardItem(str(text)))
        view.setModel(model)
        keep["model"] = model  # the view does not own it
        app.processEvents()

    def away() -> None:
        view.setModel(None)
        keep.clear()
        app.processEvents()

    def close() -> None:
        connection.close()
        _window_disposer(app)([window])

    return Side(show_rows, away, close=close)


# 6. the revenue roll-up of the whole portfolio

_REVENUE_ROWS = (
    "SELECT month, currency, target_minor, forecast_minor, actual_minor FROM revenue_month "
    "WHERE account_id IN (SELECT id FROM account WHERE deleted_at IS NULL) "
    "AND month >= ? AND month <= ?"
)


def _month_bounds(first: date, count: int) -> tuple[str, str]:
    months = _months(first, count)
    return months[0].isoformat(), months[-1].isoformat()


def _roll_up_target(env: Env, extra: dict[str, Any]) -> Side:
    from keyplan.services.workspace import WorkspaceServices

    services = WorkspaceServices.open(env.workspace.path)
    extra.update(first_month=FORECAST_FIRST_MONTH.isoformat(), months=12)
    extra["reporting_currency"] = REPORTING_CURRENCY

    def roll_up() -> None:
        result = services.forecast.roll_up(FORECAST_FIRST_MONTH, 12)
        assert result.complete and len(result.months) == 12, result.missing
        extra["rates_used"] = len(result.rates_used)

    return Side(roll_up, close=services.close)


def _minor_units() -> dict[str, int]:
    return {code: Currency.get(code).minor_units for code in (*_PER_USD, REPORTING_CURRENCY)}


def _roll_up_baseline(env: Env, extra: dict[str, Any]) -> Side:
    """The same rows fetched raw and added per month and currency as Decimals: the reading
    and the adding, without records, rate look-ups or conversion."""
    connection = sqlite3.connect(env.workspace.path)
    bounds = _month_bounds(FORECAST_FIRST_MONTH, 12)
    units = _minor_units()

    def raw_sums() -> None:
        sums: dict[tuple[str, str], list[Decimal]] = {}
        rows = connection.execute(_REVENUE_ROWS, bounds).fetchall()
        for month, code, *figures in rows:
            totals = sums.setdefault((month, code), [Decimal(0), Decimal(0), Decimal(0)])
            for i, minor in enumerate(figures):
                if minor is not None:
                    totals[i] += Decimal(minor).scaleb(-units[code])
        extra["revenue_rows"] = len(rows)

    return Side(raw_sums, close=connection.close)


# 7. the portfolio overview (the Portfolio page's data)


def _overview_target(env: Env, extra: dict[str, Any]) -> Side:
    from keyplan.services.workspace import WorkspaceServices

    services = WorkspaceServices.open(env.workspace.path)
    extra["today"] = TODAY.isoformat()

    def overview() -> None:
        result = services.portfolio.overview(TODAY)
        assert not result.missing, result.missing
        extra["look_ahead_items"] = len(result.look_ahead)
        extra["open_opportunities"] = result.kpis.open_pipeline.count

    return Side(overview, close=services.close)


_OVERVIEW_QUERIES = (
    "SELECT * FROM account WHERE deleted_at IS NULL ORDER BY lower(name)",
    "SELECT * FROM team_member WHERE deleted_at IS NULL",
    "SELECT * FROM exchange_rate WHERE deleted_at IS NULL",
    "SELECT o.* FROM opportunity o JOIN account a ON a.id = o.account_id "
    "WHERE o.deleted_at IS NULL AND a.deleted_at IS NULL",
    "SELECT s.* FROM opportunity_stage s JOIN opportunity o ON o.id = s.opportunity_id "
    "WHERE o.deleted_at IS NULL ORDER BY s.entered_on, s.id",
    "SELECT t.*, j.account_id FROM jbp_activity t JOIN jbp j ON j.id = t.jbp_id "
    "WHERE j.deleted_at IS NULL AND j.status <> 'closed'",
    "SELECT p.period, j.* FROM jbp_period p JOIN jbp j ON j.id = p.jbp_id "
    "WHERE j.deleted_at IS NULL AND j.status <> 'closed'",
)


def _overview_baseline(env: Env, extra: dict[str, Any]) -> Side:
    """Raw fetches of the rows the overview reads: accounts, team, rates, opportunities and
    their stage histories, JBP activities and periods, and the revenue months of the fiscal
    year and of the chart's twelve months around today. No records, no sums."""
    connection = sqlite3.connect(env.workspace.path)
    this_month = TODAY.replace(day=1)
    windows = (
        _month_bounds(date(TODAY.year, 1, 1), 12),  # the tiles: the fiscal year
        _month_bounds(_add_months(this_month, -6), 12),  # the chart: six back, six ahead
    )

    def raw_rows() -> None:
        fetched = 0
        for query in _OVERVIEW_QUERIES:
            fetched += len(connection.execute(query).fetchall())
        for bounds in windows:
            fetched += len(connection.execute(_REVENUE_ROWS, bounds).fetchall())
        extra["baseline_rows_fetched"] = fetched

    return Side(raw_rows, close=connection.close)


# 8. the Pipeline page: every opportunity as a card on the board


def _pipeline_target(env: Env, extra: dict[str, Any]) -> Side:
    from keyplan.services.workspace import WorkspaceServices
    from keyplan.ui.operations import WorkspaceSession
    from keyplan.ui.views.pipeline_view import PipelineView

    app = env.app
    services = WorkspaceServices.open(env.workspace.path)
    session = WorkspaceSession(services)
    cards = env.workspace.counts["opportunity"]
    extra["cards"] = cards

    def on_board(view: Any) -> int:
        return sum(column.cards.count() for column in view.columns.values())

    def build_page(made: list[Any]) -> None:
        view = PipelineView(session)
        made.append(view)
        view.resize(1280, 800)
        view.show()
        wait_until(app, lambda: on_board(view) == cards)
        app.processEvents()

    def close() -> None:
        session.deleteLater()
        flush_deletes(app)
        services.close()

    return Side(build_page, _holder, _window_disposer(app), close)


def _pipeline_baseline(env: Env, extra: dict[str, Any]) -> Side:
    """A bare QListWidget in a 1280×800 window, one text item per opportunity (name, account,
    amount, expected close) from a raw sqlite3 fetch: no columns per stage, no totals, no
    table tab, no filters."""
    from PySide6.QtWidgets import QListWidget, QMainWindow

    app = env.app
    connection = sqlite3.connect(env.workspace.path)
    units = _minor_units()
    query = (
        "SELECT o.name, a.name, o.currency, o.amount_minor, o.expected_close "
        "FROM opportunity o JOIN account a ON a.id = o.account_id "
        "WHERE o.deleted_at IS NULL AND a.deleted_at IS NULL "
        "ORDER BY o.expected_close, lower(o.name)"
    )

    def bare(made: list[Any]) -> None:
        window = QMainWindow()
        made.append(window)
        cards = QListWidget()
        window.setCentralWidget(cards)
        window.resize(1280, 800)
        for name, account, code, minor, close in connection.execute(query).fetchall():
            amount = Decimal(minor).scaleb(-units[code])
            cards.addItem(f"{name}\n{account}\n{code} {amount:,}\n{close or ''}")
        window.show()
        app.processEvents()

    return Side(bare, _holder, _window_disposer(app), connection.close)


SCENARIOS: dict[str, Spec] = {
    "open_workspace": Spec(20, _open_target, _open_baseline),
    "accounts_all": Spec(15, _accounts_target, _accounts_baseline),
    "startup_main_window": Spec(5, _startup_target, _startup_baseline),
    "filter_account_tree": Spec(5, _filter_target, _filter_baseline),
    "contacts_tab_largest_account": Spec(10, _contacts_target, _contacts_baseline),
    "open_largest_account_page": Spec(10, _page_target, _contacts_baseline),
    "forecast_roll_up": Spec(5, _roll_up_target, _roll_up_baseline),
    "portfolio_overview": Spec(3, _overview_target, _overview_baseline),
    "pipeline_board": Spec(3, _pipeline_target, _pipeline_baseline),
}


def build(name: str, side: str, env: Env, extra: dict[str, Any]) -> Side:
    spec = SCENARIOS[name]
    return (spec.target if side == "target" else spec.baseline)(env, extra)


# -- the memory probe: one call in a fresh process -------------------------------------------


def probe(name: str, side: str, info: Path) -> dict[str, Any]:
    """Set a side up in this (fresh) process, then measure the peak RSS of one call."""
    hold_none_references()
    folder = Path(tempfile.mkdtemp(prefix="keyplan-bench-probe-"))
    try:
        env = Env(load_info(info), folder)
        built = build(name, side, env, {})
        try:
            args, kwargs = arguments(built.setup)
            result = peak_rss(lambda: built.run(*args, **kwargs))
            if built.teardown is not None:
                built.teardown(*args, **kwargs)
        finally:
            built.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "probe" or argv[2] not in ("target", "baseline"):
        print("usage: benchlib.py probe SCENARIO target|baseline INFO.json", file=sys.stderr)
        return 2
    print(json.dumps(probe(argv[1], argv[2], Path(argv[3]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
