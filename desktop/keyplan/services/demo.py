"""The demo workspace: a believable portfolio to explore Keyplan without typing.

``create_demo_workspace(path)`` creates a new workspace file and fills it
*through the services*, so every value passes the same validation as a user's
entry. It returns the open ``WorkspaceServices``; the caller closes it (it is a
context manager). It refuses to overwrite an existing file
(``WorkspaceExistsError``) and removes a half-written file if filling fails.

The data lives in plain, readable structures below (``AGENCY``, ``TEAM``,
``ACCOUNTS``); the filling is one function per area (``add_agency``,
``add_team``, ``add_accounts``, ``add_contacts``, ``add_notes``). Later areas
(estimates, plans, reports) add a structure and a function of their own, and
find the ids of what exists in the ``DemoIds`` that ``fill_demo`` returns.

Dates are relative to a base date (``today``, default: the current date), so the
demo always looks recent; pass a fixed ``today`` for fully reproducible files.
All names, addresses, e-mail domains (``*.example``, ``example.*``) and phone
numbers are invented.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from keyplan.domain.forecast import add_months, first_of_month
from keyplan.domain.money import Currency, round_half_up
from keyplan.services.actuals import ActualDraft
from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.estimate_records import LineDraft, ProjectDraft, RateOption
from keyplan.services.estimates import LineEdit
from keyplan.services.jbp import (
    ActivityDraft,
    InvestmentDraft,
    MeasureDraft,
    ObjectiveDraft,
    PeriodActionDraft,
)
from keyplan.services.opportunities import OpportunityDraft
from keyplan.services.records import AccountDraft, ContactDraft, NoteDraft
from keyplan.services.workspace import WorkspaceServices

# -- the structures ----------------------------------------------------------------------


@dataclass(frozen=True)
class DemoMember:
    key: str
    name: str
    role: str
    email: str


@dataclass(frozen=True)
class DemoContact:
    key: str  # unique within its account; ``reports_to`` names another contact's key
    name: str
    title: str
    email: str
    phone: str
    location: str
    time_zone: str
    buying_role: str
    influence: int
    strength: int
    reports_to: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class DemoNote:
    days_ago: int
    kind: str  # note / worked / did_not_work
    title: str
    body: str


@dataclass(frozen=True)
class DemoAccount:
    key: str
    name: str
    legal_name: str
    industry: str
    market: str  # ISO 3166 alpha-2
    currency: str  # ISO 4217
    tier: str
    owner: str  # a DemoMember key
    kind: str = ""  # empty: standalone, or subsidiary under a parent
    parent: str | None = None  # a DemoAccount key listed earlier
    status: str = "active"
    health: str = "green"
    health_reason: str = ""
    health_days_ago: int = 30
    cadence_days: int = 30
    notes: str = ""
    contacts: tuple[DemoContact, ...] = ()
    learnings: tuple[DemoNote, ...] = ()


@dataclass
class DemoIds:
    """Ids of what the demo created, by the keys used in this module."""

    members: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    contacts: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, contact)
    notes: list[int] = field(default_factory=list)
    rate_cards: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    estimates: dict[str, int] = field(default_factory=dict)  # estimate ids
    change_orders: dict[str, list[int]] = field(default_factory=dict)  # by estimate key


# -- agency and team -------------------------------------------------------------------------

AGENCY: dict[str, object] = {
    "name": "Harbourline Partners",
    "legal_name": "Harbourline Partners Pte. Ltd.",
    "address": "80 Robinson Road, #12-01\nSingapore 068898\nSingapore",
    "tax_id": "UEN 201912345K",
    "brand_colour": "#0E5A8A",
    "default_currency": "USD",
    "default_tax_rate": Decimal("9"),
    "paper_size": "A4",
    "margin_floor_percent": Decimal("30"),
    "estimate_number_pattern": "HLP-{year}-{seq:04}",
    "payment_terms": (
        "Payment due 30 days from the invoice date by bank transfer in the invoice currency. "
        "Third-party costs above USD 10,000 are invoiced in advance."
    ),
    "fiscal_year_start_month": 1,
}

TEAM: tuple[DemoMember, ...] = (
    DemoMember("amelia", "Amelia Hart", "Group Account Director",
               "amelia.hart@harbourline.example"),
    DemoMember("kenji", "Kenji Watanabe", "Account Director, Japan",
               "kenji.watanabe@harbourline.example"),
    DemoMember("grace", "Grace Wong", "Key Account Manager, Greater China",
               "grace.wong@harbourline.example"),
    DemoMember("jiwoo", "Park Ji-woo", "Key Account Manager, Korea",
               "jiwoo.park@harbourline.example"),
    DemoMember("minh", "Nguyễn Hoàng Minh", "Account Director, Vietnam",
               "minh.nguyen@harbourline.example"),
    DemoMember("sofia", "Sofia Petrova", "Account Director, Europe",
               "sofia.petrova@harbourline.example"),
    DemoMember("daniel", "Daniel Okafor", "Strategy Director",
               "daniel.okafor@harbourline.example"),
)  # fmt: skip

# -- accounts, contacts and learnings -----------------------------------------------------------
# Parents come before their subsidiaries and business units.

_AURORA = DemoAccount(
    key="aurora",
    name="Aurora Consumer Brands",
    legal_name="Aurora Consumer Brands AG",
    kind="global",
    industry="Consumer goods (FMCG)",
    market="CH",
    currency="USD",
    tier="Enterprise",
    owner="amelia",
    cadence_days=14,
    notes=(
        "Global MSA since 2022, renewed every January. Global fees in USD; "
        "each subsidiary raises local purchase orders in its own currency."
    ),
    contacts=(
        DemoContact("cmo", "Isabelle Moreau", "Global Chief Marketing Officer",
                    "isabelle.moreau@aurora.example.com", "+41 22 718 40 10", "Geneva",
                    "Europe/Zurich", "decision_maker", 5, 3),
        DemoContact("media", "Lars Eriksson", "VP Global Media & Digital",
                    "lars.eriksson@aurora.example.com", "+41 22 718 40 25", "Geneva",
                    "Europe/Zurich", "economic_buyer", 5, 4, reports_to="cmo"),
        DemoContact("commerce", "Priya Raman", "Director, Digital Commerce",
                    "priya.raman@aurora.example.com", "+41 22 718 40 37", "Geneva",
                    "Europe/Zurich", "champion", 4, 5, reports_to="media"),
        DemoContact("brand", "Tomás Álvarez", "Global Brand Manager, Skincare",
                    "tomas.alvarez@aurora.example.com", "+41 22 718 40 52", "Geneva",
                    "Europe/Zurich", "user", 3, 4, reports_to="commerce"),
        DemoContact("procurement", "Markus Keller", "Head of Marketing Procurement",
                    "markus.keller@aurora.example.com", "+41 22 718 41 08", "Geneva",
                    "Europe/Zurich", "blocker", 4, 2,
                    notes="Asks for an 8-10 % rate-card reduction at every renewal; "
                          "answer with benchmark data and results per market."),
    ),
    learnings=(
        DemoNote(200, "worked", "One-page scorecard for the quarterly business review",
                 "Replacing the 40-slide market-by-market deck with one scorecard (media "
                 "efficiency, e-commerce sales, share of search) cut the QBR to 60 minutes. "
                 "Isabelle asked the other roster agencies to use the same format."),
        DemoNote(120, "did_not_work",
                 "Pitching a global retail media hub before the markets agreed",
                 "We presented the hub to Lars without pre-wiring Japan and Germany; both local "
                 "marketing heads objected to losing budget control and the idea stalled. Next "
                 "time: align the subsidiaries first, then go to HQ with their support."),
        DemoNote(30, "note", "Renewal preparation: procurement benchmark",
                 "Markus wants our blended day rates against three benchmarks before the "
                 "January renewal. Prepare the rate-card comparison and the value story per "
                 "market (JP, US, DE) for the meeting in six weeks."),
    ),
)  # fmt: skip

_AURORA_JP = DemoAccount(
    key="aurora_jp",
    name="Aurora Consumer Brands Japan",
    legal_name="オーロラ・コンシューマー・ブランズ・ジャパン株式会社",
    parent="aurora",
    kind="subsidiary",
    industry="Consumer goods (FMCG)",
    market="JP",
    currency="JPY",
    tier="Enterprise",
    owner="kenji",
    cadence_days=14,
    contacts=(
        DemoContact("md", "田中 太郎", "Marketing Director (マーケティング本部長)",
                    "taro.tanaka@aurora.example.jp", "+81 3-5412-7730", "Tokyo",
                    "Asia/Tokyo", "decision_maker", 5, 3),
        DemoContact("ecom", "佐藤 花子", "Senior Manager, E-commerce",
                    "hanako.sato@aurora.example.jp", "+81 3-5412-7745", "Tokyo",
                    "Asia/Tokyo", "champion", 4, 5, reports_to="md"),
        DemoContact("media", "鈴木 一郎", "Manager, Digital Media",
                    "ichiro.suzuki@aurora.example.jp", "+81 3-5412-7761", "Tokyo",
                    "Asia/Tokyo", "user", 3, 4, reports_to="ecom"),
        DemoContact("purchasing", "高橋 美咲", "Procurement Manager",
                    "misaki.takahashi@aurora.example.jp", "+81 3-5412-7702", "Tokyo",
                    "Asia/Tokyo", "economic_buyer", 3, 3),
    ),
    learnings=(
        DemoNote(90, "worked", "Marketplace mega-sale calendar agreed three months ahead",
                 "Planning the four marketplace mega-sales with 佐藤さん a quarter in advance "
                 "secured the featured slots; sales on sale days were 2.4x the previous year."),
        DemoNote(45, "note", "Ringi approval takes three to four weeks",
                 "Estimates above ¥5,000,000 circulate for ringi (稟議) up to the representative "
                 "director. Submit by the 10th to be approved within the same month."),
    ),
)  # fmt: skip

_AURORA_US = DemoAccount(
    key="aurora_us",
    name="Aurora Consumer Brands USA",
    legal_name="Aurora Consumer Brands USA, Inc.",
    parent="aurora",
    kind="subsidiary",
    industry="Consumer goods (FMCG)",
    market="US",
    currency="USD",
    tier="Enterprise",
    owner="amelia",
    cadence_days=14,
    contacts=(
        DemoContact("vp", "Jessica Morgan", "VP Marketing, North America",
                    "jessica.morgan@aurora.example.com", "+1 (212) 555-0147", "New York",
                    "America/New_York", "decision_maker", 5, 3),
        DemoContact("retail", "Marcus Johnson", "Director, Retail Media",
                    "marcus.johnson@aurora.example.com", "+1 (212) 555-0163", "New York",
                    "America/New_York", "champion", 4, 4, reports_to="vp"),
        DemoContact("shopper", "Emily Chen", "Senior Manager, Shopper Marketing",
                    "emily.chen@aurora.example.com", "+1 (312) 555-0189", "Chicago",
                    "America/Chicago", "user", 3, 4, reports_to="retail"),
    ),
    learnings=(
        DemoNote(60, "worked", "Retail media test with a holdout group",
                 "Running the retail media test against a 10 % holdout proved an incremental "
                 "ROAS of 3.1 against a 2.2 target; Marcus used it to move USD 1.2M from TV."),
        DemoNote(15, "note", "Budget cycle",
                 "Fiscal planning for next year locks in the first week of October; Jessica "
                 "wants the retail media proposal two weeks before."),
    ),
)  # fmt: skip

_AURORA_DE = DemoAccount(
    key="aurora_de",
    name="Aurora Consumer Brands Deutschland",
    legal_name="Aurora Consumer Brands Deutschland GmbH",
    parent="aurora",
    kind="subsidiary",
    industry="Consumer goods (FMCG)",
    market="DE",
    currency="EUR",
    tier="Enterprise",
    owner="sofia",
    health="amber",
    health_reason=(
        "New CMO since March who has announced an agency roster review for Q4 "
        "and has not met us one-to-one yet."
    ),
    health_days_ago=21,
    cadence_days=14,
    contacts=(
        DemoContact("cmo", "Dr. Katrin Vogel", "CMO DACH",
                    "katrin.vogel@aurora.example.de", "+49 40 3096 2210", "Hamburg",
                    "Europe/Berlin", "decision_maker", 5, 1,
                    notes="Joined from a competitor in March; leads the Q4 roster review."),
        DemoContact("ecom", "Jonas Becker", "Head of E-commerce",
                    "jonas.becker@aurora.example.de", "+49 40 3096 2234", "Hamburg",
                    "Europe/Berlin", "champion", 4, 4, reports_to="cmo"),
        DemoContact("einkauf", "Sabine Hoffmann", "Leiterin Einkauf Marketing",
                    "sabine.hoffmann@aurora.example.de", "+49 40 3096 2180", "Hamburg",
                    "Europe/Berlin", "economic_buyer", 3, 3),
    ),
    learnings=(
        DemoNote(21, "did_not_work", "Sending the annual plan to the new CMO by e-mail",
                 "Dr. Vogel did not open the plan we e-mailed. Jonas suggests a 45-minute "
                 "session in Hamburg with the three results she cares about, on paper."),
        DemoNote(8, "note", "Roster review timeline",
                 "Sabine confirmed: briefing in October, chemistry meetings in November, "
                 "decision before Christmas. Incumbents pitch too."),
    ),
)  # fmt: skip

_AURORA_BEAUTY = DemoAccount(
    key="aurora_beauty",
    name="Aurora Beauty & Personal Care",
    legal_name="Aurora Consumer Brands AG, Beauty & Personal Care division",
    parent="aurora",
    kind="business_unit",
    industry="Beauty and personal care",
    market="SG",
    currency="USD",
    tier="Enterprise",
    owner="amelia",
    cadence_days=30,
    contacts=(
        DemoContact("category", "Aisha Rahman", "Global Category Director, Skincare",
                    "aisha.rahman@aurora.example.com", "+65 6221 4870", "Singapore",
                    "Asia/Singapore", "decision_maker", 5, 3),
        DemoContact("apac", "Oliver Grant", "Brand Director APAC",
                    "oliver.grant@aurora.example.com", "+65 6221 4895", "Singapore",
                    "Asia/Singapore", "influencer", 4, 4, reports_to="category"),
    ),
    learnings=(
        DemoNote(50, "note", "Whitespace: creator commerce",
                 "The business unit buys no creator or live commerce from any agency yet; Oliver "
                 "is open to a pilot in two APAC markets next half-year."),
    ),
)  # fmt: skip

_HARBOUR_LANE = DemoAccount(
    key="harbour_lane",
    name="Harbour Lane Outfitters",
    legal_name="Harbour Lane Outfitters Limited",
    industry="Fashion e-commerce",
    market="HK",
    currency="HKD",
    tier="VIP",
    owner="grace",
    cadence_days=14,
    notes="Cross-border merchant: ~40 % of orders ship to mainland China and Taiwan.",
    contacts=(
        DemoContact("ceo", "陳志明 (Michael Chan)", "Founder & CEO",
                    "michael.chan@harbourlane.example.com.hk", "+852 2815 6620", "Hong Kong",
                    "Asia/Hong_Kong", "decision_maker", 5, 4),
        DemoContact("ecom", "黃美玲 (Mandy Wong)", "Head of E-commerce",
                    "mandy.wong@harbourlane.example.com.hk", "+852 2815 6634", "Hong Kong",
                    "Asia/Hong_Kong", "champion", 4, 5, reports_to="ceo"),
        DemoContact("xborder", "张伟", "Head of Cross-border Operations",
                    "zhang.wei@harbourlane.example.com.hk", "+86 755 8612 3456", "Shenzhen",
                    "Asia/Shanghai", "influencer", 3, 3, reports_to="ecom"),
        DemoContact("payops", "李娜", "Payments Operations Lead",
                    "li.na@harbourlane.example.com.hk", "+86 755 8612 3471", "Shenzhen",
                    "Asia/Shanghai", "user", 3, 4, reports_to="xborder"),
    ),
    learnings=(
        DemoNote(150, "did_not_work", "Buy-now-pay-later pilot",
                 "A three-month BNPL pilot reached only 1.8 % of orders, mostly below HKD 400, "
                 "while its fees were the highest of all methods. Switched off at the review."),
        DemoNote(75, "worked", "Local wallets at checkout",
                 "Adding FPS and two mainland e-wallets lifted checkout conversion from 2.1 % to "
                 "2.6 % in six weeks. Mandy presented the result at their board meeting."),
        DemoNote(12, "note", "Chargeback spike on cross-border orders",
                 "李娜 reports a rise in 'item not received' disputes on Taiwan orders; agree "
                 "tracking-number upload with the courier before peak season."),
    ),
)  # fmt: skip

_KOWLOON_BAKES = DemoAccount(
    key="kowloon_bakes",
    name="Kowloon Bakes",
    legal_name="Kowloon Bakes Co. Limited",
    industry="Food and beverage e-commerce",
    market="HK",
    currency="HKD",
    tier="Small",
    owner="grace",
    cadence_days=60,
    contacts=(
        DemoContact("owner", "王芳 (Fiona Wong)", "Owner",
                    "fiona.wong@kowloonbakes.example.com.hk", "+852 9123 4587", "Hong Kong",
                    "Asia/Hong_Kong", "decision_maker", 5, 4),
        DemoContact("ops", "Kelvin Lau", "Operations Manager",
                    "kelvin.lau@kowloonbakes.example.com.hk", "+852 2388 0412", "Hong Kong",
                    "Asia/Hong_Kong", "user", 3, 3, reports_to="owner"),
        DemoContact("mkt", "何嘉欣 (Chloe Ho)", "Marketing Coordinator",
                    "chloe.ho@kowloonbakes.example.com.hk", "+852 2388 0419", "Hong Kong",
                    "Asia/Hong_Kong", "influencer", 2, 4, reports_to="owner"),
    ),
    learnings=(
        DemoNote(80, "worked", "Mid-Autumn mooncake pre-orders",
                 "Pre-orders with a deposit by card opened four weeks early sold out 3,200 boxes "
                 "and smoothed the bakery's production plan."),
        DemoNote(25, "note", "Wants payment links for corporate gifting",
                 "Fiona asks for invoice payment links for corporate orders above HKD 20,000."),
    ),
)  # fmt: skip

_FORMOSA = DemoAccount(
    key="formosa",
    name="Formosa Cycle Works",
    legal_name="福爾摩沙單車股份有限公司",
    industry="Sporting goods e-commerce",
    market="TW",
    currency="TWD",
    tier="Medium",
    owner="grace",
    status="at_risk",
    health="red",
    health_reason=(
        "Checkout conversion fell from 3.4 % to 2.7 % after the 3-D Secure 2 migration; "
        "the CFO is comparing two other payment providers and wants a recovery plan by month end."
    ),
    health_days_ago=9,
    cadence_days=7,
    contacts=(
        DemoContact("gm", "林志豪", "General Manager (總經理)",
                    "jason.lin@formosacycle.example.com.tw", "+886 2 2712 3456", "Taipei",
                    "Asia/Taipei", "decision_maker", 5, 3),
        DemoContact("cfo", "陳怡君", "Chief Financial Officer",
                    "yichun.chen@formosacycle.example.com.tw", "+886 2 2712 3470", "Taipei",
                    "Asia/Taipei", "economic_buyer", 5, 2, reports_to="gm",
                    notes="Runs the payment provider comparison; wants numbers, not slides."),
        DemoContact("ecom", "王建民", "E-commerce Director",
                    "chienmin.wang@formosacycle.example.com.tw", "+886 2 2712 3481", "Taipei",
                    "Asia/Taipei", "champion", 4, 4, reports_to="gm"),
        DemoContact("digital", "張雅婷", "Digital Marketing Manager",
                    "yating.chang@formosacycle.example.com.tw", "+886 4 2328 1150", "Taichung",
                    "Asia/Taipei", "user", 3, 4, reports_to="ecom"),
    ),
    learnings=(
        DemoNote(40, "did_not_work", "Assuming a frictionless 3DS2 flow for all cards",
                 "Two local issuers challenge every transaction above TWD 3,000; we did not test "
                 "them before go-live and abandoned checkouts doubled on those cards."),
        DemoNote(9, "worked", "Weekly Thursday check-ins during the incident",
                 "A 20-minute weekly call with 王建民 and our payments engineer kept the client "
                 "informed and stopped escalations to the GM."),
        DemoNote(3, "note", "Recovery plan draft",
                 "Exemptions for low-value orders, issuer-specific routing and a monthly "
                 "conversion report; review with 陳怡君 before month end."),
    ),
)  # fmt: skip

_HOSHIZORA = DemoAccount(
    key="hoshizora",
    name="Hoshizora Travel",
    legal_name="株式会社ほしぞらトラベル",
    industry="Online travel agency",
    market="JP",
    currency="JPY",
    tier="Enterprise",
    owner="kenji",
    cadence_days=14,
    notes="Fiscal year starts in April; next year's budgets are fixed in February.",
    contacts=(
        DemoContact("ceo", "山本 健一", "代表取締役社長 (CEO)",
                    "kenichi.yamamoto@hoshizora.example.jp", "+81 3-6205-1180", "Tokyo",
                    "Asia/Tokyo", "decision_maker", 5, 2),
        DemoContact("cmo", "中村 由美", "執行役員 CMO",
                    "yumi.nakamura@hoshizora.example.jp", "+81 3-6205-1192", "Tokyo",
                    "Asia/Tokyo", "economic_buyer", 5, 4, reports_to="ceo"),
        DemoContact("payments", "小林 大輔", "Head of Payments (決済部長)",
                    "daisuke.kobayashi@hoshizora.example.jp", "+81 3-6205-1214", "Tokyo",
                    "Asia/Tokyo", "champion", 4, 5, reports_to="cmo"),
        DemoContact("pm", "伊藤 さくら", "Payments Product Manager",
                    "sakura.ito@hoshizora.example.jp", "+81 90-4418-2271", "Tokyo",
                    "Asia/Tokyo", "user", 3, 4, reports_to="payments"),
        DemoContact("security", "加藤 誠", "Information Security Manager",
                    "makoto.kato@hoshizora.example.jp", "+81 6-6345-7702", "Osaka",
                    "Asia/Tokyo", "blocker", 3, 2,
                    notes="Signs off every new payment method; needs the PCI DSS evidence pack."),
    ),
    learnings=(
        DemoNote(180, "worked", "Konbini payment for last-minute bookings",
                 "Offering convenience-store payment for bookings made within 72 hours of "
                 "departure recovered 6 % of abandoned checkouts, mostly from younger travellers."),
        DemoNote(95, "did_not_work", "Launching a new wallet before the security review",
                 "We promised a launch date before 加藤さん's review; it took seven weeks and the "
                 "date slipped twice. Start the security review in the first week of a project."),
        DemoNote(20, "note", "Inbound travel surge",
                 "中村さん expects foreign cards to exceed 30 % of volume next fiscal year; "
                 "prepare multi-currency pricing and the FX margin proposal for February."),
    ),
)  # fmt: skip

_HANBIT = DemoAccount(
    key="hanbit",
    name="Hanbit Beauty Mall",
    legal_name="(주)한빛뷰티몰",
    industry="Beauty e-commerce marketplace",
    market="KR",
    currency="KRW",
    tier="VIP",
    owner="jiwoo",
    health="amber",
    health_reason=(
        "Cross-border volume share fell from 80 % to 55 % this quarter after a competing "
        "provider cut its fees; domestic volume is stable."
    ),
    health_days_ago=14,
    cadence_days=14,
    contacts=(
        DemoContact("ceo", "김민준", "CEO (대표이사)",
                    "minjun.kim@hanbit.example.co.kr", "+82 2-3452-7781", "Seoul",
                    "Asia/Seoul", "decision_maker", 5, 3),
        DemoContact("global", "이서연", "Head of Global Commerce",
                    "seoyeon.lee@hanbit.example.co.kr", "+82 2-3452-7795", "Seoul",
                    "Asia/Seoul", "champion", 4, 5, reports_to="ceo"),
        DemoContact("payments", "박지훈", "Payments Manager",
                    "jihoon.park@hanbit.example.co.kr", "+82 10-4821-3367", "Seoul",
                    "Asia/Seoul", "user", 3, 4, reports_to="global"),
        DemoContact("finance", "최유진", "Finance Director",
                    "yujin.choi@hanbit.example.co.kr", "+82 2-3452-7710", "Seoul",
                    "Asia/Seoul", "economic_buyer", 4, 3, reports_to="ceo"),
    ),
    learnings=(
        DemoNote(110, "worked", "Local-language checkout for Japanese shoppers",
                 "Japanese checkout copy and JCB acceptance raised the approval rate of "
                 "Japanese orders from 88 % to 94 %."),
        DemoNote(60, "did_not_work", "Matching the competitor's fee on all volume",
                 "A blanket fee cut was refused by our finance team; 최유진 wanted a tiered "
                 "offer tied to volume commitments instead."),
        DemoNote(14, "note", "Win-back plan for cross-border volume",
                 "Tiered pricing above KRW 5 billion a month plus faster settlement (T+1) in "
                 "USD; 이서연 will take it to 김민준 next week."),
    ),
)  # fmt: skip

_MAPO = DemoAccount(
    key="mapo",
    name="Mapo Coffee Roasters",
    legal_name="마포커피로스터스",
    industry="Specialty coffee, direct to consumer",
    market="KR",
    currency="KRW",
    tier="Small",
    owner="jiwoo",
    status="prospect",
    cadence_days=30,
    contacts=(
        DemoContact("founder", "정하은", "Co-founder",
                    "haeun.jung@mapocoffee.example.co.kr", "+82 10-2284-9013", "Seoul",
                    "Asia/Seoul", "decision_maker", 5, 2),
        DemoContact("store", "강도윤", "Online Store Manager",
                    "doyun.kang@mapocoffee.example.co.kr", "+82 2-332-4518", "Seoul",
                    "Asia/Seoul", "user", 3, 2, reports_to="founder"),
        DemoContact("brand", "윤서아", "Brand Marketer",
                    "seoa.yoon@mapocoffee.example.co.kr", "+82 2-332-4520", "Seoul",
                    "Asia/Seoul", "influencer", 2, 3, reports_to="founder"),
    ),
    learnings=(
        DemoNote(35, "note", "Met at the Seoul e-commerce meetup",
                 "Subscription boxes growing 15 % a month; failed recurring card payments are "
                 "their biggest pain. Send a case study on card updater and retries."),
        DemoNote(6, "note", "Pricing question",
                 "정하은 asked for a flat rate without a monthly minimum; check with pricing "
                 "before the follow-up call."),
    ),
)  # fmt: skip

_SEN_VIET = DemoAccount(
    key="sen_viet",
    name="Sen Việt E-commerce",
    legal_name="Công ty Cổ phần Thương mại Điện tử Sen Việt",
    industry="E-commerce marketplace",
    market="VN",
    currency="VND",
    tier="VIP",
    owner="minh",
    cadence_days=14,
    notes="Peak days: 9.9, 10.10, 11.11, 12.12 and the weeks before Tết.",
    contacts=(
        DemoContact("ceo", "Trần Văn Đức", "Tổng Giám đốc (CEO)",
                    "duc.tran@senviet.example.com.vn", "+84 28 3823 4567", "TP. Hồ Chí Minh",
                    "Asia/Ho_Chi_Minh", "decision_maker", 5, 3),
        DemoContact("cmo", "Nguyễn Thị Hương", "Giám đốc Marketing (CMO)",
                    "huong.nguyen@senviet.example.com.vn", "+84 28 3823 4580", "TP. Hồ Chí Minh",
                    "Asia/Ho_Chi_Minh", "economic_buyer", 5, 4, reports_to="ceo"),
        DemoContact("performance", "Lê Minh Khôi", "Trưởng nhóm Performance Marketing",
                    "khoi.le@senviet.example.com.vn", "+84 90 312 4478", "TP. Hồ Chí Minh",
                    "Asia/Ho_Chi_Minh", "champion", 4, 5, reports_to="cmo"),
        DemoContact("live", "Phạm Thu Trang", "Chuyên viên cao cấp, Livestream Commerce",
                    "trang.pham@senviet.example.com.vn", "+84 93 781 2205", "TP. Hồ Chí Minh",
                    "Asia/Ho_Chi_Minh", "user", 3, 4, reports_to="performance"),
        DemoContact("cfo", "Võ Quốc Bảo", "Giám đốc Tài chính (CFO)",
                    "bao.vo@senviet.example.com.vn", "+84 28 3823 4512", "TP. Hồ Chí Minh",
                    "Asia/Ho_Chi_Minh", "influencer", 4, 3, reports_to="ceo"),
        DemoContact("payments", "Đặng Ngọc Ánh", "Trưởng phòng Thanh toán",
                    "anh.dang@senviet.example.com.vn", "+84 24 3936 1870", "Hà Nội",
                    "Asia/Ho_Chi_Minh", "user", 3, 3, reports_to="cfo"),
    ),
    learnings=(
        DemoNote(100, "worked", "Livestream bán hàng ngày 9.9",
                 "Phiên livestream 3 giờ ngày 9.9 với KOC địa phương đạt 1,2 tỷ ₫ doanh thu, "
                 "gấp 3 lần ngày thường. Chị Trang đề xuất lặp lại vào 11.11 và 12.12."),
        DemoNote(70, "did_not_work", "Free shipping for cash on delivery only",
                 "Limiting free shipping to COD orders pushed the refusal rate to 18 %. Move the "
                 "incentive to e-wallet and VietQR bank-transfer payments instead."),
        DemoNote(18, "note", "Kế hoạch Tết Nguyên Đán",
                 "Chốt ngân sách quảng cáo Tết trước ngày 15/11; đội ngũ khách hàng nghỉ từ 23 "
                 "tháng Chạp. Anh Khôi cần báo giá sơ bộ trong tuần này."),
    ),
)  # fmt: skip

_SEVERNY_DOM = DemoAccount(
    key="severny_dom",
    name="Северный Дом",
    legal_name="ООО «Северный Дом Ритейл»",
    industry="Home goods retail",
    market="RU",
    currency="RUB",
    tier="Medium",
    owner="sofia",
    health="amber",
    health_reason=(
        "Q3 marketing budget frozen by the CFO until the board reviews the plan; "
        "two campaigns postponed, decision expected at the board meeting this month."
    ),
    health_days_ago=12,
    cadence_days=21,
    notes="Сеть из 48 магазинов и интернет-магазин; 35 % выручки онлайн.",
    contacts=(
        DemoContact("ceo", "Дмитрий Иванов", "Генеральный директор",
                    "d.ivanov@severnydom.example.ru", "+7 495 984-21-10", "Москва",
                    "Europe/Moscow", "decision_maker", 5, 2),
        DemoContact("cmo", "Ольга Смирнова", "Директор по маркетингу",
                    "o.smirnova@severnydom.example.ru", "+7 495 984-21-34", "Москва",
                    "Europe/Moscow", "economic_buyer", 5, 4, reports_to="ceo"),
        DemoContact("ecom", "Анна Кузнецова", "Руководитель интернет-магазина",
                    "a.kuznetsova@severnydom.example.ru", "+7 812 407-15-62", "Санкт-Петербург",
                    "Europe/Moscow", "champion", 4, 5, reports_to="cmo"),
        DemoContact("crm", "Сергей Попов", "Менеджер по CRM",
                    "s.popov@severnydom.example.ru", "+7 812 407-15-77", "Санкт-Петербург",
                    "Europe/Moscow", "user", 3, 4, reports_to="ecom"),
        DemoContact("cfo", "Елена Волкова", "Финансовый директор",
                    "e.volkova@severnydom.example.ru", "+7 495 984-21-05", "Москва",
                    "Europe/Moscow", "blocker", 4, 2, reports_to="ceo",
                    notes="Froze the Q3 budget; asks for payback per campaign in months."),
        DemoContact("siberia", "Игорь Соколов", "Региональный директор, Сибирь",
                    "i.sokolov@severnydom.example.ru", "+7 383 209-44-18", "Новосибирск",
                    "Asia/Novosibirsk", "influencer", 3, 3, reports_to="ceo"),
    ),
    learnings=(
        DemoNote(130, "worked", "Программа лояльности: персональные предложения",
                 "Персональные предложения по истории покупок подняли повторные покупки "
                 "онлайн на 12 % за квартал. Анна хочет расширить на офлайн-магазины."),
        DemoNote(55, "did_not_work", "Mass e-mail discount before the summer sale",
                 "A 15 % blanket discount e-mail to the whole base cut margin and brought mostly "
                 "existing buyers forward; next time target lapsed customers only."),
        DemoNote(12, "note", "Бюджет на III квартал заморожен",
                 "Елена Волкова заморозила бюджет до заседания совета директоров. Подготовить "
                 "расчёт окупаемости по каждой кампании к 25-му числу."),
    ),
)  # fmt: skip

ACCOUNTS: tuple[DemoAccount, ...] = (
    _AURORA,
    _AURORA_JP,
    _AURORA_US,
    _AURORA_DE,
    _AURORA_BEAUTY,
    _HARBOUR_LANE,
    _KOWLOON_BAKES,
    _FORMOSA,
    _HOSHIZORA,
    _HANBIT,
    _MAPO,
    _SEN_VIET,
    _SEVERNY_DOM,
)

# -- rate cards, projects and estimates -------------------------------------------------------
# Rates are per hour. Estimates are created oldest first (so their numbers follow the dates),
# through the services: every line passes the editor's validation, labour lines copy the rate
# card option in force on the issue date, revisions are sent and revised like a user would.


@dataclass(frozen=True)
class DemoRateCard:
    key: str
    name: str
    currency: str
    rates: tuple[tuple[str, str, str], ...]  # (role, bill rate, cost rate) per hour
    account: str | None = None  # a DemoAccount key: an override card for that account
    valid_days_ago: int = 400
    # later rates: (role, bill rate, cost rate, valid since days ago)
    increases: tuple[tuple[str, str, str, int], ...] = ()


@dataclass(frozen=True)
class DemoProject:
    key: str
    account: str  # a DemoAccount key
    code: str
    name: str
    brief: str
    scope: str
    status: str
    start_days: int  # relative to today: negative in the past
    end_days: int
    po_number: str = ""


@dataclass(frozen=True)
class DemoLine:
    kind: str  # labour / third_party / fixed_fee / expense
    description: str
    quantity: Decimal
    unit: str = ""
    unit_price: Decimal = Decimal(0)  # fixed fees and expenses; labour takes the rate card's
    unit_cost: Decimal = Decimal(0)
    markup: Decimal = Decimal(0)  # third-party lines: the price is cost + markup
    discount: Decimal = Decimal(0)
    tax_rate: Decimal | None = None  # None: the estimate's standard rate
    optional: bool = False
    role: str = ""  # labour: a role of the rate card
    supplier: str = ""


@dataclass(frozen=True)
class DemoSection:
    name: str
    lines: tuple[DemoLine, ...]


@dataclass(frozen=True)
class DemoRevision:
    """The next revision: what the client asked to change after the previous one was sent."""

    issued_days_ago: int
    why: str  # added to the internal notes
    sent_days_ago: int | None = None  # None: the revision is still a draft
    changes: tuple[tuple[str, dict[str, object]], ...] = ()  # line description -> new values
    added: tuple[tuple[str, DemoLine], ...] = ()  # (section name, line)
    removed: tuple[str, ...] = ()  # line descriptions
    header: dict[str, object] = field(default_factory=dict)  # e.g. a discount


@dataclass(frozen=True)
class DemoApproval:
    by: str
    days_ago: int
    po_number: str = ""


@dataclass(frozen=True)
class DemoChangeOrder:
    title: str
    reason: str
    lines: tuple[DemoLine, ...]
    sent_days_ago: int | None = None  # None: a draft
    approval: DemoApproval | None = None


@dataclass(frozen=True)
class DemoEstimate:
    key: str
    account: str  # a DemoAccount key; the estimate is in the account's currency
    title: str
    issued_days_ago: int
    tax_rate: Decimal  # the standard rate of the estimate
    sections: tuple[DemoSection, ...]
    project: str | None = None  # a DemoProject key
    valid_days: int = 30
    adjustments: dict[str, object] = field(default_factory=dict)  # update_revision fields
    client_notes: str = ""
    internal_notes: str = ""
    terms: str = ""  # empty: the agency's payment terms
    sent_days_ago: int | None = None  # None: revision 1 stays a draft
    revisions: tuple[DemoRevision, ...] = ()
    approval: DemoApproval | None = None  # of the last revision
    rejection: tuple[int, str] | None = None  # (days ago, reason) of the last revision
    change_orders: tuple[DemoChangeOrder, ...] = ()


def _labour(
    role: str,
    hours: str,
    description: str,
    *,
    discount: str = "0",
    tax: str | None = None,
    optional: bool = False,
) -> DemoLine:
    return DemoLine(
        "labour",
        description,
        Decimal(hours),
        role=role,
        discount=Decimal(discount),
        tax_rate=None if tax is None else Decimal(tax),
        optional=optional,
    )


def _third_party(
    description: str,
    supplier: str,
    unit_cost: str,
    markup: str,
    *,
    quantity: str = "1",
    unit: str = "lot",
    tax: str | None = None,
    optional: bool = False,
) -> DemoLine:
    return DemoLine(
        "third_party",
        description,
        Decimal(quantity),
        unit=unit,
        unit_cost=Decimal(unit_cost),
        markup=Decimal(markup),
        supplier=supplier,
        tax_rate=None if tax is None else Decimal(tax),
        optional=optional,
    )


def _fee(
    description: str,
    price: str,
    cost: str = "0",
    *,
    quantity: str = "1",
    unit: str = "fixed",
    discount: str = "0",
    tax: str | None = None,
    optional: bool = False,
) -> DemoLine:
    return DemoLine(
        "fixed_fee",
        description,
        Decimal(quantity),
        unit=unit,
        unit_price=Decimal(price),
        unit_cost=Decimal(cost),
        discount=Decimal(discount),
        tax_rate=None if tax is None else Decimal(tax),
        optional=optional,
    )


def _expense(
    description: str,
    quantity: str,
    unit: str,
    price: str,
    *,
    tax: str | None = None,
    optional: bool = False,
) -> DemoLine:
    """A re-billed expense at cost: the price is what the agency pays."""
    return DemoLine(
        "expense",
        description,
        Decimal(quantity),
        unit=unit,
        unit_price=Decimal(price),
        unit_cost=Decimal(price),
        tax_rate=None if tax is None else Decimal(tax),
        optional=optional,
    )


RATE_ROLES = (
    "Account Director",
    "Account Manager",
    "Strategist",
    "Creative Director",
    "Art Director",
    "Designer",
    "Copywriter",
    "Developer",
    "Producer",
    "Media Planner",
    "Data Analyst",
    "Project Manager",
)


def _agency_card(
    currency: str, rates: str, increases: tuple[tuple[str, str, str, int], ...] = ()
) -> DemoRateCard:
    """The agency's card in ``currency``; ``rates`` holds 'bill/cost' per role of RATE_ROLES."""
    pairs = [pair.split("/") for pair in rates.split()]
    return DemoRateCard(
        key=f"agency_{currency.lower()}",
        name=f"Harbourline standard rates ({currency})",
        currency=currency,
        rates=tuple(
            (role, bill, cost) for role, (bill, cost) in zip(RATE_ROLES, pairs, strict=True)
        ),
        increases=increases,
    )


