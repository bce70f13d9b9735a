"""The account plan one-pager read back with pypdf, both audiences: every section is there;
the client-safe PDF leaks nothing internal (notes, risks and their scores, relationship
strengths, stances and goals, the revenue target, the completeness) in its text or its
metadata; the internal one has all of it and says INTERNAL on every page; Vietnamese, Chinese
and Japanese text is real text; snapshots, file names, and the export through the services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyplan.domain.errors import ValidationError
from keyplan.exports.files import ExportExistsError
from keyplan.exports.pdf.account_plan import build_account_plan_pdf
from keyplan.services.exporting import export_plan_pdf, plan_document, plan_file_name
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)
SECRETS = {
    "notes": "Margin fell to 31 % SECRET-NOTE-4471",
    "risk": "Roster review SECRET-RISK-2290",
    "mitigation": "Benchmark rates SECRET-MITIGATION-118",
    "goal": "Monthly one-to-one SECRET-GOAL-5530",
    "cell": "Pitch after Tết SECRET-CELL-8812",
    "review": "Asked for KPIs SECRET-REVIEW-3301",
}
# words only the internal variant may print (ratings, stances, the org chart's coverage)
INTERNAL_WORDS = (
    "INTERNAL",
    "Top risks",
    "Relationship goals",
    "Revenue target",
    "complete",
    "Critical",
    "Mitigation",
    "Last reached",
    "Never reached",
    "Decision maker",
    "Champion",
    "Blocker",
    "influence",
    "Relationship:",
    "Internal notes",
    "Whitespace notes",
)


@dataclass(frozen=True)
class Read:
    path: Path
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return " ".join(" ".join(page.split()) for page in self.pages)


def _read(path: Path) -> Read:
    reader = PdfReader(str(path))
    return Read(path, reader, [page.extract_text() for page in reader.pages])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceServices:
    """A Vietnamese client with a plan holding every section and an internal secret in each
    internal part; contacts in Vietnamese, Chinese and Japanese with strengths and roles."""
    path = tmp_path_factory.mktemp("plan") / "plan.keyplan"
    services = WorkspaceServices.create(path, agency_name="Mekong Media")
    owner = services.team.create("Nguyễn Hoàng Minh", "Account Director")
    account = services.accounts.create(
        AccountDraft("Sen Việt E-commerce", currency="VND", market="VN", owner_id=owner)
    )
    ceo = services.contacts.create(
        account,
        ContactDraft(
            "Trần Văn Đức",
            title="Tổng Giám đốc",
            buying_role="decision_maker",
            influence=5,
            relationship_strength=2,
        ),
    )
    services.contacts.create(
        account,
        ContactDraft(
            "张伟", title="跨境运营总监", buying_role="champion", influence=4,
            relationship_strength=5, reports_to_id=ceo,
        ),
    )  # fmt: skip
    services.contacts.create(
        account, ContactDraft("田中 太郎", title="マーケティング本部長", reports_to_id=ceo)
    )
    plans = services.plans
    plan = plans.create_plan(account, 2026, "Growth account", status="active")
    plans.update(
        plan,
        {
            "situation": "Sen Việt tăng trưởng 45 % năm qua nhờ livestream.",
            "vision": "Đối tác tăng trưởng số một của Sen Việt.",
            "strategies": "Livestream mỗi tuần\nChuyển ưu đãi sang VietQR",
            "revenue_target": Decimal(18_000_000_000),
            "internal_notes": SECRETS["notes"],
        },
    )
    for quadrant, text in (
        ("strength", "Đội ngũ livestream"),
        ("weakness", "Chưa có quan hệ với CFO"),
        ("opportunity", "Chiến dịch Tết 2027"),
        ("threat", "競合の値下げ"),
    ):
        plans.add_item("swot", plan, {"quadrant": quadrant, "text": text})
    record = plans.get(plan)
    plans.update_item(
        "kpi", record.kpis[0].id, {"baseline": "1", "target": "3", "actual": "2", "period": "2026"}
    )
    plans.update_item("objective", record.objectives[0].id, {"status": "on_track"})
    plans.add_item(
        "action",
        plan,
        {"description": "Gửi case study VietQR", "owner_id": owner, "due": date(2026, 3, 1)},
    )
    plans.set_cell(record.services[0].id, record.segments[0].id, "active")
    plans.set_cell(record.services[1].id, record.segments[1].id, "opportunity", SECRETS["cell"])
    plans.set_cell(record.services[2].id, record.segments[0].id, "not_a_fit")
    plans.add_item(
        "risk",
        plan,
        {
            "description": SECRETS["risk"],
            "likelihood": 5,
            "impact": 4,
            "mitigation": SECRETS["mitigation"],
        },
    )
    plans.add_item(
        "relationship_goal",
        plan,
        {"contact_id": ceo, "target_strength": 4, "goal": SECRETS["goal"]},
    )
    plans.add_item(
        "review",
        plan,
        {
            "reviewed_on": date(2026, 2, 10),
            "reviewer": "Phạm Thu Trang",
            "notes": SECRETS["review"],
        },
    )
    return services


@pytest.fixture(scope="module")
def account_id(workspace: WorkspaceServices) -> int:
    return next(a.id for a in workspace.accounts.all() if a.name == "Sen Việt E-commerce")


def _export(
    services: WorkspaceServices, account: int, folder: Path, audience: str, **more: object
) -> Read:
    path = folder / plan_file_name(services, account, 2026, audience)  # type: ignore[arg-type]
    export_plan_pdf(
        services,
        account,
        2026,
        path,
        audience=audience,
        today=TODAY,
        **more,  # type: ignore[arg-type]
    )
    return _read(path)


@pytest.fixture(scope="module")
def client_pdf(
    workspace: WorkspaceServices, account_id: int, tmp_path_factory: pytest.TempPathFactory
) -> Read:
    return _export(workspace, account_id, tmp_path_factory.mktemp("client"), "client")


@pytest.fixture(scope="module")
def internal_pdf(
    workspace: WorkspaceServices, account_id: int, tmp_path_factory: pytest.TempPathFactory
) -> Read:
    return _export(workspace, account_id, tmp_path_factory.mktemp("internal"), "internal")


# -- what it prints ----------------------------------------------------------------------------


def test_every_section_is_printed(client_pdf: Read) -> None:
    text = client_pdf.text
    for expected in (
        "ACCOUNT PLAN 2026",
        "Sen Việt E-commerce",
        "Active · Prepared by Nguyễn Hoàng Minh · 16 Mar 2026",
        "Situation",
        "Sen Việt tăng trưởng 45 % năm qua nhờ livestream.",
        "Vision",
        "Strategies",
        "Livestream mỗi tuần",
        "Objectives and KPIs",
        "Win a second service line",
        "On track",
        "New services won (2026)",
        "50 %",  # from 1 to 3, now 2
        "SWOT",
        "Strengths",
        "Đội ngũ livestream",
        "Threats",
        "Whitespace: services by business unit or market",
        "Strategy",
        "Active",
        "Opportunity",
        "Not a fit",
        "Action plan",
        "Gửi case study VietQR",
        "Overdue",  # due 1 March, open on 16 March
        "Relationship map",
        "Review history",
        "10 Feb 2026",
        "Phạm Thu Trang",
    ):
        assert expected in text, expected


def test_vietnamese_chinese_and_japanese_are_real_text(client_pdf: Read) -> None:
    text = client_pdf.text
    for name in ("Trần Văn Đức", "Tổng Giám đốc", "张伟", "田中 太郎", "競合の値下げ"):
        assert name in text, name
    assert "\ufffd" not in text and "□" not in text


def test_the_client_safe_pdf_leaks_nothing_internal(client_pdf: Read) -> None:
    text = client_pdf.text
    for secret in SECRETS.values():
        assert secret not in text
        assert secret.split()[-1] not in text  # not even the marker word
    for word in INTERNAL_WORDS:
        assert word not in text, word
    assert "18,000,000,000" not in text  # the revenue target
    assert not re.search(r"\b20 (High|Critical)\b", text)  # the risk score
    meta = client_pdf.reader.metadata
    assert meta is not None
    assert meta.title == "Account plan 2026: Sen Việt E-commerce"
    assert meta.author == "Mekong Media"
    assert meta.subject == "Account plan 2026 for Sen Việt E-commerce"
    every_value = " ".join(str(value) for value in meta.values())
    for leak in (*SECRETS.values(), "INTERNAL", "risk", "SECRET"):
        assert leak not in every_value


def test_the_internal_pdf_has_everything_and_says_internal_on_every_page(
    internal_pdf: Read,
) -> None:
    text = internal_pdf.text
    for secret in SECRETS.values():
        assert " ".join(secret.split()) in text, secret
    for expected in (
        "Revenue target VND 18,000,000,000",
        "Top risks",
        "20 Critical",
        "5 × 4",
        "Relationship goals",
        "2 / 4",  # strength now / goal
        "Decision maker",
        "Internal notes",
        "Whitespace notes",
        f"Creative × New markets: {SECRETS['cell']}",
    ):
        assert expected in text, expected
    for page in internal_pdf.pages:
        assert "INTERNAL" in page
    meta = internal_pdf.reader.metadata
    assert meta is not None and meta.title == "INTERNAL account plan 2026: Sen Việt E-commerce"


def test_fonts_are_embedded_subsets(client_pdf: Read) -> None:
    fonts = set()
    for page in client_pdf.reader.pages:
        resources = page["/Resources"]
        for font in resources["/Font"].values():  # type: ignore[index, union-attr]
            descriptor = font.get_object()
            fonts.add(str(descriptor["/BaseFont"]))
    assert fonts and all("+" in name for name in fonts), fonts


# -- the export --------------------------------------------------------------------------------


def test_file_names(workspace: WorkspaceServices, account_id: int) -> None:
    assert (
        plan_file_name(workspace, account_id, 2026) == "Sen Việt E-commerce - account plan 2026.pdf"
    )
    assert (
        plan_file_name(workspace, account_id, 2026, "internal")
        == "Sen Việt E-commerce - account plan 2026 - INTERNAL.pdf"
    )
    with pytest.raises(ValidationError, match="audience"):
        plan_file_name(workspace, account_id, 2026, "everyone")  # type: ignore[arg-type]


def test_an_existing_file_is_kept_and_a_missing_plan_is_a_clear_error(
    workspace: WorkspaceServices, account_id: int, tmp_path: Path
) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"keep me")
    with pytest.raises(ExportExistsError):
        export_plan_pdf(workspace, account_id, 2026, target)
    assert target.read_bytes() == b"keep me"
    export_plan_pdf(workspace, account_id, 2026, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValidationError, match="Sen Việt E-commerce has no plan for 2031"):
        export_plan_pdf(workspace, account_id, 2031, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_a_snapshot_prints_the_plan_as_it_was_frozen(
    tmp_path: Path, account_id: int, workspace: WorkspaceServices
) -> None:
    plan_id = workspace.plans.find(account_id, 2026)
    assert plan_id is not None
    snapshot = workspace.plans.snapshot(plan_id, date(2026, 3, 10), "Before the QBR")
    situation = workspace.plans.get(plan_id).situation
    change = workspace.plans.update(plan_id, {"situation": "Rewritten after the QBR"})
    try:
        frozen = _export(workspace, account_id, tmp_path, "client", snapshot_id=snapshot)
        assert "Snapshot of 2026-03-10: Before the QBR" in frozen.text
        assert situation in frozen.text and "Rewritten after the QBR" not in frozen.text
        live = plan_document(workspace, account_id, 2026, today=TODAY)
        assert live.situation == "Rewritten after the QBR" and live.snapshot == ""
        with pytest.raises(ValidationError, match="not one of this plan's"):
            plan_document(workspace, account_id, 2026, snapshot_id=snapshot + 1000)
    finally:
        workspace.plans.update(plan_id, change.before, exact=True)
        workspace.plans.delete_snapshot(snapshot)


def test_the_client_document_has_no_internal_part(
    workspace: WorkspaceServices, account_id: int
) -> None:
    client = plan_document(workspace, account_id, 2026, today=TODAY)
    assert client.internal is None and client.audience == "client"
    assert client.relationship_map is not None and client.relationship_map.client_safe
    assert all(n.strength is None and n.influence is None for n in client.relationship_map.nodes)
    internal = plan_document(workspace, account_id, 2026, audience="internal", today=TODAY)
    assert internal.internal is not None and internal.internal.notes == SECRETS["notes"]
    with pytest.raises(TypeError):
        build_account_plan_pdf(object())  # type: ignore[arg-type]


def test_the_demo_plans_export_in_both_variants(demo: WorkspaceServices, tmp_path: Path) -> None:
    accounts = {a.name: a.id for a in demo.accounts.all()}
    read: dict[tuple[str, str], Read] = {}
    for name in ("Aurora Consumer Brands", "Sen Việt E-commerce"):
        for audience in ("client", "internal"):
            pdf = read[name, audience] = _export(demo, accounts[name], tmp_path, audience)
            assert 1 <= len(pdf.pages) <= 3, (name, audience, len(pdf.pages))
            assert name in pdf.text and "Whitespace" in pdf.text
            assert ("Top risks" in pdf.text) == (audience == "internal")
    aurora = read["Aurora Consumer Brands", "client"].text
    for unit in ("Aurora Consumer Brands Japan", "Aurora Beauty & Personal Care"):
        assert unit in aurora  # the business units are the whitespace columns
    assert "Blended margin" not in aurora  # the demo's internal note
    assert "Blended margin" in read["Aurora Consumer Brands", "internal"].text


def test_the_relationship_map_writes_its_dates_in_the_pdfs_locale(
    workspace: WorkspaceServices, account_id: int
) -> None:
    """The org chart's "last reached" dates follow the locale the plan PDF is built for, as
    the rest of its figures do (they were always English)."""
    document = plan_document(workspace, account_id, 2026, audience="internal", today=TODAY)
    chart = document.relationship_map
    assert chart is not None and chart.nodes
    reached = tuple(replace(node, last_reached=date(2026, 2, 3)) for node in chart.nodes)
    dated = replace(document, relationship_map=replace(chart, nodes=reached))
    text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(build_account_plan_pdf(dated))).pages
    )
    assert "3 Feb 2026" in " ".join(text.split())
    russian = build_account_plan_pdf(dated, locale="ru")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(russian)).pages)
    text = " ".join(text.split())
    assert "3 февр. 2026" in text  # the chart's coverage
    assert "16 мар. 2026" in text and "10 февр. 2026" in text  # day of issue, review
    assert "16 Mar 2026" not in text
