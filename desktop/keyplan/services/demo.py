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

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

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