RATE_CARDS: tuple[DemoRateCard, ...] = (
    _agency_card(
        "USD",
        "240/110 160/70 220/100 260/125 190/85 140/60 150/65 170/80 150/68 145/62 165/75 135/58",
        increases=(("Developer", "180", "85", 45),),
    ),
    _agency_card(
        "EUR",
        "220/105 145/65 200/95 240/115 175/80 125/58 135/62 155/75 135/62 130/58 150/70 120/55",
    ),
    _agency_card(
        "JPY",
        "30000/14000 20000/9000 27000/12500 32000/15000 24000/11000 18000/8000 19000/8500 "
        "21000/10000 19000/8800 18000/8000 20000/9500 17000/7800",
    ),
    _agency_card(
        "KRW",
        "300000/140000 190000/85000 260000/120000 320000/150000 230000/105000 160000/72000 "
        "170000/78000 210000/98000 180000/82000 170000/76000 200000/92000 160000/72000",
    ),
    _agency_card(
        "VND",
        "3600000/1500000 2200000/900000 3000000/1300000 3800000/1650000 2600000/1100000 "
        "1800000/750000 1700000/700000 2400000/1050000 2000000/850000 1900000/800000 "
        "2200000/950000 1700000/700000",
    ),
    _agency_card(
        "HKD",
        "1800/820 1200/540 1650/750 1950/900 1450/650 1050/460 1100/490 1300/600 1150/520 "
        "1100/480 1250/570 1000/450",
    ),
    _agency_card(
        "TWD",
        "6500/3000 4200/1900 5800/2600 7000/3200 5200/2300 3800/1700 4000/1800 4800/2200 "
        "4200/1900 4000/1800 4600/2100 3600/1600",
    ),
    _agency_card(
        "RUB",
        "14000/6200 9000/4000 12500/5600 15000/6800 11000/4900 8000/3500 8500/3700 "
        "10000/4500 9000/4000 8500/3800 9500/4300 7500/3300",
    ),
    DemoRateCard(
        key="aurora_jp_msa",
        name="Aurora Japan MSA rates (JPY)",
        currency="JPY",
        account="aurora_jp",
        valid_days_ago=300,
        rates=(("Account Director", "28000", "14000"), ("Designer", "16500", "8000")),
    ),
)

PROJECTS: tuple[DemoProject, ...] = (
    DemoProject(
        "sv_live", "sen_viet", "SV-LIVE-1111", "Livestream 11.11 siêu sale",
        "Khách hàng cần một phiên livestream 3 giờ ngày 11.11 với KOC địa phương, mục tiêu "
        "doanh thu gấp 3 ngày thường. Chúng tôi đề xuất kịch bản bán hàng theo khung giờ vàng.",
        "Kịch bản, thiết kế khung hình, sản xuất livestream tại trường quay, 2 KOC.",
        "delivered", -135, -95, "SV-PO-2025-0871",
    ),
    DemoProject(
        "aurora_playbook", "aurora", "ACB-RMP-01", "Global retail media playbook",
        "Isabelle wants one way of buying and measuring retail media across Japan, the USA and "
        "Germany. Our reading: an operating model and a measurement framework the markets "
        "co-own, not a central hub.",
        "Audit of retailers in 3 markets, playbook and scorecard, roll-out workshop in Geneva, "
        "remote market trainings.",
        "in_progress", -60, 40, "ACB-GM-4500127731",
    ),
    DemoProject(
        "hoshizora_inbound", "hoshizora", "HSZ-INB-01", "訪日客向け決済キャンペーン",
        "Campaign to make foreign travellers pay by card and wallet at booking (中村さん). "
        "Our reading: start with the airport and the three biggest source markets.",
        "Research, key visual, banners in four languages, airport signage.",
        "cancelled", -60, 30,
    ),
    DemoProject(
        "aurora_jp_megasale", "aurora_jp", "ACJ-MS-Q3", "Q3 marketplace mega-sales",
        "佐藤さん: one creative platform for the four marketplace mega-sales of the quarter, "
        "featured slots secured three months ahead.",
        "Sales calendar, key visual, product pages and banners on Rakuten and Amazon, A+ content.",
        "estimating", 20, 110,
    ),
    DemoProject(
        "hanbit_winback", "hanbit", "HBM-JP-WB", "Cross-border win-back, Japan",
        "이서연: win back Japanese shoppers lost to the competitor's fee cut. Our reading: "
        "checkout trust and local payment methods matter more than price for this segment.",
        "Journey analysis, Japanese creative, influencers, LINE ads, performance dashboard.",
        "estimating", 10, 100,
    ),
    DemoProject(
        "harbour_peak", "harbour_lane", "HLO-1111", "Singles' Day cross-border peak",
        "Mandy wants the best Singles' Day for mainland and Taiwan shoppers without the "
        "chargeback spike of last year.",
        "Insight and calendar, creative in Traditional and Simplified Chinese, KOL, tracking.",
        "estimating", 5, 70,
    ),
    DemoProject(
        "aurora_us_rm", "aurora_us", "ACU-RM-H2", "Retail media always-on, H2",
        "Marcus moves USD 1.2M from TV to retail media after the holdout test; he needs the "
        "always-on plan and proof of incrementality every month.",
        "Planning and buying on three retailers, monthly incrementality tests, creative "
        "adaptation.",
        "estimating", 14, 200,
    ),
    DemoProject(
        "formosa_recovery", "formosa", "FCW-3DS-REC", "Checkout conversion recovery",
        "陳怡君 wants conversion back above 3.2 % by the end of next month, with numbers she can "
        "compare with two other providers.",
        "3DS2 analysis, exemptions and routing, checkout A/B tests, monthly reporting.",
        "estimating", 3, 95,
    ),
    DemoProject(
        "severny_loyalty", "severny_dom", "SD-LOY-OFF", "Программа лояльности офлайн",
        "Анна Кузнецова: перенести персональные предложения из интернет-магазина во все 48 "
        "магазинов. Бюджет ждёт решения совета директоров.",
        "Сегментация, механика предложений, интеграция с кассами, POS-материалы.",
        "estimating", 30, 150,
    ),
    DemoProject(
        "sv_tet", "sen_viet", "SV-TET", "Chiến dịch Tết Nguyên Đán",
        "Anh Khôi cần chiến dịch Tết trên sàn: livestream, video ngắn và quảng cáo, chốt ngân "
        "sách trước ngày 15/11.",
        "Kế hoạch, key visual, 40 banner, 6 video ngắn, livestream với KOC, quảng cáo.",
        "estimating", 25, 80,
    ),
    DemoProject(
        "aurora_de_amazon", "aurora_de", "ACD-AMZ-24", "Amazon Brand Store relaunch",
        "Jonas Becker: relaunch the Amazon Brand Store and A+ content before the Q4 roster review, "
        "so the new CMO sees results.",
        "Category and search analysis, store concept, A+ content for 24 products, photography.",
        "briefed", 21, 90,
    ),
    DemoProject(
        "beauty_hydraglow", "aurora_beauty", "ABP-HG-LOC", "HydraGlow relaunch localisation",
        "Oliver Grant: adapt the HydraGlow relaunch assets for 24 markets in six weeks, one "
        "approval route per market.",
        "Master asset preparation and adaptation for retailers, marketplaces, social and POS.",
        "estimating", 14, 60,
    ),
)  # fmt: skip

# The large estimate: deliverables x markets, generated from two small tables.
# (code, name with its language, tier: 1 big market ... 3 small, English-speaking?)
# Thai and Arabic are named in English: the shipped fonts cover Latin, Vietnamese, Cyrillic
# and CJK, and reportlab cannot shape Arabic, so a client PDF would show empty boxes.
LOCALISATION_MARKETS: tuple[tuple[str, str, int, bool], ...] = (
    ("JP", "Japan (日本語)", 1, False),
    ("KR", "Korea (한국어)", 1, False),
    ("CN", "Mainland China (简体中文)", 1, False),
    ("TW", "Taiwan (繁體中文)", 2, False),
    ("HK", "Hong Kong (繁體中文 / English)", 2, False),
    ("SG", "Singapore (English)", 2, True),
    ("MY", "Malaysia (Bahasa Melayu)", 3, False),
    ("TH", "Thailand (Thai)", 2, False),
    ("VN", "Vietnam (Tiếng Việt)", 2, False),
    ("ID", "Indonesia (Bahasa Indonesia)", 2, False),
    ("PH", "Philippines (English)", 3, True),
    ("AU", "Australia (English)", 2, True),
    ("IN", "India (English)", 2, True),
    ("AE", "United Arab Emirates (Arabic)", 3, False),
    ("DE", "Germany (Deutsch)", 1, False),
    ("FR", "France (Français)", 1, False),
    ("IT", "Italy (Italiano)", 2, False),
    ("ES", "Spain (Español)", 2, False),
    ("NL", "Netherlands (Nederlands)", 3, False),
    ("PL", "Poland (Polski)", 3, False),
    ("GB", "United Kingdom (English)", 1, True),
    ("US", "United States (English)", 1, True),
    ("BR", "Brazil (Português)", 2, False),
    ("MX", "Mexico (Español)", 3, False),
)


def _localisation_lines(market: str, tier: int, english: bool) -> tuple[DemoLine, ...]:
    """The 13 deliverables of one market; quantities follow the market's size."""
    big, mid = tier == 1, tier == 2
    sizes = 24 if big else 16 if mid else 12

    def by_size(large: str, medium: str, low: str) -> str:
        return large if big else medium if mid else low

    if english:
        language = _labour(
            "Copywriter",
            by_size("2", "1.5", "1"),
            f"Local English copy check: spelling, claims wording — {market}",
        )
    else:
        language = _third_party(
            f"Transcreation and native review, 3,000 words — {market}",
            "LinguaBridge Pte. Ltd.",
            "180.00",
            "15",
            quantity="3",
            unit="1,000 words",
        )
    return (
        _labour("Art Director", by_size("6", "4", "3"),
                f"Key visual adaptation (1:1, 4:5, 16:9, 9:16) — {market}"),
        _labour("Designer", str(sizes // 2), f"Retailer banner set, {sizes} sizes — {market}"),
        _labour("Copywriter", by_size("5", "4", "3"), f"PDP copy localisation, 5 SKUs — {market}"),
        language,
        _labour("Designer", by_size("6", "5", "4"),
                f"Social cut-downs 6 s and 15 s, 4 formats — {market}"),
        _third_party(f"Packshot retouching for local packaging — {market}",
                     "Pixel Foundry Studio", "35.00", "20",
                     quantity=by_size("10", "8", "6"), unit="image"),
        _labour("Account Manager", by_size("2", "1.5", "1"),
                f"Claims and regulatory check with local legal — {market}"),
        _labour("Producer", by_size("4", "3", "2"),
                f"Asset trafficking and retailer upload — {market}"),
        _labour("Designer", by_size("8", "6", "4"),
                f"Marketplace A+ and brand store modules — {market}"),
        _labour("Copywriter", by_size("3", "2", "2"),
                f"Paid social ad copy, 3 variants x 4 ads — {market}"),
        _labour("Media Planner", by_size("4", "3", "2"),
                f"Media plan adaptation and flighting — {market}"),
        _labour("Project Manager", by_size("3", "2.5", "2"),
                f"Market coordination and approval rounds — {market}"),
        _fee(f"Option: in-store POS adaptation, shelf wobbler in 2 sizes — {market}",
             by_size("650.00", "450.00", "350.00"), by_size("280.00", "200.00", "150.00"),
             optional=True),
    )  # fmt: skip


def _localisation_sections() -> tuple[DemoSection, ...]:
    master = DemoSection(
        "Global master assets",
        (
            _labour("Creative Director", "16", "Master key visual and toolkit sign-off"),
            _labour("Art Director", "24", "Master templates for all formats (layered, annotated)"),
            _labour("Copywriter", "12", "Master copy deck and claims matrix (English)"),
            _labour(
                "Project Manager", "20", "Localisation workflow, trackers and weekly reporting"
            ),
            _fee("Digital asset management set-up and licence, 3 months", "2400.00", "1500.00"),
        ),
    )
    markets = tuple(
        DemoSection(f"{code} {name}", _localisation_lines(name, tier, english))
        for code, name, tier, english in LOCALISATION_MARKETS
    )
    return (master, *markets)


_VN_TERMS = (
    "Thanh toán 50 % khi ký duyệt báo giá, 50 % khi nghiệm thu, trong vòng 30 ngày kể từ ngày "
    "xuất hóa đơn GTGT. Chi phí quảng cáo thanh toán trước khi chạy chiến dịch."
)
_RU_TERMS = (
    "Предоплата 50 % после подписания сметы, остаток в течение 10 рабочих дней после "
    "подписания акта. Цены указаны в рублях, НДС 20 % начисляется сверху."
)
_JP_TERMS = "お支払い条件：月末締め翌月末払い（銀行振込）。本見積の有効期限は発行日から30日間です。"

ESTIMATES: tuple[DemoEstimate, ...] = (
    DemoEstimate(
        key="sv_livestream",
        account="sen_viet",
        project="sv_live",
        title="Livestream 11.11 — Siêu sale cuối năm",
        issued_days_ago=130,
        tax_rate=Decimal("10"),
        terms=_VN_TERMS,
        client_notes="Giá chưa bao gồm phí sàn và chi phí vận chuyển đơn hàng.",
        internal_notes="KOC fees passed through at a low markup; margin comes from our hours.",
        sections=(
            DemoSection("Chuẩn bị & kịch bản", (
                _labour("Account Director", "6",
                        "Lên kế hoạch chiến dịch và điều phối với đội ngũ Sen Việt"),
                _labour("Strategist", "10", "Nghiên cứu ngành hàng và xây dựng kịch bản bán hàng"),
                _labour("Copywriter", "16",
                        "Viết kịch bản livestream 3 giờ và 20 bài đăng mạng xã hội"),
            )),
            DemoSection("Sản xuất livestream", (
                _labour("Designer", "20", "Thiết kế khung hình livestream, banner và ảnh bìa"),
                _labour("Producer", "14", "Điều phối sản xuất và tổng duyệt"),
                _expense("Sản phẩm mẫu và quà tặng mini game", "1", "gói", "5000000"),
            )),
            DemoSection("Chi phí bên thứ ba", (
                _third_party("Thuê trường quay 1 ngày, gồm ánh sáng và âm thanh",
                             "Studio Ánh Dương", "18000000", "15", unit="ngày"),
                _third_party("Phí KOC dẫn chương trình (2 người, 3 giờ)",
                             "Công ty TNHH Sao Mai Media", "24000000", "10",
                             quantity="2", unit="người"),
            )),
        ),
        sent_days_ago=126,
        approval=DemoApproval("Nguyễn Thị Hương", 120, "SV-PO-2025-0871"),
    ),
    DemoEstimate(
        key="aurora_playbook",
        account="aurora",
        project="aurora_playbook",
        title="Global retail media playbook",
        issued_days_ago=80,
        tax_rate=Decimal("0"),
        adjustments={"contingency_percent": Decimal("3")},
        client_notes=(
            "Services exported to Aurora Consumer Brands AG, Switzerland: zero-rated. "
            "Travel is re-billed at cost."
        ),
        internal_notes="Benchmark licence at 10 % markup as agreed in the MSA.",
        sections=(
            DemoSection("Discovery", (
                _labour("Account Director", "12",
                        "Project leadership and stakeholder alignment (HQ, JP, US, DE)"),
                _labour("Strategist", "40",
                        "Retail media landscape audit across 12 retailers in 3 markets"),
                _labour("Data Analyst", "32",
                        "Sales and media data review, incrementality benchmarks"),
                _labour("Strategist", "16", "Stakeholder interviews (8 x 60 min) and synthesis"),
            )),
            DemoSection("Playbook development", (
                _labour("Strategist", "48",
                        "Playbook: operating model, measurement framework, retailer tiers"),
                _labour("Media Planner", "24",
                        "Budget allocation model by retailer and funnel stage"),
                _labour("Designer", "30", "Playbook design (60 pages) and one-page scorecard"),
                _labour("Copywriter", "12", "Editing and executive summary"),
                _third_party("Retail media benchmark data licence, 12 months",
                             "ShelfSignal Analytics Ltd.", "6000.00", "10", unit="licence"),
            )),
            DemoSection("Workshops and roll-out", (
                _labour("Account Director", "16",
                        "Two-day roll-out workshop in Geneva (leadership)"),
                _labour("Strategist", "16", "Two-day roll-out workshop in Geneva (facilitation)"),
                _labour("Strategist", "12", "Remote market trainings: Japan, USA, Germany"),
                _fee("Option: quarterly playbook refresh", "4500.00", "2000.00",
                     quantity="4", unit="quarter", optional=True),
            )),
            DemoSection("Travel", (
                _expense("Flights Singapore–Geneva, 2 people, economy", "2", "return trip",
                         "1850.00"),
                _expense("Hotel in Geneva, 2 people x 3 nights", "6", "night", "310.00"),
                _expense("Per diem, 2 people x 3 days", "6", "day", "95.00"),
            )),
        ),
        sent_days_ago=78,
        revisions=(
            DemoRevision(
                issued_days_ago=65,
                sent_days_ago=64,
                why="Markus (procurement) asked for the MSA discount; audit cut to 8 retailers; "
                "Japan marketplace deep-dive added at Priya's request.",
                changes=(
                    ("Retail media landscape audit across 12 retailers in 3 markets", {
                        "description":
                            "Retail media landscape audit across 8 retailers in 3 markets",
                        "quantity": Decimal("32"),
                    }),
                ),
                added=(
                    ("Discovery", _labour("Strategist", "10",
                                          "Japan marketplace deep-dive (Rakuten, Amazon JP)")),
                ),
                header={"discount_mode": "percent", "discount_value": Decimal("5")},
            ),
        ),
        approval=DemoApproval("Lars Eriksson", 56, "ACB-GM-4500127731"),
        change_orders=(
            DemoChangeOrder(
                title="Add Korea and Vietnam market deep-dives",
                reason="Isabelle extended the playbook to the two fastest-growing APAC markets.",
                lines=(
                    _labour("Strategist", "24", "Korea market deep-dive (Coupang, Naver, 11st)"),
                    _labour("Strategist", "20",
                            "Vietnam market deep-dive (Shopee, Lazada, TikTok Shop)"),
                    _labour("Data Analyst", "16", "Korea and Vietnam sales and media data review"),
                    _expense("Flights Singapore–Seoul–Ho Chi Minh City, 1 person", "1",
                             "trip", "1240.00"),
                ),
                sent_days_ago=34,
                approval=DemoApproval("Lars Eriksson", 28, "ACB-GM-4500131002"),
            ),
            DemoChangeOrder(
                title="Executive video summary; one workshop day less",
                reason="Geneva workshop shortened to one day; HQ wants a video for the markets.",
                lines=(
                    _fee("Executive summary video, 3 minutes, English subtitles",
                         "6800.00", "3900.00"),
                    _labour("Strategist", "-8",
                            "Remove: second Geneva workshop day (facilitation)"),
                    _labour("Account Director", "-8",
                            "Remove: second Geneva workshop day (leadership)"),
                    _expense("Remove: two hotel nights in Geneva", "-2", "night", "310.00"),
                ),
            ),
        ),
    ),
    DemoEstimate(
        key="hoshizora_inbound",
        account="hoshizora",
        project="hoshizora_inbound",
        title="訪日客向け決済キャンペーン (Inbound traveller payments campaign)",
        issued_days_ago=58,
        tax_rate=Decimal("10"),
        terms=_JP_TERMS,
        client_notes="消費税10%を別途申し受けます。媒体費は実費精算となります。",
        sections=(
            DemoSection("戦略・企画 (Strategy)", (
                _labour("Account Director", "10", "全体進行管理・定例会"),
                _labour("Strategist", "24", "訪日客の決済行動調査とターゲット設計"),
            )),
            DemoSection("クリエイティブ制作 (Creative)", (
                _labour("Art Director", "20", "キービジュアル制作（3案）"),
                _labour("Designer", "32", "バナー制作 12サイズ × 4言語"),
                _labour("Copywriter", "18", "コピー制作（日本語・英語・繁体字・韓国語）"),
                _third_party("翻訳・ネイティブチェック（3言語）", "株式会社リンガブリッジ",
                             "420000", "15", unit="式"),
                _expense("撮影小道具・ロケ費", "1", "式", "150000"),
            )),
            DemoSection("メディア (Media)", (
                _third_party("空港デジタルサイネージ枠（成田・羽田、4週間）",
                             "エアポートメディア株式会社", "3600000", "12", unit="枠"),
            )),
        ),
        sent_days_ago=55,
        rejection=(40, "Budget moved to the new-wallet launch; campaign postponed to next "
                       "fiscal year (中村さん, by e-mail)."),
    ),
    DemoEstimate(
        key="hanbit_winback",
        account="hanbit",
        project="hanbit_winback",
        title="일본 크로스보더 재활성화 캠페인 (Cross-border win-back, Japan)",
        issued_days_ago=45,
        tax_rate=Decimal("10"),
        adjustments={"contingency_percent": Decimal("5")},
        client_notes="부가가치세 10 % 별도. 광고 집행비는 실비로 정산합니다.",
        internal_notes="Ad spend at 5 % markup only; watch the margin if they cut our hours.",
        sections=(
            DemoSection("전략 및 기획", (
                _labour("Account Director", "14", "프로젝트 총괄 및 주간 리포트"),
                _labour("Strategist", "24", "일본 고객 구매 여정 분석 및 타깃 설정"),
                _labour("Data Analyst", "20", "결제 승인율 및 이탈 데이터 분석"),
            )),
            DemoSection("크리에이티브 제작", (
                _labour("Art Director", "16", "캠페인 키 비주얼 (일본어 버전)"),
                _labour("Designer", "40", "배너 및 상세페이지 제작 20종"),
                _labour("Copywriter", "16", "일본어 카피 현지화 및 검수"),
                _fee("성과 대시보드 구축", "4500000", "1800000"),
            )),
            DemoSection("미디어 집행", (
                _third_party("일본 인플루언서 협업 (5명)", "(주)케이링크 에이전시",
                             "3000000", "12", quantity="5", unit="명"),
                _third_party("LINE 광고 집행비 (4주)", "LINE Yahoo Japan", "30000000", "5",
                             unit="식"),
            )),
        ),
        sent_days_ago=43,
        revisions=(
            DemoRevision(
                issued_days_ago=30,
                sent_days_ago=28,
                why="최유진 (finance) asked for a lower media budget and fewer banners.",
                changes=(
                    ("LINE 광고 집행비 (4주)", {"unit_cost": Decimal("24000000")}),
                    ("배너 및 상세페이지 제작 20종", {
                        "description": "배너 및 상세페이지 제작 16종",
                        "quantity": Decimal("32"),
                    }),
                ),
            ),
            DemoRevision(
                issued_days_ago=16,
                sent_days_ago=15,
                why="이서연 asked for a loyalty discount and a pop-up option for the board.",
                header={"discount_mode": "percent", "discount_value": Decimal("3")},
                added=(
                    ("미디어 집행", _fee("옵션: 도쿄 팝업 이벤트 기획 및 운영", "12000000",
                                         "7500000", optional=True)),
                ),
            ),
        ),
    ),
    DemoEstimate(
        key="aurora_jp_megasale",
        account="aurora_jp",
        project="aurora_jp_megasale",
        title="Q3 メガセールキャンペーン（楽天スーパーSALE・Amazonプライムデー）",
        issued_days_ago=34,
        tax_rate=Decimal("10"),
        terms=_JP_TERMS,
        client_notes=(
            "消費税10%を別途申し受けます。海外ストックフォト使用料は国外事業者からの役務提供の"
            "ため不課税です。"
        ),
        internal_notes="Designer and AD at the Aurora Japan MSA rates. Ringi needs ~4 weeks.",
        sections=(
            DemoSection("企画・戦略", (
                _labour("Account Director", "16", "プロジェクト統括・楽天/Amazon担当者との調整"),
                _labour("Strategist", "20", "メガセール4回分の販促カレンダーと目標設計"),
            )),
            DemoSection("制作", (
                _labour("Art Director", "24", "セール用キービジュアル（4セール共通）"),
                _labour("Designer", "60",
                        "商品ページ・バナー制作（楽天・Amazon・Yahoo!ショッピング）"),
                _labour("Copywriter", "20", "商品ページコピーとSNS投稿文"),
                _labour("Developer", "16", "楽天RMS・Amazon A+コンテンツ実装"),
            )),
            DemoSection("外部費用 (Third-party)", (
                _third_party("商品撮影（スタジオ・カメラマン 1日）", "スタジオ青山",
                             "350000", "15", unit="日"),
                _third_party("海外ストックフォト使用料（国外事業者・不課税）",
                             "Northlight Images Ltd. (UK)", "180000", "10",
                             unit="式", tax="0"),
                _fee("オプション：セール後の効果検証レポート", "280000", "110000", optional=True),
            )),
        ),
        sent_days_ago=32,
        revisions=(
            DemoRevision(
                issued_days_ago=14,
                sent_days_ago=12,
                why="佐藤さん dropped Yahoo! Shopping; volume discount agreed with procurement.",
                changes=(
                    ("商品ページ・バナー制作（楽天・Amazon・Yahoo!ショッピング）", {
                        "description": "商品ページ・バナー制作（楽天・Amazon）",
                        "quantity": Decimal("44"),
                    }),
                    ("楽天RMS・Amazon A+コンテンツ実装", {"discount_percent": Decimal("10")}),
                ),
                header={"discount_mode": "amount", "discount_value": Decimal("200000")},
            ),
        ),
    ),
    DemoEstimate(
        key="harbour_peak",
        account="harbour_lane",
        project="harbour_peak",
        title="雙十一跨境旺季推廣 (Singles' Day cross-border peak)",
        issued_days_ago=22,
        tax_rate=Decimal("0"),
        adjustments={"fee_percent": Decimal("15"), "fee_base": "third_party"},
        client_notes="香港服務不設增值稅。第三方費用按實際成本收取，另加 15 % 製作管理費。",
        internal_notes="Third-party at cost; the 15 % handling fee is our margin on them.",
        sections=(
            DemoSection("策略與規劃", (
                _labour("Account Director", "10", "項目統籌及每週進度會議"),
                _labour("Strategist", "16", "跨境消費者洞察及推廣日曆"),
            )),
            DemoSection("創意製作", (
                _labour("Art Director", "14", "主視覺設計（繁體及簡體中文版）"),
                _labour("Designer", "36", "電商橫額及社交媒體素材 30 款"),
                _labour("Copywriter", "12", "中英文文案撰寫"),
                _labour("Developer", "20", "結帳頁面優惠碼及追蹤設置"),
            )),
            DemoSection("第三方費用", (
                _third_party("小紅書 KOL 合作（3 位）", "紅點文化傳播有限公司", "15000.00", "0",
                             quantity="3", unit="位"),
                _third_party("產品攝影（一天，含後期製作）", "Lumen Studio HK", "18000.00", "0",
                             unit="天"),
                _expense("速遞樣品至深圳團隊", "4", "批", "350.00"),
            )),
        ),
        sent_days_ago=20,
        revisions=(
            DemoRevision(
                issued_days_ago=8,
                sent_days_ago=6,
                why="Mandy wants five KOLs and media advice; design hours discounted 10 %.",
                changes=(
                    ("小紅書 KOL 合作（3 位）", {
                        "description": "小紅書 KOL 合作（5 位）",
                        "quantity": Decimal("5"),
                    }),
                    ("電商橫額及社交媒體素材 30 款", {"discount_percent": Decimal("10")}),
                ),
                added=(
                    ("策略與規劃", _labour("Media Planner", "8", "小紅書及抖音投放建議")),
                ),
                removed=("速遞樣品至深圳團隊",),
            ),
        ),
    ),
    DemoEstimate(
        key="aurora_us_retail_media",
        account="aurora_us",
        project="aurora_us_rm",
        title="Retail media always-on, H2",
        issued_days_ago=26,
        tax_rate=Decimal("0"),
        adjustments={"fee_percent": Decimal("12"), "fee_base": "third_party"},
        client_notes=(
            "Media is billed at net cost plus a 12 % agency commission. No sales tax applies to "
            "these services."
        ),
        internal_notes=(
            "Below the 30 % floor because media passes through at net; the commission is the "
            "margin. Approved by Amelia."
        ),
        sections=(
            DemoSection("Strategy and planning", (
                _labour("Account Director", "24",
                        "Account leadership and monthly business reviews"),
                _labour("Media Planner", "60",
                        "Retailer media plans: Walmart Connect, Amazon Ads, Instacart"),
                _labour("Data Analyst", "48", "Monthly incrementality tests with a 10 % holdout"),
            )),
            DemoSection("Campaign management", (
                _labour("Designer", "40",
                        "Retailer creative adaptation: display, sponsored brands"),
                _labour("Developer", "12", "Clean-room data connection and dashboards"),
                _third_party("Option: shopper panel survey (n=1,500)", "Panelwise Research Inc.",
                             "18500.00", "15", unit="survey", optional=True),
            )),
            DemoSection("Media (pass-through)", (
                _third_party("Amazon Ads media, 6 months", "Amazon Ads", "420000.00", "0",
                             unit="budget"),
                _third_party("Walmart Connect media, 6 months", "Walmart Connect", "300000.00", "0",
                             unit="budget"),
                _third_party("Instacart Ads media, 6 months", "Instacart", "90000.00", "0",
                             unit="budget"),
            )),
        ),
        sent_days_ago=24,
    ),
    DemoEstimate(
        key="severny_loyalty",
        account="severny_dom",
        project="severny_loyalty",
        title="Программа лояльности: расширение на офлайн-магазины",
        issued_days_ago=28,
        tax_rate=Decimal("20"),
        terms=_RU_TERMS,
        adjustments={"fee_percent": Decimal("10"), "fee_base": "subtotal"},
        client_notes="Агентское вознаграждение 10 % от стоимости работ. НДС 20 %.",
        internal_notes="Budget frozen until the board meeting; Elena wants payback per campaign.",
        sections=(
            DemoSection("Стратегия и аналитика", (
                _labour("Account Director", "16", "Руководство проектом и еженедельные статусы"),
                _labour("Strategist", "24",
                        "Сегментация клиентской базы и механика персональных предложений"),
                _labour("Data Analyst", "32",
                        "Анализ истории покупок онлайн и офлайн (48 магазинов)"),
            )),
            DemoSection("Креатив и контент", (
                _labour("Copywriter", "20", "Тексты рассылок, push-уведомлений и POS-материалов"),
                _labour("Designer", "28", "Дизайн карты лояльности и POS-материалов"),
            )),
            DemoSection("Техническая интеграция", (
                _labour("Developer", "60", "Интеграция CRM с кассовой системой магазинов",
                        discount="5"),
            )),
            DemoSection("Сторонние расходы", (
                _third_party("Печать POS-материалов для 48 магазинов",
                             "ООО «Типография Северная Звезда»", "4200.00", "15",
                             quantity="48", unit="магазин"),
                _expense("Командировка в Новосибирск (2 человека, 2 дня)", "1", "поездка",
                         "68000.00"),
                _fee("Опционально: пилот в 5 магазинах Сибири", "350000.00", "160000.00",
                     optional=True),
            )),
        ),
        sent_days_ago=26,
    ),
    DemoEstimate(
        key="sv_tet",
        account="sen_viet",
        project="sv_tet",
        title="Chiến dịch Tết Nguyên Đán trên sàn",
        issued_days_ago=21,
        tax_rate=Decimal("10"),
        terms=_VN_TERMS,
        adjustments={
            "discount_mode": "amount",
            "discount_value": Decimal("5000000"),
            "contingency_percent": Decimal("5"),
        },
        client_notes="Giá chưa bao gồm thuế GTGT 10 %. Ngân sách quảng cáo thanh toán trước.",
        internal_notes="Chiết khấu 5 triệu theo đề nghị của anh Khôi (khách hàng thân thiết).",
        sections=(
            DemoSection("Chiến lược & kế hoạch", (
                _labour("Account Director", "16", "Quản lý dự án và họp tiến độ hàng tuần"),
                _labour("Strategist", "24", "Nghiên cứu hành vi mua sắm Tết và lịch khuyến mãi"),
            )),
            DemoSection("Sáng tạo nội dung", (
                _labour("Art Director", "20", "Ý tưởng chủ đạo và key visual Tết"),
                _labour("Designer", "48", "Thiết kế 40 banner và ảnh sản phẩm cho sàn"),
                _labour("Copywriter", "24",
                        "Nội dung bài đăng, kịch bản video ngắn và thông báo đẩy"),
                _labour("Producer", "20", "Sản xuất 6 video ngắn (TikTok, Reels)"),
                _third_party("Thuê ê-kíp quay dựng 2 ngày", "Công ty TNHH Phim Hạ Long",
                             "22000000", "15", quantity="2", unit="ngày"),
            )),
            DemoSection("Livestream & KOC", (
                _third_party("Phí KOC livestream (3 phiên)", "Công ty TNHH Sao Mai Media",
                             "30000000", "10", quantity="3", unit="phiên"),
                _expense("Quà tặng mini game và vận chuyển", "1", "gói", "12000000"),
            )),
            DemoSection("Quảng cáo", (
                _third_party("Ngân sách quảng cáo TikTok và Facebook", "Meta / TikTok",
                             "350000000", "5", unit="gói"),
            )),
        ),
        sent_days_ago=19,
        revisions=(
            DemoRevision(
                issued_days_ago=3,
                why="Chị Hương muốn thêm một phiên livestream và tăng ngân sách quảng cáo.",
                changes=(
                    ("Phí KOC livestream (3 phiên)", {
                        "description": "Phí KOC livestream (4 phiên)",
                        "quantity": Decimal("4"),
                    }),
                    ("Ngân sách quảng cáo TikTok và Facebook", {
                        "unit_cost": Decimal("420000000"),
                    }),
                ),
                added=(
                    ("Livestream & KOC", _fee(
                        "Tùy chọn: phiên livestream bổ sung ngày 23 tháng Chạp", "45000000",
                        "30000000", unit="phiên", optional=True)),
                ),
            ),
        ),
    ),
    DemoEstimate(
        key="formosa_recovery",
        account="formosa",
        project="formosa_recovery",
        title="結帳轉換率恢復計畫 (Checkout conversion recovery)",
        issued_days_ago=7,
        tax_rate=Decimal("5"),
        valid_days=14,
        client_notes="以上報價未含 5 % 營業稅。事故期間的每週會議不另收費。",
        internal_notes="At-risk account: weekly meetings given free; keep the estimate tight.",
        sections=(
            DemoSection("診斷分析", (
                _labour("Data Analyst", "24", "3-D Secure 2 交易數據及發卡行拒絕率分析"),
                _labour("Strategist", "12", "低金額交易豁免及發卡行路由策略"),
            )),
            DemoSection("優化執行", (
                _labour("Developer", "40", "結帳流程優化及 A/B 測試設置"),
                _labour("Designer", "12", "結帳頁面介面調整"),
                _third_party("發卡行測試卡及沙盒費用", "台灣支付測試服務股份有限公司",
                             "25000.00", "10", unit="式"),
            )),
            DemoSection("監測報告", (
                _labour("Account Director", "8", "每週進度會議（事故期間免費）", discount="100"),
                _fee("每月轉換率報告（3 個月）", "18000.00", "7000.00", quantity="3", unit="月"),
            )),
        ),
        sent_days_ago=5,
    ),
    DemoEstimate(
        key="mapo_subscription",
        account="mapo",
        title="구독 서비스 리런칭 제안 (Subscription relaunch proposal)",
        issued_days_ago=5,
        tax_rate=Decimal("10"),
        adjustments={"discount_mode": "amount", "discount_value": Decimal("500000")},
        client_notes="첫 프로젝트 할인 500,000원이 적용되었습니다. 부가가치세 10 % 별도.",
        sections=(
            DemoSection("진단", (
                _labour("Strategist", "8", "정기결제 실패 원인 분석"),
                _fee("킥오프 워크숍 (무료)", "1200000", "400000", discount="100"),
            )),
            DemoSection("제안 실행", (
                _labour("Developer", "24", "카드 업데이트 및 재시도 로직 구축"),
                _labour("Designer", "12", "구독 관리 페이지 디자인"),
                _labour("Copywriter", "6", "결제 실패 안내 메시지 작성 (이메일, 카카오 알림톡)"),
            )),
        ),
    ),
    DemoEstimate(
        key="aurora_de_amazon",
        account="aurora_de",
        project="aurora_de_amazon",
        title="Amazon Brand Store & A+ Relaunch",
        issued_days_ago=4,
        tax_rate=Decimal("19"),
        adjustments={"contingency_percent": Decimal("10")},
        client_notes=(
            "Alle Preise zzgl. 19 % USt.; die Einräumung der Nutzungsrechte an den Fotografien "
            "unterliegt dem ermäßigten Steuersatz von 7 %."
        ),
        internal_notes="10 % contingency: the new CMO may change the scope at the roster review.",
        sections=(
            DemoSection("Konzept & Strategie", (
                _labour("Account Director", "12", "Projektleitung und Abstimmung mit Jonas Becker"),
                _labour("Strategist", "16", "Amazon-Kategorieanalyse und Suchbegriff-Strategie"),
                _labour("Data Analyst", "10", "Optional: Wettbewerbs-Monitoring, 3 Monate",
                        optional=True),
            )),
            DemoSection("Kreation & Content", (
                _labour("Art Director", "20", "Brand-Store-Konzept und Design (8 Unterseiten)"),
                _labour("Designer", "36", "A+ Content für 24 Produkte"),
                _labour("Copywriter", "24", "Produkttexte und Bullet Points (DE, AT)"),
                _labour("Developer", "8", "Upload und Qualitätssicherung in Seller Central"),
            )),
            DemoSection("Fotografie & Nutzungsrechte", (
                _third_party("Produktfotografie, 2 Studiotage", "Studio Elbblick GmbH",
                             "2400.00", "15", quantity="2", unit="Tag"),
                _fee("Nutzungsrechte Fotografie, 2 Jahre, DACH (7 % USt.)", "3500.00",
                     "2800.00", unit="Lizenz", tax="7"),
            )),
        ),
    ),
    DemoEstimate(
        key="beauty_hydraglow",
        account="aurora_beauty",
        project="beauty_hydraglow",
        title="HydraGlow relaunch: asset localisation for 24 markets",
        issued_days_ago=2,
        tax_rate=Decimal("9"),
        valid_days=45,
        adjustments={
            "discount_mode": "percent",
            "discount_value": Decimal("7.5"),
            "contingency_percent": Decimal("3"),
        },
        client_notes=(
            "Prices include a 7.5 % volume discount for more than 300 deliverables. Singapore "
            "GST 9 %. POS adaptations are optional per market."
        ),
        internal_notes="Generated from the deliverables x markets matrix agreed with Oliver.",
        sections=_localisation_sections(),
    ),
    DemoEstimate(
        key="kowloon_mooncake",
        account="kowloon_bakes",
        title="中秋月餅預訂網站 (Mid-Autumn pre-order microsite)",
        issued_days_ago=1,
        tax_rate=Decimal("0"),
        client_notes="所有價格以港幣計算，香港不設增值稅。",
        sections=(
            DemoSection("網站設計及開發", (
                _labour("Designer", "16", "預訂網站設計（手機優先）", discount="10"),
                _labour("Developer", "24", "預訂及訂金付款功能開發"),
                _labour("Copywriter", "6", "中英文產品介紹"),
                _fee("網站寄存及維護（12 個月）", "450.00", "180.00", quantity="12", unit="月"),
            )),
            DemoSection("第三方費用", (
                _third_party("月餅禮盒產品攝影", "Lumen Studio HK", "6500.00", "15", unit="式"),
            )),
        ),
    ),
)  # fmt: skip


# -- filling a workspace ------------------------------------------------------------------


def create_demo_workspace(path: Path | str, *, today: date | None = None) -> WorkspaceServices:
    """Create the demo workspace at ``path`` and return it open (the caller closes it).

    Raises ``WorkspaceExistsError`` when ``path`` exists (the file is left alone).
    If filling fails, the new file is removed and the error propagates.
    """
    services = WorkspaceServices.create(path)
    try:
        fill_demo(services, today=today)
    except BaseException:
        created = services.path
        services.close()
        for leftover in (created, *(created.with_name(created.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    return services


def fill_demo(services: WorkspaceServices, *, today: date | None = None) -> DemoIds:
    """Add the demo data to an (empty) open workspace; returns the ids created."""
    base = today or date.today()
    ids = DemoIds()
    add_agency(services)
    add_team(services, ids)
    add_accounts(services, ids, base)
    add_contacts(services, ids)
    add_notes(services, ids, base)
    add_rate_cards(services, ids, base)
    add_projects(services, ids, base)
    add_estimates(services, ids, base)
    add_actuals(services, ids, base)
    add_contact_reports(services, ids, base)
    add_opportunities(services, ids, base)
    add_jbps(services, base)
    add_plans(services, ids, base)
    add_forecast(services, base)
    return ids


def add_agency(services: WorkspaceServices) -> None:
    services.agency.update(AGENCY)


def add_team(services: WorkspaceServices, ids: DemoIds) -> None:
    for member in TEAM:
        ids.members[member.key] = services.team.create(member.name, member.role, member.email)


def add_accounts(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    for account in ACCOUNTS:
        account_id = services.accounts.create(
            AccountDraft(
                name=account.name,
                legal_name=account.legal_name,
                parent_id=ids.accounts[account.parent] if account.parent else None,
                kind=account.kind,
                industry=account.industry,
                market=account.market,
                currency=account.currency,
                tier=account.tier,
                owner_id=ids.members[account.owner],
                status=account.status,
                health=account.health,
                health_reason=account.health_reason,
                contact_cadence_days=account.cadence_days,
                notes=account.notes,
            )
        )
        services.accounts.update(
            account_id, {"health_date": today - timedelta(days=account.health_days_ago)}
        )
        ids.accounts[account.key] = account_id


def add_contacts(services: WorkspaceServices, ids: DemoIds) -> None:
    for account in ACCOUNTS:
        account_id = ids.accounts[account.key]
        for contact in account.contacts:  # managers are listed before their reports
            manager = ids.contacts[account.key, contact.reports_to] if contact.reports_to else None
            ids.contacts[account.key, contact.key] = services.contacts.create(
                account_id,
                ContactDraft(
                    name=contact.name,
                    title=contact.title,
                    email=contact.email,
                    phone=contact.phone,
                    location=contact.location,
                    time_zone=contact.time_zone,
                    buying_role=contact.buying_role,
                    influence=contact.influence,
                    relationship_strength=contact.strength,
                    reports_to_id=manager,
                    notes=contact.notes,
                ),
            )


def add_notes(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    for account in ACCOUNTS:
        for note in account.learnings:
            ids.notes.append(
                services.notes.create(
                    ids.accounts[account.key],
                    NoteDraft(
                        title=note.title,
                        noted_on=today - timedelta(days=note.days_ago),
                        kind=note.kind,
                        body=note.body,
                    ),
                )
            )


def add_rate_cards(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    for card in RATE_CARDS:
        card_id = services.rate_cards.create_card(
            card.name, card.currency, ids.accounts[card.account] if card.account else None
        )
        since = today - timedelta(days=card.valid_days_ago)
        for role, bill, cost in card.rates:
            services.rate_cards.add_rate(
                card_id, role, Decimal(bill), Decimal(cost), valid_from=since
            )
        for role, bill, cost, days_ago in card.increases:
            services.rate_cards.add_rate(
                card_id,
                role,
                Decimal(bill),
                Decimal(cost),
                valid_from=today - timedelta(days=days_ago),
            )
        ids.rate_cards[card.key] = card_id


def add_projects(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    for project in PROJECTS:
        ids.projects[project.key] = services.projects.create(
            ids.accounts[project.account],
            ProjectDraft(
                name=project.name,
                code=project.code,
                brief=project.brief,
                scope=project.scope,
                po_number=project.po_number,
                start_date=today + timedelta(days=project.start_days),
                end_date=today + timedelta(days=project.end_days),
                status=project.status,
            ),
        )


class _RateBook:
    """The rate card options of an account on a date, looked up once."""

    def __init__(self, services: WorkspaceServices) -> None:
        self.services = services
        self.cache: dict[tuple[int, str, date], dict[str, RateOption]] = {}

    def option(self, account_id: int, currency: str, on: date, role: str) -> RateOption:
        key = (account_id, currency, on)
        if key not in self.cache:
            options = self.services.rate_cards.options(account_id, currency, on)
            self.cache[key] = {option.role.casefold(): option for option in options}
        try:
            return self.cache[key][role.casefold()]
        except KeyError:
            raise ValueError(f"the demo has no {currency} rate for {role} on {on}") from None

    def draft(self, line: DemoLine, account_id: int, currency: str, on: date) -> LineDraft:
        """The line as the editor creates it: a labour line copies the rate in force."""
        if line.kind == "labour":
            option = self.option(account_id, currency, on, line.role)
            unit, price, cost, role = option.unit, option.bill_rate, option.cost_rate, option.role
        else:
            unit, price, cost, role = line.unit, line.unit_price, line.unit_cost, ""
        return LineDraft(
            kind=line.kind,
            description=line.description,
            quantity=line.quantity,
            unit=unit,
            unit_price=price,
            unit_cost=cost,
            markup_percent=line.markup,
            discount_percent=line.discount,
            tax_rate=line.tax_rate,
            optional=line.optional,
            role=role,
            supplier=line.supplier,
        )


def add_estimates(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    """Every estimate of ``ESTIMATES``, oldest first so that the numbers follow the dates."""
    rates = _RateBook(services)
    for estimate in sorted(ESTIMATES, key=lambda e: -e.issued_days_ago):
        ids.estimates[estimate.key] = _add_estimate(services, ids, today, estimate, rates)


# -- contact reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAction:
    description: str
    owner: str  # "c:<contact key>" or "m:<member key>"
    due_days: int  # after the meeting
    status: str = "open"


@dataclass(frozen=True)
class DemoReport:
    account: str
    title: str
    kind: str
    hours_ago: int  # when the meeting ended, before the demo's "now"
    minutes: int
    time_zone: str
    place: str
    attendees: tuple[str, ...]  # "c:<contact key>", "m:<member key>" or a guest's name
    agenda: str
    discussion: str
    decisions: str
    actions: tuple[DemoAction, ...] = ()
    sent_after_days: int | None = None  # None: not sent yet
    next_meeting_days: int | None = None
    next_meeting: str = ""


REPORTS: tuple[DemoReport, ...] = (
    DemoReport(
        "sen_viet", "Họp tiến độ Livestream 11.11", "meeting", 50, 90, "Asia/Ho_Chi_Minh",
        "Văn phòng Sen Việt, Quận 1, TP. Hồ Chí Minh",
        ("c:cmo", "c:live", "c:performance", "m:minh"),
        "1. Kết quả buổi livestream thử\n2. Kịch bản 11.11\n3. Ngân sách KOL",
        "Buổi livestream thử đạt 18.400 lượt xem, tỷ lệ chuyển đổi 2,1 %. Chị Nguyễn Thị Hương "
        "muốn tăng thời lượng lên 4 giờ và thêm hai KOL miền Bắc.",
        "Giữ kịch bản 3 giờ; Harbourline gửi báo giá bổ sung cho 2 KOL trước thứ Sáu.",
        (
            DemoAction("Gửi báo giá bổ sung 2 KOL miền Bắc", "m:minh", 3),
            DemoAction("Xác nhận danh sách sản phẩm flash sale", "c:live", 5),
            DemoAction("Chia sẻ số liệu livestream thử", "c:performance", 1, "done"),
        ),
        None, 7, "Họp trực tuyến qua Zoom, 10:00",
    ),
    DemoReport(
        "sen_viet", "Khởi động chiến dịch Tết", "workshop", 24 * 9, 180, "Asia/Ho_Chi_Minh",
        "Harbourline Việt Nam, Quận 3", ("c:ceo", "c:cmo", "c:cfo", "m:minh", "m:daniel"),
        "Mục tiêu Tết, ngân sách, lịch trình",
        "Hai bên thống nhất mục tiêu doanh thu Tết tăng 35 % so với năm trước.",
        "Harbourline chuẩn bị kế hoạch truyền thông chi tiết.",
        (DemoAction("Kế hoạch truyền thông Tết (bản nháp)", "m:daniel", 10, "in_progress"),),
        1,
    ),
    DemoReport(
        "aurora", "Q3 business review", "video_call", 24 * 6, 60, "Europe/Zurich",
        "Microsoft Teams",
        ("c:cmo", "c:media", "c:commerce", "c:brand", "c:procurement", "m:amelia", "m:daniel"),
        "Q3 results against the JBP, retail media playbook progress, 2027 planning calendar",
        "Aurora is on track for the year; retail media ROAS is 4.2 against a target of 3.8. "
        "Isabelle asked for a Korea and Vietnam deep-dive before the 2027 budget round.",
        "Korea and Vietnam deep-dive approved as change order 1. 2027 planning kick-off in "
        "Geneva in January.",
        (
            DemoAction("Send the 2027 planning calendar", "m:amelia", 7, "done"),
            DemoAction("Share the retail media data access for Korea", "c:media", 10),
            DemoAction("Confirm the 2027 budget envelope", "c:procurement", 30),
        ),
        1, 40, "Geneva, Aurora HQ, 2027 planning kick-off",
    ),
    DemoReport(
        "aurora_jp", "楽天スーパーSALE 振り返り", "meeting", 20, 60, "Asia/Tokyo",
        "Aurora Japan 本社 (東京・港区)", ("c:md", "c:ecom", "c:media", "m:kenji"),
        "SALE の結果、次回の改善点",
        "売上は目標比 112 %。広告費の配分を見直したいとの要望あり。",
        "次回の SALE に向けて広告配分案を作成する。",
        (DemoAction("広告配分案の作成", "m:kenji", 7),),
    ),
    DemoReport(
        "hanbit", "Global expansion: payments set-up", "call", 24 * 3, 45, "Asia/Seoul",
        "Phone", ("c:global", "c:payments", "m:jiwoo", "Kim Seo-yeon (PayBridge)"),
        "Local payment methods for Japan and Taiwan",
        "한국어 메모: PayPay와 LINE Pay를 우선 적용하기로 했습니다.",
        "PayPay first, LINE Pay in Q1.",
        (DemoAction("Send the PayPay onboarding checklist", "m:jiwoo", 2, "done"),),
        1,
    ),
    DemoReport(
        "severny_dom", "Встреча по программе лояльности", "meeting", 24 * 14, 120,
        "Europe/Moscow", "Москва, офис «Северный Дом»",
        ("c:ceo", "c:crm", "c:siberia", "m:sofia"),
        "Итоги пилота программы лояльности",
        "Пилот дал +9 % к повторным покупкам. Дмитрий Иванов просит расширить на Сибирь.",
        "Расширяем программу на Сибирь с февраля.",
        (DemoAction("Подготовить смету для Сибири", "m:sofia", 14),),
        2,
    ),
    DemoReport(
        "hoshizora", "決済セキュリティ監査の準備", "meeting", -26, 60, "Asia/Tokyo",
        "Hoshizora Travel (東京・渋谷)", ("c:payments", "c:security", "m:kenji"),
        "監査範囲、スケジュール", "", "",
    ),
    # Shorter meetings, all written up and sent: with the ones above they reach nearly every
    # contact within the account's cadence, so the relationship map shows real coverage. A
    # few are left overdue on purpose to show the flag: Kowloon Bakes, last met eleven weeks
    # ago against a 60-day cadence, and Dr. Vogel at Aurora Germany, who has not met us yet.
    DemoReport(
        "aurora_jp", "見積り承認 (稟議) の進め方", "call", 24 * 8, 30, "Asia/Tokyo", "Phone",
        ("c:purchasing", "m:kenji"),
        "年間運用見積りの稟議スケジュール",
        "¥5,000,000 を超える見積りは代表取締役まで稟議が回る。10 日までの提出で当月承認。",
        "見積りは毎月 10 日までに提出する。", (), 1,
    ),
    DemoReport(
        "aurora_us", "Retail media holdout test: readout", "video_call", 24 * 5, 45,
        "America/New_York", "Zoom", ("c:vp", "c:retail", "c:shopper", "m:amelia"),
        "Holdout test results, next year's retail media budget",
        "Incremental ROAS of 3.1 against a 2.2 target. Jessica wants the retail media "
        "proposal two weeks before the budget lock in October.",
        "Proposal for next year's retail media budget due mid-September.", (), 1,
    ),
    DemoReport(
        "aurora_de", "Roster review: timeline and briefing", "call", 24 * 8, 30,
        "Europe/Berlin", "Phone", ("c:einkauf", "c:ecom", "m:sofia"),
        "Roster review process, incumbents, how to get time with the new CMO",
        "Sabine confirmed the timeline: briefing in October, chemistry meetings in November, "
        "decision before Christmas. Jonas suggests a 45-minute session in Hamburg with "
        "Dr. Vogel.",
        "Ask for a one-to-one with Dr. Vogel before the briefing.", (), 1,
    ),
    DemoReport(
        "aurora_beauty", "Creator commerce pilot: first discussion", "video_call", 24 * 12, 60,
        "Asia/Singapore", "Microsoft Teams", ("c:category", "c:apac", "m:amelia", "m:daniel"),
        "Creator and live commerce in APAC, pilot markets",
        "Oliver is open to a pilot in two APAC markets next half-year; Aisha wants skincare "
        "sell-through as the success measure.",
        "Pilot outline for two markets, with a sell-through target.", (), 2,
    ),
    DemoReport(
        "harbour_lane", "Monthly business review", "meeting", 24 * 10, 90, "Asia/Hong_Kong",
        "Harbour Lane Outfitters, Kwun Tong", ("c:ceo", "c:ecom", "c:xborder", "c:payops",
                                               "m:grace"),
        "Checkout conversion, cross-border disputes, peak season readiness",
        "Conversion holds at 2.6 % with the local wallets. 李娜 reports more 'item not "
        "received' disputes on Taiwan orders.",
        "Tracking numbers uploaded with every Taiwan shipment before peak season.", (), 1,
    ),
    DemoReport(
        "kowloon_bakes", "Quarterly review: pre-orders and corporate gifting", "meeting",
        24 * 79, 60, "Asia/Hong_Kong", "Kowloon Bakes, Mong Kok", ("c:owner", "c:ops", "c:mkt",
                                                                     "m:grace"),
        "Pre-order results, corporate gifting, payment links",
        "Pre-orders with a card deposit sold out early. Fiona wants payment links for "
        "corporate orders.", "", (), 2,
    ),
    DemoReport(
        "formosa", "Checkout incident: steering meeting", "meeting", 24 * 6, 60,
        "Asia/Taipei", "Formosa Cycle Works, Taipei", ("c:gm", "c:cfo", "c:ecom", "m:grace",
                                                       "m:daniel"),
        "Conversion since the 3DS2 migration, recovery plan, provider comparison",
        "陳怡君 is comparing two other providers and wants the recovery plan by month end.",
        "Recovery plan draft in one week; weekly check-ins until conversion recovers.", (), 1,
    ),
    DemoReport(
        "formosa", "Weekly check-in: conversion recovery", "call", 24 * 2, 20, "Asia/Taipei",
        "Phone", ("c:ecom", "c:digital", "m:grace"),
        "Conversion this week, issuer routing test",
        "Conversion back to 2.9 %; the two local issuers still challenge large orders.",
        "", (), 0,
    ),
    DemoReport(
        "hoshizora", "インバウンド需要: 多通貨価格の提案", "meeting", 24 * 11, 90, "Asia/Tokyo",
        "Hoshizora Travel (東京・渋谷)", ("c:ceo", "c:cmo", "c:payments", "c:pm", "m:kenji",
                                         "m:daniel"),
        "海外カード比率の見通し、多通貨価格、為替マージン",
        "中村さんは来期、海外カードが取扱高の 30 % を超えると見込む。",
        "2 月の予算確定前に為替マージン案を提出する。", (), 1,
    ),
    DemoReport(
        "hoshizora", "PCI DSS 証跡の範囲確認", "video_call", 24 * 4, 30, "Asia/Tokyo",
        "Microsoft Teams", ("c:security", "c:pm", "m:kenji"),
        "新しい決済手段に必要な証跡", "監査前に証跡パックを共有する。", "", (), 1,
    ),
    DemoReport(
        "hanbit", "Win-back offer: tiered pricing", "meeting", 24 * 6, 60, "Asia/Seoul",
        "Hanbit Beauty Mall, Gangnam", ("c:ceo", "c:global", "c:finance", "m:jiwoo"),
        "Tiered pricing above KRW 5 billion a month, T+1 settlement in USD",
        "최유진 prefers the tiered offer tied to volume commitments.",
        "Send the tiered offer in writing.", (), 1,
    ),
    DemoReport(
        "mapo", "Follow-up: recurring payments and pricing", "video_call", 24 * 4, 30,
        "Asia/Seoul", "Google Meet", ("c:founder", "c:store", "c:brand", "m:jiwoo"),
        "Failed recurring payments, card updater, pricing",
        "정하은 asked again for a flat rate without a monthly minimum.",
        "Send the card updater case study and a pricing option.", (), 1,
    ),
    DemoReport(
        "sen_viet", "Ưu đãi ví điện tử và VietQR dịp Tết", "video_call", 24 * 6, 45,
        "Asia/Ho_Chi_Minh", "Zoom", ("c:payments", "c:cfo", "c:performance", "m:minh"),
        "Chuyển ưu đãi miễn phí vận chuyển sang ví điện tử và VietQR",
        "Chị Ánh xác nhận VietQR sẵn sàng trước Tết; anh Bảo duyệt ngân sách ưu đãi.",
        "Áp dụng ưu đãi cho ví điện tử và VietQR từ tháng 12.", (), 1,
    ),
    DemoReport(  # before the loyalty meeting: that one stays the account's latest report
        "severny_dom", "Бюджет на III квартал: условия разморозки", "meeting", 24 * 17, 90,
        "Europe/Moscow", "Москва, офис «Северный Дом»", ("c:cfo", "c:cmo", "c:ecom", "m:sofia"),
        "Заморозка бюджета, расчёт окупаемости, заседание совета директоров",
        "Елена Волкова заморозила бюджет до заседания совета директоров; кампании с "
        "окупаемостью до шести месяцев она готова разморозить.",
        "Расчёт окупаемости по каждой кампании к 25-му числу.", (), 2,
    ),
)  # fmt: skip


def _attendee(account: str, ids: DemoIds, text: str) -> AttendeeRef:
    if text.startswith("c:"):
        return AttendeeRef(contact_id=ids.contacts[account, text[2:]])
    if text.startswith("m:"):
        return AttendeeRef(team_member_id=ids.members[text[2:]])
    return AttendeeRef(name=text)


def add_contact_reports(
    services: WorkspaceServices, ids: DemoIds, today: date, now: datetime | None = None
) -> None:
    """Reports sent and owed (one overdue), with action items; times relative to now."""
    anchor = now or (
        datetime.now(UTC)
        if today == date.today()
        else datetime.combine(today, time(12), tzinfo=UTC)
    )
    reports = services.contact_reports
    for demo in REPORTS:
        zone = ZoneInfo(demo.time_zone)
        # meetings start on the quarter hour, local time
        ends = (anchor - timedelta(hours=demo.hours_ago)).astimezone(zone)
        ends = ends.replace(minute=ends.minute - ends.minute % 15, second=0, microsecond=0)
        # office hours where the client is, for meetings long past or still to come (a
        # report due today has to stay where the clock puts it)
        if (demo.hours_ago >= 48 or demo.hours_ago < 0) and not 9 <= ends.hour < 19:
            ends = ends.replace(hour=10 + ends.hour % 8)
        starts = ends - timedelta(minutes=demo.minutes)
        meeting_day = starts.date()
        report_id = reports.create(
            ids.accounts[demo.account],
            ReportDraft(
                title=demo.title,
                kind=demo.kind,
                starts_at=starts,
                ends_at=ends,
                time_zone=demo.time_zone,
                place=demo.place,
                agenda=demo.agenda,
                discussion=demo.discussion,
                decisions=demo.decisions,
                next_meeting_on=meeting_day + timedelta(days=demo.next_meeting_days)
                if demo.next_meeting_days is not None
                else None,
                next_meeting=demo.next_meeting,
                attendees=tuple(_attendee(demo.account, ids, a) for a in demo.attendees),
            ),
        )
        for action in demo.actions:
            owner = action.owner[2:]
            action_id = reports.add_action(
                report_id,
                ActionDraft(
                    description=action.description,
                    owner_contact_id=ids.contacts[demo.account, owner]
                    if action.owner.startswith("c:")
                    else None,
                    owner_member_id=ids.members[owner] if action.owner.startswith("m:") else None,
                    due_on=meeting_day + timedelta(days=action.due_days),
                ),
            )
            if action.status != "open":
                reports.update_action(
                    action_id,
                    {"status": action.status},
                    today=meeting_day + timedelta(days=max(action.due_days - 1, 0)),
                )
        if demo.sent_after_days is not None:
            reports.mark_sent(report_id, meeting_day + timedelta(days=demo.sent_after_days))


# -- opportunities -----------------------------------------------------------------------------

# (account, name, type, stage, amount, probability or None, close in days, owner, service
#  line, next step, days between its stages)
OPPORTUNITIES: tuple[tuple[str, str, str, str, str, str | None, int, str, str, str, int], ...] = (
    ("aurora", "2027 retail media retainer", "renewal", "negotiation", "480000", None, 35,
     "amelia", "Retail media", "Procurement call on the rate card", 21),
    ("aurora", "Korea and Vietnam market entry", "expansion", "proposal", "95000", "60", 60,
     "amelia", "Strategy", "Present the proposal in Geneva", 14),
    ("aurora_jp", "楽天 SALE 年間運用", "upsell", "qualified", "18000000", None, 90,
     "kenji", "Marketplace", "予算確認 (CMO)", 10),
    ("aurora_us", "Shopper marketing pilot", "cross_sell", "identified", "120000", None, 150,
     "daniel", "Shopper marketing", "Intro meeting with Marcus", 7),
    ("aurora_de", "DACH social always-on", "new_business", "lost", "210000", None, -20,
     "sofia", "Social", "Debrief: lost on price", 18),
    ("sen_viet", "Chiến dịch Tết 2027 (mở rộng)", "upsell", "won", "1850000000", None, -10,
     "minh", "Livestream", "Kick-off", 12),
    ("sen_viet", "Livestream 12.12", "expansion", "proposal", "640000000", None, 20,
     "minh", "Livestream", "Gửi báo giá", 9),
    ("hanbit", "Japan and Taiwan payments launch", "new_business", "negotiation", "260000000",
     "80", 25, "jiwoo", "Payments", "Contract review with legal", 16),
    ("harbour_lane", "Cross-border checkout revamp", "upsell", "qualified", "1200000", None, 75,
     "grace", "E-commerce", "Workshop with 张伟", 11),
    ("severny_dom", "Программа лояльности: Сибирь", "expansion", "proposal", "9500000", None,
     45, "sofia", "CRM", "Смета к 15 декабря", 13),
    ("hoshizora", "決済セキュリティ監査 支援", "new_business", "identified", "7000000", None, 120,
     "kenji", "Payments", "Scope call", 5),
    ("formosa", "Brand refresh 2027", "renewal", "lost", "3200000", None, -40,
     "grace", "Brand", "Lost to incumbent", 20),
)  # fmt: skip


def add_opportunities(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    """Opportunities in every stage, each with the days it reached its stages."""
    stages = ["identified", "qualified", "proposal", "negotiation", "won", "lost"]
    for (account, name, kind, stage, amount, probability, close, owner, line, step,
         gap) in OPPORTUNITIES:  # fmt: skip
        path = stages[: stages.index(stage) + 1] if stage != "lost" else [
            "identified", "qualified", "proposal", "lost"
        ]  # fmt: skip
        start = today - timedelta(days=gap * len(path))
        opportunity = services.opportunities.create(
            ids.accounts[account],
            OpportunityDraft(
                name=name,
                amount=Decimal(amount),
                kind=kind,
                stage=path[0],
                probability=Decimal(probability) if probability else None,
                expected_close=today + timedelta(days=close),
                owner_id=ids.members[owner],
                service_line=line,
                next_step=step,
            ),
            on=start,
        )
        for number, next_stage in enumerate(path[1:], 1):
            services.opportunities.move(opportunity, next_stage, start + timedelta(gap * number))


# How far the work of an approved estimate has got, section by section: each line's actual
# cost is its estimate times the factor (cycled per line), so the variance view has lines over
# and under budget, a section half done and a change order not started yet.
_PROGRESS = (
    (Decimal("1.08"), Decimal("0.95"), Decimal("1.22"), Decimal("0.60")),
    (Decimal("0.45"), Decimal("0.30")),
)


def add_actuals(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    """Timesheet and supplier costs booked against the approved estimates."""
    for estimate_id in ids.estimates.values():
        report = services.actuals.variance(estimate_id)
        if not report.approved:
            continue
        currency = Currency.get(report.currency)
        drafts: list[ActualDraft] = []
        revision_sections = [s for s in report.variance.sections if s.part.startswith("Revision")]
        for section_index, section in enumerate(revision_sections[: len(_PROGRESS)]):
            factors = _PROGRESS[section_index]
            for index, line in enumerate(section.lines):
                figures = line.figures
                if line.optional or figures.estimated_cost <= 0:
                    continue
                factor = factors[index % len(factors)]
                labour = figures.estimated_hours is not None
                drafts.append(
                    ActualDraft(
                        entry_date=today - timedelta(days=40 - 2 * index - 10 * section_index),
                        cost=round_half_up(figures.estimated_cost * factor, currency.minor_units),
                        hours=round_half_up(figures.estimated_hours * factor, 2)
                        if figures.estimated_hours is not None
                        else None,
                        line_key=line.key,
                        section_key=line.section_key,
                        description="Timesheets" if labour else "Supplier invoice",
                        reference=f"{'TS' if labour else 'INV'}-{report.number[-4:]}-"
                        f"{section_index + 1}{index + 1:02}",
                        source="Demo",
                    )
                )
        if revision_sections:
            first = revision_sections[0]
            drafts.append(
                ActualDraft(
                    entry_date=today - timedelta(days=12),
                    cost=round_half_up(
                        first.figures.estimated_cost * Decimal("0.02"), currency.minor_units
                    ),
                    section_key=first.key,
                    description="Travel and subsistence, not split by line",
                    reference=f"EXP-{report.number[-4:]}-01",
                    source="Demo",
                )
            )
        services.actuals.add_many(estimate_id, drafts)


def _add_estimate(
    services: WorkspaceServices,
    ids: DemoIds,
    today: date,
    estimate: DemoEstimate,
    rates: _RateBook,
) -> int:
    estimates = services.estimates
    account_id = ids.accounts[estimate.account]
    currency = next(a.currency for a in ACCOUNTS if a.key == estimate.account)
    issued = today - timedelta(days=estimate.issued_days_ago)
    ref = estimates.create(
        account_id,
        estimate.title,
        project_id=ids.projects[estimate.project] if estimate.project else None,
        issued_on=issued,
        tax_rate=estimate.tax_rate,
        section_name=estimate.sections[0].name,
    )
    header: dict[str, object] = {
        "valid_until": issued + timedelta(days=estimate.valid_days),
        **estimate.adjustments,
        "client_notes": estimate.client_notes,
        "internal_notes": estimate.internal_notes,
    }
    if estimate.terms:
        header["terms"] = estimate.terms
    estimates.update_revision(ref.revision_id, header)

    first = estimates.document(ref.revision_id).sections[0].id
    section_ids = [first] + [
        estimates.add_section(section.name, revision_id=ref.revision_id)
        for section in estimate.sections[1:]
    ]
    estimates.apply_batch(  # one transaction for all lines (the path of a paste)
        [
            LineEdit(
                dataclasses.asdict(rates.draft(line, account_id, currency, issued)),
                section_id=section_id,
            )
            for section_id, section in zip(section_ids, estimate.sections, strict=True)
            for line in section.lines
        ]
    )
    revision_id = ref.revision_id
    if estimate.sent_days_ago is not None:
        estimates.send(revision_id, today - timedelta(days=estimate.sent_days_ago))

    notes = estimate.internal_notes
    for number, revision in enumerate(estimate.revisions, start=2):
        revision_id = _add_revision(
            services, ref.estimate_id, today, revision, rates, account_id, currency
        )
        notes = f"{notes}\nRevision {number}: {revision.why}".strip()
        estimates.update_revision(revision_id, {"internal_notes": notes})

    if estimate.approval is not None:
        approval = estimate.approval
        estimates.approve(
            revision_id,
            approval.by,
            today - timedelta(days=approval.days_ago),
            approval.po_number,
        )
    if estimate.rejection is not None:
        days_ago, reason = estimate.rejection
        estimates.reject(revision_id, today - timedelta(days=days_ago), reason)
    ids.change_orders[estimate.key] = [
        _add_change_order(services, ref.estimate_id, today, order, rates, account_id, currency)
        for order in estimate.change_orders
    ]
    return ref.estimate_id


def _add_revision(
    services: WorkspaceServices,
    estimate_id: int,
    today: date,
    revision: DemoRevision,
    rates: _RateBook,
    account_id: int,
    currency: str,
) -> int:
    """Revise the sent revision like a user: copy, change lines and header, maybe send."""
    estimates = services.estimates
    issued = today - timedelta(days=revision.issued_days_ago)
    revision_id = estimates.revise(estimate_id, issued_on=issued)  # the demo's day, not the clock's
    estimates.update_revision(
        revision_id,
        {"issued_on": issued, "valid_until": issued + timedelta(days=30), **revision.header},
    )
    document = estimates.document(revision_id)
    lines = {line.description: line.id for line in document.lines}
    sections = {section.name: section.id for section in document.sections}
    for description, changes in revision.changes:
        estimates.update_line(lines[description], changes)
    for section_name, line in revision.added:
        estimates.add_line(sections[section_name], rates.draft(line, account_id, currency, issued))
    if revision.removed:
        estimates.delete_lines([lines[description] for description in revision.removed])
    if revision.sent_days_ago is not None:
        estimates.send(revision_id, today - timedelta(days=revision.sent_days_ago))
    return revision_id


def _add_change_order(
    services: WorkspaceServices,
    estimate_id: int,
    today: date,
    order: DemoChangeOrder,
    rates: _RateBook,
    account_id: int,
    currency: str,
) -> int:
    estimates = services.estimates
    order_id = estimates.create_change_order(estimate_id, order.title, order.reason)
    section_id = estimates.change_order(order_id).sections[0].id
    priced_on = today - timedelta(days=order.sent_days_ago or 0)
    for line in order.lines:
        estimates.add_line(section_id, rates.draft(line, account_id, currency, priced_on))
    if order.sent_days_ago is not None:
        estimates.send_change_order(order_id, today - timedelta(days=order.sent_days_ago))
    if order.approval is not None:
        estimates.approve_change_order(
            order_id,
            order.approval.by,
            today - timedelta(days=order.approval.days_ago),
            order.approval.po_number,
        )
    return order_id


# -- revenue forecast --------------------------------------------------------------------------
# Monthly revenue per account in its currency (business units on the global account), the
# seasonality of a year of campaigns, the forecast against the target, the billing against it.

_FORECAST_BASES: tuple[tuple[str, str, str], ...] = (
    ("aurora", "Global brand platform", "180000"),
    ("aurora", "Media & digital", "95000"),
    ("aurora_jp", "", "14500000"),
    ("aurora_us", "", "120000"),
    ("aurora_de", "", "65000"),
    ("aurora_beauty", "", "48000"),
    ("harbour_lane", "", "420000"),
    ("kowloon_bakes", "", "150000"),
    ("formosa", "", "1800000"),
    ("hoshizora", "", "6200000"),
    ("hanbit", "", "95000000"),
    ("sen_viet", "", "1450000000"),
    ("severny_dom", "", "3800000"),
)
_SEASON = ("0.92", "0.95", "1.00", "1.02", "1.00", "0.97", "0.95", "0.93", "1.03", "1.08",
           "1.12", "1.18")  # fmt: skip
_FORECAST_SWING = ("1.02", "0.97", "1.05", "0.99", "0.94", "1.03", "1.00", "0.96")
_BILLING_SWING = ("0.98", "1.03", "1.01", "0.96", "1.04", "0.99")
# every demo currency against the agency's (USD): (pair, rate 18 months ago, rate of late)
_DEMO_RATES = (
    ("USD", "JPY", "149.80", "152.35"),
    ("EUR", "USD", "1.0850", "1.0712"),
    ("USD", "HKD", "7.8120", "7.8045"),
    ("USD", "TWD", "32.450", "32.185"),
    ("USD", "KRW", "1385.50", "1402.20"),
    ("USD", "VND", "25410", "25655"),
    ("USD", "RUB", "92.35", "96.80"),
)


def add_forecast(services: WorkspaceServices, today: date) -> None:
    """24 months of targets, forecasts and (for past months) actuals ending six months after
    ``today``; exchange rates for every demo currency to USD; two weekly snapshots that differ
    (two weeks ago and last week) and a forecast that moved again since."""
    current = first_of_month(today)
    months = [add_months(current, offset) for offset in range(-17, 7)]
    by_name = {a.name: a.id for a in services.accounts.all()}
    accounts = {a.key: (by_name[a.name], a.currency) for a in ACCOUNTS}
    forecast = services.forecast
    with services.workspace.atomic():
        for pair_base, pair_quote, old, new in _DEMO_RATES:
            services.exchange_rates.create(
                pair_base, pair_quote, Decimal(old), months[0], "Harbourline finance, month-end"
            )
            services.exchange_rates.create(
                pair_base,
                pair_quote,
                Decimal(new),
                add_months(current, -3),
                "Harbourline finance, month-end",
            )
        for number, (key, unit, base) in enumerate(_FORECAST_BASES):
            account_id, code = accounts[key]
            currency = Currency.get(code)
            step = Decimal(1000) if currency.minor_units else Decimal(100000)
            for index, month in enumerate(months):
                growth = Decimal(1) + Decimal("0.08") * (index // 12)
                target = Decimal(base) * Decimal(_SEASON[month.month - 1]) * growth
                target = round_half_up(target / step, 0) * step
                swing = Decimal(_FORECAST_SWING[(index + number) % len(_FORECAST_SWING)])
                if key == "formosa" and index >= 12:  # at risk: the forecast sags
                    swing *= Decimal("0.85")
                projected = round_half_up(target * swing / step * 10, 0) * step / 10
                figures: dict[str, Decimal | None] = {"target": target, "forecast": projected}
                if month < current:
                    billed = projected * Decimal(_BILLING_SWING[(index + 2 * number) % 6])
                    figures["actual"] = round_half_up(billed, currency.minor_units)
                forecast.update_month(account_id, month, unit, figures)
        # the forecast two weeks ago, last week, and now: each week some months moved
        forecast.freeze_week(today - timedelta(days=14), "Before the regional reviews")
        for key, factor in (("aurora_jp", "1.06"), ("sen_viet", "0.91"), ("hanbit", "1.04")):
            _move_forecast(services, accounts[key], current, months[-1], Decimal(factor))
        forecast.freeze_week(today - timedelta(days=7), "After the regional reviews")
        for key, factor in (("formosa", "0.88"), ("aurora_us", "1.05")):
            _move_forecast(services, accounts[key], current, months[-1], Decimal(factor))


def _move_forecast(
    services: WorkspaceServices, account: tuple[int, str], first: date, last: date, factor: Decimal
) -> None:
    """The account's forecast from ``first`` to ``last`` times ``factor``."""
    account_id, code = account
    places = Currency.get(code).minor_units
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    record = services.forecast.account_months(account_id, first, count, business_unit="")
    for month in record.months:
        if month.forecast is not None:
            moved = round_half_up(month.forecast * factor, places)
            services.forecast.update_month(account_id, month.month, "", {"forecast": moved})


# -- account plans ------------------------------------------------------------------------------

# Per plan: account key, template, owner key, text, revenue target, SWOT, objectives' details
# (by position: owner, due in days, status, KPIs as (period, baseline, target, actual)),
# whitespace cells as "row-letter codes" per service (A active, O opportunity, N not a fit,
# ? unknown), risks, relationship goals, reviews (days ago, reviewer, notes), the snapshot.
_PLAN_CELLS = {"A": "active", "O": "opportunity", "N": "not_a_fit", "?": "unknown"}


@dataclass(frozen=True)
class DemoPlan:
    account: str
    template: str
    owner: str
    status: str
    situation: str
    vision: str
    strategies: str
    revenue_target: str | None
    internal_notes: str
    swot: dict[str, tuple[str, ...]]
    objectives: tuple[tuple[str, int, str, tuple[tuple[str, str | None, str | None, str | None],
                                                 ...]], ...]  # fmt: skip
    actions: tuple[tuple[str, str, int, str], ...]  # (description, owner, due in days, status)
    cells: tuple[str, ...]  # one string per whitespace row, a code per column
    risks: tuple[tuple[str, int, int, str, str], ...]  # description, L, I, mitigation, owner
    goals: tuple[tuple[str, int, str], ...]  # contact key, target strength, goal
    reviews: tuple[tuple[int, str, str], ...]  # days ago, reviewer, notes
    snapshot: tuple[int, str] | None = None  # days ago, label
    segments: tuple[str, ...] = ()  # renames the template's whitespace columns


PLANS: tuple[DemoPlan, ...] = (
    DemoPlan(
        account="aurora", template="Strategic account", owner="amelia", status="active",
        situation=(
            "Aurora is our largest client: global MSA since 2022, four subsidiaries and the "
            "Beauty & Personal Care unit. Global media is consolidating into two roster "
            "agencies this year, e-commerce is the fastest-growing budget line (+30 %), and "
            "procurement will benchmark every roster agency's rates before the January renewal. "
            "Germany has a new CMO who has announced a roster review for Q4."
        ),
        vision=(
            "Aurora's lead partner for commerce-led growth in every market: the agency their "
            "CMO calls first for a new brand launch or a market entry."
        ),
        strategies=(
            "Win retail media in the US and Japan on the strength of the holdout test\n"
            "Protect Germany: earn a one-to-one with Dr. Vogel before the roster review\n"
            "Prove value with one scorecard per market at every QBR\n"
            "Open Beauty & Personal Care with a creator commerce pilot in two APAC markets"
        ),
        revenue_target="4800000",
        internal_notes=(
            "Blended margin on the MSA fell to 31 % after last year's 6 % rate concession: "
            "do not concede again without a volume commitment."
        ),
        swot={
            "strength": (
                "Commerce and media under one roof; the holdout test proved a 3.1 ROAS",
                "Trusted by Lars Eriksson and Priya Raman at HQ",
                "Local teams in Tokyo, New York and Hamburg",
            ),
            "weakness": (
                "No relationship yet with the new CMO in Germany",
                "Creative work mostly sits with another roster agency",
            ),
            "opportunity": (
                "Retail media budgets moving from TV (USD 1.2M in the US alone)",
                "Beauty & Personal Care buys no creator commerce yet",
                "Marketplace mega-sales in Japan",
            ),
            "threat": (
                "Procurement benchmark and an 8-10 % rate-card reduction request",
                "Q4 roster review in Germany; incumbents pitch too",
            ),
        },
        objectives=(
            ("amelia", 280, "on_track", (("", "3900000", "4800000", "4150000"),
                                         ("", "18", "25", "21"))),
            ("daniel", 200, "at_risk", (("", "4", "6", "4"),)),
            ("amelia", 300, "on_track", (("2026-Q4", "38", "50", "44"),)),
        ),
        actions=(
            ("Map the decision makers and agree a relationship owner for each", "amelia", -20,
             "done"),
            ("Prepare and run the quarterly business review", "amelia", 25, "in_progress"),
            ("Present two proactive ideas per quarter", "daniel", 60, "open"),
            ("Book a 45-minute session in Hamburg with Dr. Vogel", "sofia", -3, "open"),
            ("Rate-card benchmark and value story per market for procurement", "amelia", 40,
             "open"),
        ),
        cells=("AAAOA", "OOONO", "AAAAA", "AOA?O", "AAAOA", "OA?NO", "O?NOO"),
        risks=(
            ("Procurement-led roster review or rate-card pressure", 4, 4,
             "Benchmark our blended rates; document results per market before the renewal.",
             "amelia"),
            ("Our sponsor leaves or changes role", 2, 5,
             "Build relationships with Isabelle Moreau and the regional CMOs.", "amelia"),
            ("Budget cut or freeze mid-year", 3, 3, "", "amelia"),
            ("Germany moves to another agency after the Q4 roster review", 4, 5,
             "One-to-one with Dr. Vogel; Jonas Becker as internal champion; results on paper.",
             "sofia"),
        ),
        goals=(
            ("cmo", 4, "Quarterly one-to-one; invite her to the Geneva innovation day."),
            ("procurement", 3, "Agree the benchmark method before the renewal, not during it."),
            ("commerce", 5, "Keep Priya as our champion: co-present the retail media results."),
        ),
        reviews=(
            (120, "Daniel Okafor", "Asked for clearer KPIs on share of wallet."),
            (35, "Amelia Hart", "Added the Germany risk after the roster review announcement."),
        ),
        snapshot=(36, "Before the Q3 business review"),
    ),
    DemoPlan(
        account="sen_viet", template="Growth account", owner="minh", status="active",
        situation=(
            "Sen Việt tăng trưởng 45 % năm qua nhờ livestream và các ngày mua sắm lớn (9.9, "
            "10.10, 11.11, 12.12). Chi phí quảng cáo tăng nhanh hơn doanh thu; ban lãnh đạo "
            "muốn giảm tỷ lệ hoàn đơn COD và mở rộng thanh toán không tiền mặt."
        ),
        vision="Đối tác tăng trưởng thương mại điện tử số một của Sen Việt tại Việt Nam.",
        strategies=(
            "Livestream bán hàng mỗi tuần với KOC địa phương\n"
            "Chuyển ưu đãi từ COD sang ví điện tử và VietQR\n"
            "Chốt ngân sách Tết trước ngày 15/11"
        ),
        revenue_target="18000000000",
        internal_notes="Anh Khôi là người ủng hộ chính; chị Hương quyết định ngân sách.",
        swot={
            "strength": ("Đội ngũ livestream có kinh nghiệm (phiên 9.9 đạt 1,2 tỷ ₫)",
                         "Quan hệ tốt với anh Khôi và chị Trang"),
            "weakness": ("Chưa có quan hệ với CFO",),
            "opportunity": ("Thanh toán VietQR và ví điện tử", "Chiến dịch Tết Nguyên Đán"),
            "threat": ("Đối thủ giảm giá phí quảng cáo", "Tỷ lệ hoàn đơn COD 18 %"),
        },
        objectives=(
            ("minh", 150, "on_track", (("", "1", "2", "2"),)),
            ("minh", 280, "at_risk", (("", "12000000000", "18000000000", "13500000000"),)),
        ),
        actions=(
            ("Gửi case study về thanh toán không tiền mặt", "minh", 10, "open"),
            ("Gặp các ngành hàng mới của Sen Việt", "minh", 45, "in_progress"),
            ("Báo giá sơ bộ chiến dịch Tết cho anh Khôi", "minh", 4, "open"),
        ),
        segments=("Thời trang", "Điện tử", "Mẹ & bé"),
        cells=("AOO", "AOA", "AAA", "AOO", "ANO", "OO?"),
        risks=(
            ("Khách hàng gom về một agency", 2, 4, "Báo cáo kết quả theo từng chiến dịch.",
             "minh"),
            ("Tỷ lệ hoàn đơn COD tăng mùa Tết", 4, 3, "Ưu đãi cho VietQR và ví điện tử.",
             "minh"),
        ),
        goals=(
            ("cfo", 3, "Giới thiệu số liệu tiết kiệm chi phí thanh toán."),
            ("cmo", 5, "Họp hàng tháng về ngân sách."),
        ),
        reviews=((60, "Nguyễn Hoàng Minh", "Thêm mục tiêu thanh toán."),
                 (14, "Amelia Hart", "")),
        snapshot=(15, "Trước buổi đánh giá quý"),
    ),
    DemoPlan(
        account="harbour_lane", template="Maintain account", owner="grace", status="draft",
        situation="Steady retainer for checkout and payments; growth is in cross-border orders.",
        vision="", strategies="", revenue_target=None, internal_notes="",
        swot={"strength": ("Local wallets at checkout lifted conversion to 2.6 %",),
              "threat": ("Chargebacks on cross-border orders",)},
        objectives=(), actions=(), cells=(), risks=(), goals=(), reviews=(),
    ),
)  # fmt: skip


def add_plans(services: WorkspaceServices, ids: DemoIds, today: date) -> None:
    """This year's account plans (from the built-in templates, then filled in), with their
    reviews and a snapshot frozen before the last review; last year's plan for the global
    account, archived."""
    plans = services.plans
    year = today.year
    for demo in PLANS:
        account_id = ids.accounts[demo.account]
        plan_id = plans.create_plan(account_id, year, demo.template, status=demo.status)
        plans.update(
            plan_id,
            {
                "situation": demo.situation,
                "vision": demo.vision,
                "strategies": demo.strategies,
                "revenue_target": Decimal(demo.revenue_target) if demo.revenue_target else None,
                "internal_notes": demo.internal_notes,
            },
        )
        for quadrant, texts in demo.swot.items():
            for text in texts:
                plans.add_item("swot", plan_id, {"quadrant": quadrant, "text": text})
        plan = plans.get(plan_id)
        for objective, (owner, due, status, kpis) in zip(
            plan.objectives, demo.objectives, strict=False
        ):
            plans.update_item(
                "objective",
                objective.id,
                {"owner_id": ids.members[owner], "due": today + timedelta(days=due),
                 "status": status},
            )  # fmt: skip
            for kpi, (period, baseline, target, actual) in zip(
                plan.kpis_of(objective.id), kpis, strict=False
            ):
                plans.update_item(
                    "kpi",
                    kpi.id,
                    {"period": period or str(year), "baseline": baseline, "target": target,
                     "actual": actual},
                )  # fmt: skip
        for action in plan.actions:
            plans.delete_item("action", action.id)  # the template's, replaced by the demo's
        for description, owner, due, status in demo.actions:
            plans.add_item(
                "action",
                plan_id,
                {"description": description, "owner_id": ids.members[owner],
                 "due": today + timedelta(days=due), "status": status},
            )  # fmt: skip
        for segment, label in zip(plan.segments, demo.segments, strict=False):
            plans.update_item("whitespace_axis", segment.id, {"label": label})
        for label in demo.segments[len(plan.segments) :]:
            plans.add_item("whitespace_axis", plan_id, {"axis": "segment", "label": label})
        plan = plans.get(plan_id)
        for service, codes in zip(plan.services, demo.cells, strict=False):
            for segment, code in zip(plan.segments, codes, strict=False):
                if code != "?":
                    plans.set_cell(service.id, segment.id, _PLAN_CELLS[code])
        if demo.risks:
            for risk in plan.risks:
                plans.delete_item("risk", risk.id)
        for description, likelihood, impact, mitigation, owner in demo.risks:
            plans.add_item(
                "risk",
                plan_id,
                {"description": description, "likelihood": likelihood, "impact": impact,
                 "mitigation": mitigation, "owner_id": ids.members[owner]},
            )  # fmt: skip
        for contact, strength, goal in demo.goals:
            plans.add_item(
                "relationship_goal",
                plan_id,
                {"contact_id": ids.contacts[demo.account, contact], "target_strength": strength,
                 "goal": goal},
            )  # fmt: skip
        for days_ago, reviewer, notes in demo.reviews:
            if demo.snapshot is not None and days_ago < demo.snapshot[0]:
                continue  # reviewed after the snapshot: added below, after freezing
            plans.add_item(
                "review",
                plan_id,
                {"reviewed_on": today - timedelta(days=days_ago), "reviewer": reviewer,
                 "notes": notes},
            )  # fmt: skip
        if demo.snapshot is not None:
            days_ago, label = demo.snapshot
            plans.snapshot(plan_id, today - timedelta(days=days_ago), label)
            for days, reviewer, notes in demo.reviews:
                if days < days_ago:
                    plans.add_item(
                        "review",
                        plan_id,
                        {"reviewed_on": today - timedelta(days=days), "reviewer": reviewer,
                         "notes": notes},
                    )  # fmt: skip
    last_year = plans.create_plan(
        ids.accounts["aurora"], year - 1, "Strategic account", status="archived"
    )
    plans.update(
        last_year,
        {"situation": "First full year of the global MSA; e-commerce added in three markets."},
    )


# -- joint business plans -----------------------------------------------------------------------

_D = Decimal


@dataclass(frozen=True)
class DemoJbp:
    title: str  # the year is added
    vision: str
    objectives: tuple[tuple[str, str, str, str], ...]  # statement, client/agency owner, status
    # name, kind, metric, unit (None: the metric's), baseline, target, higher is better
    measures: tuple[tuple[str, str, str, str | None, str, str, bool], ...]
    investments: tuple[tuple[str, str, str, str | None], ...]  # what, amount, funder, share %
    # name, kind, first day (days from today; None: two weeks into the next quarter), days
    # long (None: one day), owner
    activities: tuple[tuple[str, str, int | None, int | None, str], ...]
    profile: tuple[Decimal, ...]  # seasonality: 4 quarterly or 12 monthly weights
    signatories: tuple[str, str]  # the client's, the agency's
    sale_days: int = 0  # campaigns for the next "double days" (9.9, 10.10, 11.11 ...)
    quarter_notes: tuple[tuple[str, str], ...] = ()  # focus and commentary per quarter


# per quarter (or month): how the actual came out against its target, cycled
_JBP_RESULTS = (_D("1.031"), _D("0.962"), _D("1.012"), _D("0.905"), _D("1.047"), _D("0.987"))

_AURORA_JBP = DemoJbp(
    title="Aurora × Harbourline joint business plan",
    vision=(
        "Make Aurora the most searched-for and most bought skincare brand online in Japan, the "
        "United States and Germany, with one retail media hub and one scorecard the markets "
        "and HQ both trust."
    ),
    objectives=(
        ("Grow skincare e-commerce sales 25 % across JP, US and DE", "Priya Raman",
         "Amelia Hart", "on_track"),
        ("Launch one global retail media hub, agreed market by market first", "Lars Eriksson",
         "Daniel Okafor", "at_risk"),
        ("Cut media cost per acquisition 10 % with shared first-party data", "Lars Eriksson",
         "Amelia Hart", "on_track"),
        ("Run every quarterly business review on the one-page scorecard", "Isabelle Moreau",
         "Amelia Hart", "done"),
    ),
    measures=(
        ("Turnover", "target", "turnover", None, "48000000", "60000000", True),
        ("Volume", "target", "volume", "units", "2400000", "2900000", True),
        ("Cash margin", "target", "cash_margin", None, "14400000", "18600000", True),
        ("Margin %", "target", "margin_pct", None, "30.0", "31.0", True),
        ("Share of search, skincare", "kpi", "share", None, "18.5", "21.0", True),
        ("Media cost per acquisition", "kpi", "custom", "USD/order", "44.00", "40.00", False),
        ("Retail media spend", "kpi", "media_spend", None, "6000000", "9000000", True),
    ),
    investments=(
        ("Retail media hub pilot in Japan and Germany", "450000", "shared", "60"),
        ("Always-on performance media (working media)", "9600000", "client", None),
        ("Data clean room set-up and analyst team", "180000", "agency", None),
        ("Creative production for the skincare relaunch", "320000", "shared", "50"),
    ),
    activities=(
        ("Skincare relaunch campaign", "campaign", -60, 90, "Tomás Álvarez"),
        ("Retail media hub pilot (JP, DE)", "initiative", -20, 120, "Daniel Okafor"),
        ("Quarterly business review", "review", None, None, "Amelia Hart"),
        ("Gift-set campaign with the retailers", "campaign", 10, 35, "Priya Raman"),
        ("Sampling programme in drugstores", "campaign", 75, 55, "Tomás Álvarez"),
        ("Retail media hub go / no-go", "milestone", 128, None, "Lars Eriksson"),
        ("JBP review workshop with the markets", "review", 150, 1, "Isabelle Moreau"),
    ),
    profile=(_D(22), _D(24), _D(25), _D(29)),
    signatories=("Isabelle Moreau", "Amelia Hart"),
)  # fmt: skip

_SEN_VIET_JBP = DemoJbp(
    title="Kế hoạch kinh doanh chung Sen Việt × Harbourline",
    vision=(
        "Đưa Sen Việt trở thành sàn thương mại điện tử được tin dùng nhất cho các ngày mua sắm "
        "lớn (9.9, 11.11, 12.12 và Tết), với livestream bán hàng và thanh toán không tiền mặt."
    ),
    objectives=(
        ("Tăng doanh thu (GMV) các ngày mua sắm lớn thêm 33 %", "Nguyễn Thị Hương",
         "Nguyễn Hoàng Minh", "on_track"),
        ("Livestream bán hàng hằng tuần với KOC địa phương", "Phạm Thu Trang",
         "Nguyễn Hoàng Minh", "on_track"),
        ("Giảm tỷ lệ hoàn đơn COD xuống dưới 12 % nhờ ví điện tử và VietQR", "Đặng Ngọc Ánh",
         "Daniel Okafor", "at_risk"),
        ("Báo cáo kết quả hằng tháng trên một bảng điểm chung", "Lê Minh Khôi",
         "Nguyễn Hoàng Minh", "done"),
    ),
    measures=(
        ("Doanh thu (GMV)", "target", "turnover", None, "180000000000", "240000000000", True),
        ("Số đơn hàng", "target", "volume", "đơn", "3200000", "4100000", True),
        ("Lợi nhuận gộp", "target", "cash_margin", None, "27000000000", "38400000000", True),
        ("Biên lợi nhuận %", "target", "margin_pct", None, "15.0", "16.0", True),
        ("Tỷ lệ chuyển đổi livestream", "kpi", "custom", "%", "2.8", "3.5", True),
        ("Chi phí mỗi đơn hàng (CPO)", "kpi", "custom", "VND/đơn", "42000", "36000", False),
        ("Tỷ lệ hoàn đơn COD", "kpi", "custom", "%", "18.0", "12.0", False),
    ),
    investments=(
        ("Livestream studio tại TP. Hồ Chí Minh", "1200000000", "shared", "50"),
        ("Ngân sách quảng cáo 11.11 và 12.12", "6500000000", "client", None),
        ("Đội ngũ phân tích dữ liệu và bảng điểm", "480000000", "agency", None),
        ("Khuyến mãi thanh toán ví điện tử và VietQR", "900000000", "shared", "70"),
    ),
    activities=(
        ("Livestream hằng tuần với KOC", "initiative", -45, 160, "Phạm Thu Trang"),
        ("Đánh giá kinh doanh quý (QBR)", "review", None, None, "Nguyễn Hoàng Minh"),
        ("Ra mắt thanh toán VietQR cho COD", "milestone", 95, None, "Đặng Ngọc Ánh"),
    ),
    # monthly: the peaks of Tết (January), 9.9, 10.10, 11.11 and 12.12
    profile=tuple(_D(w) for w in (11, 5, 7, 7, 7, 7, 7, 8, 10, 9, 12, 10)),
    signatories=("Trần Văn Đức", "Nguyễn Hoàng Minh"),
    sale_days=4,
    quarter_notes=(
        ("Tết Nguyên Đán: chiến dịch lớn nhất của quý.",
         "Khởi đầu tốt: doanh thu Tết vượt kế hoạch; tỷ lệ hoàn đơn COD vẫn còn cao."),
        ("Livestream hằng tuần và các ngày hội 4.4, 5.5, 6.6.",
         "Doanh thu thấp hơn kế hoạch vì sức mua giảm sau Tết; chi phí mỗi đơn hàng tốt hơn "
         "mục tiêu."),
        ("Chuẩn bị ngày 9.9 và ra mắt thanh toán VietQR.",
         "Đúng kế hoạch; phiên livestream 9.9 đạt kỷ lục doanh thu."),
        ("Mùa cao điểm: 10.10, 11.11 và 12.12.",
         "Mùa cao điểm thấp hơn kế hoạch: kho hàng miền Bắc quá tải trong tuần 11.11."),
    ),
)  # fmt: skip

_QUARTER_NOTES = (
    ("Launch the plan: agree the scorecard and the first campaigns.",
     "A good start: turnover, volume and share of search ahead of plan; cost per acquisition "
     "a little above target."),
    ("Scale what worked in Q1; prepare the retail media pilot.",
     "Volume behind plan after a late product launch; cost per acquisition better than target."),
    ("Pilot the retail media hub in Japan and Germany.",
     "Back on plan; the retail media pilot's first results are promising."),
    ("Peak season: holiday gifting and the hub go / no-go.",
     "Peak season below plan: the gift sets sold out early in Japan."),
)  # fmt: skip


def add_jbps(services: WorkspaceServices, today: date) -> None:
    """A signed JBP of the current year for the global account (QBPs with actuals for the
    quarters past, and last year's closed plan) and one for the Vietnamese client (MBPs with
    monthly actuals that roll up into its QBPs); activities over the coming months."""
    accounts = {account.name: account.id for account in services.accounts.all()}
    aurora, sen_viet = accounts[_AURORA.name], accounts[_SEN_VIET.name]
    year = today.year
    _demo_jbp(services, aurora, year, _AURORA_JBP, today, grain="quarter")
    _demo_jbp(services, sen_viet, year, _SEN_VIET_JBP, today, grain="month")
    _demo_jbp(services, aurora, year - 1, _AURORA_JBP, today, grain="quarter", closed=True)


def _demo_jbp(
    services: WorkspaceServices,
    account_id: int,
    year: int,
    data: DemoJbp,
    today: date,
    *,
    grain: str,
    closed: bool = False,
) -> int:
    jbps = services.jbp
    last_year = year < today.year
    scale = _D("0.8") if last_year else _D(1)  # last year's plan was smaller
    title = f"{data.title} {year}"
    jbp_id = jbps.create(account_id, year, title, vision=data.vision, standard_targets=False)
    client, agency = data.signatories
    for statement, client_owner, agency_owner, status in data.objectives:
        draft_objective = ObjectiveDraft(statement, client_owner, agency_owner, status)
        jbps.add_objective(jbp_id, draft_objective)
    measures: list[tuple[int, str]] = []  # id, metric
    for name, kind, metric, unit, baseline, target, higher in data.measures:
        draft = MeasureDraft(
            name,
            kind=kind,
            metric=metric,
            unit=unit,
            baseline=_jbp_figure(baseline, scale, metric),
            target=_jbp_figure(target, scale, metric),
            higher_is_better=higher,
        )
        measures.append((jbps.add_measure(jbp_id, draft), metric))
    for description, amount, funded_by, share in data.investments:
        draft_investment = InvestmentDraft(
            description,
            amount=_jbp_figure(amount, scale, "turnover"),
            funded_by=funded_by,
            client_share=_D(share) if share else None,
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
        )
        jbps.add_investment(jbp_id, draft_investment)
    first = date(year, 6, 1) if last_year else today
    quarter_start = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    next_review = add_months(quarter_start, 3) + timedelta(days=14)
    activities = [
        (name, kind, first + timedelta(days=offset) if offset is not None else next_review,
         days, owner)
        for name, kind, offset, days, owner in data.activities
    ]  # fmt: skip
    if not last_year:  # the campaigns of the next "double days", a week each before the day
        day = first_of_month(today)
        while len(activities) < len(data.activities) + data.sale_days:
            sale = date(day.year, day.month, day.month)
            if sale >= today:
                name = f"Chiến dịch {sale.month}.{sale.month}"
                owner = data.objectives[0][1]  # the client's marketing lead
                activities.append((name, "campaign", sale - timedelta(days=7), 8, owner))
            day = add_months(day, 1)
    for name, kind, starts, days, owner in activities:
        starts = max(starts, date(year, 1, 1))
        ends = None if days is None else starts + timedelta(days=days)
        if (ends or starts) < today:
            status = "done"
        else:
            status = "in_progress" if starts <= today else "planned"
        jbps.add_activity(jbp_id, ActivityDraft(name, starts, ends, kind, owner, status))

    jbps.derive_periods(jbp_id, "quarter", data.profile)
    if grain == "month":  # MBPs too: their actuals roll up into the QBPs
        jbps.derive_periods(jbp_id, "month", data.profile)
    record = jbps.get(jbp_id)
    done = [p for p in record.periods if p.kind == grain and p.ends_on < today]
    for index, period in enumerate(done):
        result = _JBP_RESULTS[index % len(_JBP_RESULTS)]
        for measure_id, metric in measures:
            value = period.value(measure_id)
            if value is not None and value.target is not None:
                actual = _jbp_actual(value.target, result, metric)
                jbps.update_period_value(period.id, measure_id, {"actual": actual})
    for index, quarter in enumerate(record.quarters):
        focus, commentary = (data.quarter_notes or _QUARTER_NOTES)[index]
        notes = {"focus": focus}
        if quarter.ends_on < today:
            notes["commentary"] = commentary
        jbps.update_period(quarter.id, notes)
        if quarter.starts_on <= today <= quarter.ends_on:
            actions = (
                ("Agree the next quarter's campaign calendar", agency),
                ("Share the markets' sell-out data for the scorecard", client),
            )
            for weeks, (text, owner) in enumerate(actions, start=1):
                due = today + timedelta(weeks=2 * weeks)
                jbps.add_period_action(quarter.id, PeriodActionDraft(text, owner, due))
    signed_on = date(year - 1, 12, 12)
    jbps.update(
        jbp_id,
        {
            "client_signatory": client,
            "client_signed_on": signed_on,
            "agency_signatory": agency,
            "agency_signed_on": signed_on - timedelta(days=2),
        },
    )
    phase = "monitor_renew" if closed else ("execute" if today.month > 3 else "initiative_planning")
    jbps.update(jbp_id, {"status": "closed" if closed else "signed", "phase": phase})
    return jbp_id


def _jbp_figure(text: str, scale: Decimal, metric: str) -> Decimal:
    """A demo figure, scaled for last year's plan (ratios are not scaled)."""
    value = _D(text)
    if metric in ("margin_pct", "share", "custom") or scale == 1:
        return value
    return round_half_up(value * scale, 0)


def _jbp_actual(target: Decimal, result: Decimal, metric: str) -> Decimal:
    """The actual of a target: additive ones by ``result``, ratios a little around it."""
    if metric in ("margin_pct", "share", "custom"):
        return round_half_up(target * (1 + (result - 1) / 3), 1)
    exponent = target.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return round_half_up(target * result, places)
