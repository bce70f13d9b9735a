"""The status report PDF read back with pypdf, both audiences: it leads with status (RAG badge,
change, reason, headline, decisions needed, actions owed by the client), then the agency's
actions, meetings, estimates with the app's totals, next steps; empty sections are left out;
the client variant has no internal figure, note or word, the internal one has them and says
INTERNAL on every page; fonts embedded as subsets, metadata, page numbers, size, tables that
repeat their header over pages, the section plug-in point, and the export through the
services.

A small workspace made here (Vietnamese, Russian, Chinese, Japanese and Korean names, an
approved estimate with actual costs, a contact report with internal notes, and an account
with nothing) gives exact figures; the demo workspace (the conftest's, shared by the export
tests) gives the real accounts: Aurora Consumer Brands for the month and quarter, Sen Việt.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.numbers import format_decimal
from keyplan.domain.periods import parse_period
from keyplan.exports.files import ExportExistsError
from keyplan.exports.pdf.status_report import (
    SECTIONS,
    ReportSection,
    StatusReportPdf,
    build_status_report_pdf,
)
from keyplan.exports.report_documents import ActionLine, RagLine, StatusReportDocument
from keyplan.services.actuals import ActualDraft
from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.estimate_records import EstimateFilter, LineDraft, ProjectDraft
from keyplan.services.exporting import export_status_report_pdf, status_report_file_name
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.reporting import status_report_document
from keyplan.services.workspace import WorkspaceServices

D = Decimal
DEMO_TODAY = date(2026, 3, 16)  # the conftest's demo
TODAY = date(2026, 11, 30)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET = "CFO doubts the budget SECRET-NOTE-7731"
ACTIONS_HEADER = "Action Owner Due Status"
Audience = Literal["client", "internal"]


# -- reading a PDF back ------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    data: bytes
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def flat(self) -> str:
        return " ".join(self.text.split())

    @property
    def raw(self) -> str:
        """The file and its decompressed page streams, as text."""
        blobs = [self.data]
        blobs += [page.get_contents().get_data() for page in self.reader.pages]  # type: ignore[union-attr]
        return "\n".join(blob.decode("latin-1") for blob in blobs)


def read(data: bytes) -> Read:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return Read(data, reader, [page.extract_text() for page in reader.pages])


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_fonts_embedded_subsets(reader: PdfReader) -> None:
    fonts = 0
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts += 1
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]  # no Helvetica from charts
            assert re.fullmatch(r"/[A-Z]{6}\+(NotoSans-\w+|WenQuanYiMicroHei-0)", font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert fonts


def amount(currency: str, value: Decimal) -> str:
    """An amount as the app shows it, with its currency code."""
    return f"{currency} {format_decimal(value, 'en_US', Currency.get(currency).minor_units)}"


def percent(value: Decimal) -> str:
    return f"{format_decimal(value, 'en_US', 1)} %"


def estimate_totals(services: WorkspaceServices, account_id: int, end: date) -> list[str]:
    """The totals the estimates list shows for the report's estimates, formatted."""
    texts = []
    for summary in services.estimates.summaries(EstimateFilter(account_id=account_id)):
        if summary.status == "draft" or summary.issued_on > end:
            continue
        texts.append(amount(summary.currency, summary.totals.total))
        if summary.contracted_total is not None:
            texts.append(amount(summary.currency, summary.contracted_total))
    return texts


# -- a small workspace -------------------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    services: WorkspaceServices
    account: int
    quiet: int  # an account with nothing in the period

    def document(self, audience: Audience = "client", period: str = "2026-Q4") -> Any:
        return status_report_document(
            self.services, self.account, parse_period(period), audience=audience, today=TODAY
        )


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    folder = tmp_path_factory.mktemp("status_report")
    with WorkspaceServices.create(folder / "shop.keyplan", agency_name="Mekong Media") as services:
        owner = services.team.create("Trần Minh Anh", "Account Director")
        writer = services.team.create("김민준", "한국어 카피라이터")
        account = services.accounts.create(
            AccountDraft("Sen Việt E-commerce", currency="VND", owner_id=owner)
        )
        services.accounts.update(
            account, {"health": "amber", "health_reason": "Tết budget not signed yet"}
        )
        contacts = services.contacts
        huong = contacts.create(account, ContactDraft("Nguyễn Thị Hương", title="CMO"))
        dmitry = contacts.create(account, ContactDraft("Дмитрий Иванов", title="Закупки"))
        zhang = contacts.create(account, ContactDraft("张伟", title="株式会社 Hoshizora"))
        project = services.projects.create(account, ProjectDraft("Chiến dịch Tết"))
        estimates = services.estimates
        ref = estimates.create(
            account, "Tết campaign — Tiếng Việt", project_id=project,
            issued_on=date(2026, 10, 1), tax_rate=D(8),
        )  # fmt: skip
        section = estimates.document(ref.revision_id).sections[0]
        estimates.add_line(
            section.id,
            LineDraft(description="Kế hoạch truyền thông", quantity=D(40), unit="hour",
                      unit_price=D(1_500_000), unit_cost=D(650_000)),
        )  # fmt: skip
        estimates.add_line(
            section.id,
            LineDraft(description="KOL miền Bắc", quantity=D(2), unit="each",
                      unit_price=D(45_000_000), unit_cost=D(31_000_000)),
        )  # fmt: skip
        estimates.send(ref.revision_id, date(2026, 10, 2))
        estimates.approve(ref.revision_id, "Nguyễn Thị Hương", date(2026, 10, 10), "PO-7781")
        services.actuals.add_many(
            ref.estimate_id,
            [ActualDraft(date(2026, 11, 3), D(41_234_567), section_key=section.key)],
        )
        usd = estimates.create(
            account, "Livestream 12.12", currency="USD", issued_on=date(2026, 11, 20),
            tax_rate=D(10),
        )  # fmt: skip
        estimates.add_line(
            estimates.document(usd.revision_id).sections[0].id,
            LineDraft(description="Livestream host", quantity=D("12.5"), unit="hour",
                      unit_price=D("180.00"), unit_cost=D("95.00")),
        )  # fmt: skip
        estimates.send(usd.revision_id, date(2026, 11, 21))
        starts = datetime(2026, 11, 23, 14, 0, tzinfo=HCM)
        reports = services.contact_reports
        report = reports.create(
            account,
            ReportDraft(
                "Họp tiến độ Tết — Tiếng Việt", starts, starts + timedelta(minutes=90),
                "Asia/Ho_Chi_Minh", decisions="Giữ kịch bản 3 giờ.", internal_notes=SECRET,
                next_meeting_on=date(2027, 1, 7), next_meeting="Họp trực tuyến qua Zoom",
                attendees=(AttendeeRef(contact_id=huong), AttendeeRef(team_member_id=owner)),
            ),
        )  # fmt: skip
        actions = [
            ActionDraft("Gửi báo giá bổ sung", owner_member_id=owner, due_on=date(2026, 11, 25)),
            ActionDraft("Xác nhận danh sách sản phẩm", owner_contact_id=huong, due_on=TODAY),
            ActionDraft("Подписать договор", owner_contact_id=dmitry, due_on=date(2026, 11, 20)),
            ActionDraft("审阅 株式会社 brief", owner_contact_id=zhang, due_on=date(2026, 11, 24)),
            ActionDraft("한국어 카피 검토", owner_member_id=writer, due_on=date(2027, 1, 4)),
        ]
        ids = [reports.add_action(report, action) for action in actions]
        reports.update_action(ids[3], {"status": "done"}, today=date(2026, 11, 24))
        quiet = services.accounts.create(AccountDraft("Mapo Coffee Roasters", currency="KRW"))
        yield Shop(services, account, quiet)


@pytest.fixture(scope="module")
def client_pdf(shop: Shop) -> Read:
    return read(build_status_report_pdf(shop.document("client")))


@pytest.fixture(scope="module")
def internal_pdf(shop: Shop) -> Read:
    return read(build_status_report_pdf(shop.document("internal")))


def test_it_leads_with_status_then_what_the_client_owes(shop: Shop, client_pdf: Read) -> None:
    text = client_pdf.flat
    assert text.index("STATUS REPORT Sen Việt E-commerce Q4 2026 (1 Oct 2026 – 31 Dec 2026)") < 200
    order = [
        "AMBER",
        "Overall: At risk",
        "Decisions needed from you",
        "Approve estimate KP-2026-0002 rev 1: Livestream 12.12",
        "Actions owed by Sen Việt E-commerce",
        "Actions owed by Mekong Media",
        "Meetings held in Q4 2026",
        "Estimates",
        "Next steps",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert "Issued 30 November 2026 · Prepared by Trần Minh Anh" in text
    # the team's health note is for the team: only the internal report prints it
    assert "Tết budget not signed yet" not in text


def test_the_health_note_is_in_the_internal_report_only(internal_pdf: Read) -> None:
    text = internal_pdf.flat
    assert text.index("Overall: At risk") < text.index("Tết budget not signed yet")


def test_actions_by_side_with_overdue_ones_first_and_marked(client_pdf: Read) -> None:
    text = client_pdf.flat
    client_part = text[
        text.index("Actions owed by Sen Việt") : text.index("Actions owed by Mekong")
    ]
    assert client_part.index("Подписать договор") < client_part.index("Xác nhận danh sách")
    assert client_part.index("Xác nhận danh sách") < client_part.index("审阅 株式会社 brief")
    assert "Подписать договор From 2026-11-23 Họp tiến độ Tết — Tiếng Việt" in client_part
    assert "Дмитрий Иванов 20 Nov 2026 Overdue" in client_part
    assert "Nguyễn Thị Hương 30 Nov 2026 Open" in client_part
    assert "张伟 24 Nov 2026 Done" in client_part
    agency_part = text[text.index("Actions owed by Mekong") :]
    assert "Trần Minh Anh 25 Nov 2026 Overdue" in agency_part
    assert "김민준 4 Jan 2027 Open" in agency_part
    assert text.count("Overdue") == 2 + 1  # two rows and the chart's legend


def test_meetings_estimates_and_next_steps(shop: Shop, client_pdf: Read) -> None:
    text = client_pdf.flat
    assert "Meetings held in Q4 2026 Date Meeting Decisions 23 Nov 2026" in text
    assert "Giữ kịch bản 3 giờ." in text
    totals = estimate_totals(shop.services, shop.account, date(2026, 12, 31))
    assert sorted(totals) == ["USD 2,475.00", "VND 162,000,000", "VND 162,000,000"]
    assert "Approved VND 162,000,000 VND 162,000,000" in text  # total and contracted
    assert "Awaiting approval USD 2,475.00 —" in text
    assert "2027-01-04: 한국어 카피 검토 (김민준)" in text
    assert "2027-01-07: Họp trực tuyến qua Zoom" in text


def test_the_client_variant_has_a_chart_and_nothing_internal(
    shop: Shop, client_pdf: Read, internal_pdf: Read
) -> None:
    document = shop.document("internal")
    assert document.internal is not None
    budget = document.internal.budgets[0]
    secrets = [
        amount("VND", budget.estimated_cost),  # VND 88,000,000
        format_decimal(budget.estimated_cost, "en_US", 0),
        format_decimal(budget.actual_cost, "en_US", 0),  # 41,234,567
        percent(budget.burn_percent or D(0)),  # 46.9 %
        percent(budget.margin_percent_so_far or D(0)),  # 72.5 %
        "SECRET-NOTE-7731",
    ]
    for secret in secrets:
        assert secret in internal_pdf.flat, secret  # the test has something to find
        assert secret not in client_pdf.flat, secret
        assert secret not in client_pdf.raw, secret
    lowered = client_pdf.text.lower()
    for word in ("internal", "cost", "margin", "burn", "budget versus"):
        assert word not in lowered, word
    assert "internal" not in client_pdf.raw.lower()
    # the chart: vector shapes and text, no image
    assert "Action items Owed by Sen Việt E-commerce" in client_pdf.flat
    assert "Owed by Mekong Media" in client_pdf.flat
    assert "Done Open Overdue" in client_pdf.flat
    for page in client_pdf.reader.pages:
        assert "/XObject" not in page["/Resources"]


def test_the_internal_variant_is_marked_on_every_page_and_has_the_budgets(
    shop: Shop, internal_pdf: Read
) -> None:
    document = shop.document("internal")
    many = dataclasses.replace(document, agency_actions=document.agency_actions * 40)
    pdf = read(build_status_report_pdf(many))
    assert len(pdf.pages) >= 3
    for page in pdf.pages:
        text = flat(page)
        assert "INTERNAL — Mekong Media only, not for the client" in text  # the banner
        assert "INTERNAL — for Mekong Media only; never send it to the client" in text  # footer
    text = internal_pdf.flat
    assert "STATUS REPORT — INTERNAL" in text
    assert "Decisions needed from Sen Việt E-commerce" in text
    assert (
        "Budget versus actual (internal) Project Estimated cost Actual cost Burn Contracted net "
        "Margin so far Chiến dịch Tết VND 88,000,000 VND 41,234,567 46.9 % VND 150,000,000 72.5 %"
    ) in text
    assert "Burn by project 0 % 25 % 50 % 75 % 100 %" in text  # the chart: axis, bar, label
    assert "Chiến dịch Tết (VND) 46.9 %" in text
    assert f"Internal notes • 2026-11-23 Họp tiến độ Tết — Tiếng Việt: {SECRET}" in text
    meta = internal_pdf.reader.metadata
    assert meta is not None
    assert meta.title == "INTERNAL status report Q4 2026: Sen Việt E-commerce"


def test_metadata_fonts_and_footer(client_pdf: Read) -> None:
    meta = client_pdf.reader.metadata
    assert meta is not None
    assert meta.title == "Status report Q4 2026: Sen Việt E-commerce"
    assert meta.author == "Mekong Media"
    assert meta.subject == "Status report for Sen Việt E-commerce, Q4 2026"
    assert meta.creator == "Keyplan"
    assert not meta.get("/Keywords")
    assert_fonts_embedded_subsets(client_pdf.reader)
    count = len(client_pdf.pages)
    assert f"Sen Việt E-commerce · Q4 2026 · Page {count} of {count}" in client_pdf.flat
    assert "Confidential — prepared by Mekong Media for Sen Việt E-commerce" in client_pdf.flat
    for text in ("Nguyễn Thị Hương", "Tiếng Việt", "Дмитрий Иванов", "张伟", "株式会社", "한국어"):
        assert text in client_pdf.text, text


def test_empty_sections_are_left_out(shop: Shop) -> None:
    quiet = status_report_document(
        shop.services, shop.quiet, parse_period("2026-Q4"), audience="internal", today=TODAY
    )
    text = read(build_status_report_pdf(quiet)).flat
    assert "Mapo Coffee Roasters" in text and "GREEN Overall: On track" in text
    for heading in (
        "Decisions needed", "Actions owed", "Meetings", "Estimates", "Budget versus actual",
        "Internal notes", "Next steps", "Status by area", "Action items",
    ):  # fmt: skip
        assert heading not in text, heading
    # a month of the busy account before anything happened: no meetings either
    october = read(build_status_report_pdf(shop.document("client", "2026-10"))).flat
    assert "Meetings" not in october and "Actions owed" not in october
    assert "Estimates" in october and "VND 162,000,000" in october


def test_a_rag_change_areas_and_the_headline(shop: Shop) -> None:
    document = dataclasses.replace(
        shop.document("client"),
        overall=RagLine("Overall", "red", "Checkout conversion fell to 2.7 %."),
        previous_rag="amber",
        headline="Recovery: frictionless checkout for returning buyers from 7 December.",
        areas=(RagLine("Checkout", "red", "2.7 % against 3.4 %"), RagLine("CRM", "green", "")),
    )
    text = read(build_status_report_pdf(document)).flat
    assert "RED Overall: Off track Down from Amber in the last report." in text
    assert "Checkout conversion fell to 2.7 %." in text
    assert "Recovery: frictionless checkout for returning buyers from 7 December." in text
    assert "Status by area Status Area Why RED Checkout 2.7 % against 3.4 % GREEN CRM On track" in (
        text
    )
    same = dataclasses.replace(document, previous_rag="red", headline="")
    assert "Unchanged since the last report." in read(build_status_report_pdf(same)).flat
    up = dataclasses.replace(document, overall=RagLine("Overall", "green", ""))
    assert "Up from Amber in the last report." in read(build_status_report_pdf(up)).flat


def test_a_long_table_repeats_its_header_and_three_pages_are_small(shop: Shop) -> None:
    document = shop.document("client")
    actions = tuple(
        ActionLine(
            f"Việc số {i}: Дмитрий Иванов 张伟 한국어 " + "chuẩn bị tài liệu " * (i % 3),
            "Nguyễn Thị Hương",
            "client",
            date(2026, 12, 1) + timedelta(days=i % 20),
            "open",
            overdue=i % 9 == 0,
        )
        for i in range(1, 53)
    )
    pdf = read(build_status_report_pdf(dataclasses.replace(document, client_actions=actions)))
    assert len(pdf.pages) == 3, len(pdf.pages)
    assert len(pdf.data) < 1_000_000, len(pdf.data)
    seen: set[str] = set()
    for number, page in enumerate(pdf.pages, start=1):
        text = flat(page)
        assert f"Page {number} of 3" in text
        found = set(re.findall(r"Việc số (\d+):", text))
        if found:
            assert ACTIONS_HEADER in text, f"page {number} has actions but no table header"
        seen |= found
    assert seen == {str(i) for i in range(1, 53)}
    # the rows, the agency's overdue action and the chart's legend
    assert pdf.flat.count("Overdue") == sum(a.overdue for a in actions) + 2


def test_sections_are_a_plug_in_point(shop: Shop) -> None:
    def kpis(report: StatusReportPdf) -> list[Any]:
        return [
            *report.heading("KPI progress"),
            report.pdf.paragraph("Reach 120 %", report.styles.body),
        ]

    def secret(report: StatusReportPdf) -> list[Any]:
        raise AssertionError("an internal-only section was built for the client")

    sections = (*SECTIONS, ReportSection("kpis", kpis), ReportSection("x", secret, True))
    text = read(build_status_report_pdf(shop.document("client"), sections=sections)).flat
    assert text.index("Next steps") < text.index("KPI progress Reach 120 %")
    only = [s for s in SECTIONS if s.key == "summary"]
    text = read(build_status_report_pdf(shop.document("client"), sections=only)).flat
    assert "Overall: At risk" in text and "Estimates" not in text
    assert {s.key for s in SECTIONS if s.internal_only} == {"budgets", "forecast", "internal_notes"}


def test_only_a_status_report_document_is_printed() -> None:
    with pytest.raises(TypeError, match="StatusReportDocument"):
        build_status_report_pdf("a report")  # type: ignore[arg-type]


def red_pixels(image: Any, top: float, bottom: float) -> int:
    """Strongly red pixels in a band (mm from the top) of a 70 dpi RGB page image."""
    px = 70 / 25.4
    band = image.crop((0, round(top * px), image.width, round(bottom * px)))
    colours = band.getcolors(maxcolors=band.width * band.height) or []
    return sum(count for count, (r, g, b) in colours if r > 150 and g < 80 and b < 80)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) missing")
def test_the_internal_banner_is_drawn_on_every_page(shop: Shop, tmp_path: Path) -> None:
    document = shop.document("internal")
    many = dataclasses.replace(document, agency_actions=document.agency_actions * 30)
    for name, doc in (("internal", many), ("client", shop.document("client"))):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(build_status_report_pdf(doc))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(path), str(tmp_path / name)],
            check=True,
            timeout=60,
        )
        images = sorted(tmp_path.glob(f"{name}-*.png"))
        assert images
        for image_path in images:
            red = red_pixels(Image.open(image_path).convert("RGB"), 3, 10)
            assert (red > 2000) == (name == "internal"), (image_path.name, red)


# -- the demo ----------------------------------------------------------------------------------


def demo_account(services: WorkspaceServices, name: str) -> int:
    return next(a.id for a in services.accounts.all() if a.name == name)


@pytest.fixture(scope="module")
def demo_reports(
    demo: WorkspaceServices,
) -> dict[tuple[str, str, Audience], tuple[StatusReportDocument, Read]]:
    found = {}
    for name, periods in (
        ("Aurora Consumer Brands", ("2026-03", "2026-Q1")),
        ("Sen Việt E-commerce", ("2026-Q1",)),
        ("Kowloon Bakes", ("2026-Q1",)),
    ):
        account = demo_account(demo, name)
        for period in periods:
            for audience in ("client", "internal"):
                document = status_report_document(
                    demo, account, parse_period(period), audience=audience, today=DEMO_TODAY
                )
                found[name, period, audience] = (document, read(build_status_report_pdf(document)))
    return found


def test_demo_reports_show_the_apps_estimate_totals(
    demo: WorkspaceServices,
    demo_reports: dict[tuple[str, str, Audience], tuple[StatusReportDocument, Read]],
) -> None:
    for (name, period, audience), (document, pdf) in demo_reports.items():
        totals = estimate_totals(demo, demo_account(demo, name), document.period_end)
        for total in totals:
            assert total in pdf.flat, (name, period, audience, total)
        assert_fonts_embedded_subsets(pdf.reader)
        assert "□" not in pdf.text
        assert pdf.reader.metadata is not None
        assert pdf.reader.metadata.author == "Harbourline Partners"
    aurora = demo_reports["Aurora Consumer Brands", "2026-Q1", "client"][1].flat
    assert "USD 62,416.20 USD 76,383.00" in aurora  # total and contracted total
    sen_viet = demo_reports["Sen Việt E-commerce", "2026-Q1", "client"][1].flat
    for text in ("Họp tiến độ Livestream 11.11", "Khởi động chiến dịch Tết", "VND 243,430,000"):
        assert text in sen_viet, text


def test_demo_client_reports_leak_nothing_of_the_internal_ones(
    demo_reports: dict[tuple[str, str, Audience], tuple[StatusReportDocument, Read]],
) -> None:
    checked = 0
    for (name, period, audience), (document, pdf) in demo_reports.items():
        if audience == "client":
            continue
        client = demo_reports[name, period, "client"][1]
        assert document.internal is not None
        for page in pdf.pages:
            assert "INTERNAL" in page
        assert "INTERNAL" not in client.text and "internal" not in client.raw.lower()
        for line in document.internal.budgets:
            shown = [amount(line.currency, line.estimated_cost)]
            if line.actual_cost:
                shown.append(amount(line.currency, line.actual_cost))
                shown.append(percent(line.margin_percent_so_far or D(0)))
            if line.burn_percent:
                shown.append(percent(line.burn_percent))
            for text in shown:
                assert text in pdf.flat, (name, text)
                assert text not in client.flat, (name, text)
                checked += 1
    assert checked >= 6  # Aurora's 41,918.00 / 15,974.40 / 79.1 % / 38.1 % and more


def test_an_account_without_meetings_has_no_meetings_heading(
    demo_reports: dict[tuple[str, str, Audience], tuple[StatusReportDocument, Read]],
) -> None:
    document, pdf = demo_reports["Kowloon Bakes", "2026-Q1", "client"]
    assert not document.meetings
    assert "Meetings" not in pdf.flat and "Actions owed" not in pdf.flat
    document, pdf = demo_reports["Aurora Consumer Brands", "2026-03", "client"]
    assert document.meetings and "Meetings held in March 2026" in pdf.flat


# -- through the services ----------------------------------------------------------------------


def test_export_writes_both_audiences_under_their_names(shop: Shop, tmp_path: Path) -> None:
    services = shop.services
    names = {}
    for audience in ("client", "internal"):
        name = status_report_file_name(services, shop.account, "2026-Q4", audience, today=TODAY)
        names[audience] = name
        path = export_status_report_pdf(
            services, shop.account, "2026-Q4", tmp_path / name, audience=audience, today=TODAY,
            headline="Tết plan agreed; budget sign-off due 5 December.",
        )  # fmt: skip
        assert path == tmp_path / name
        pdf = read(path.read_bytes())
        assert "Tết plan agreed; budget sign-off due 5 December." in pdf.flat
        assert ("SECRET-NOTE-7731" in pdf.flat) == (audience == "internal")
    assert names == {
        "client": "Sen Việt E-commerce-status-2026-11-30.pdf",
        "internal": "Sen Việt E-commerce-status-2026-11-30 - INTERNAL.pdf",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names.values())
    with pytest.raises(ExportExistsError):
        export_status_report_pdf(
            services, shop.account, parse_period("2026-Q4"), tmp_path / names["client"]
        )
    export_status_report_pdf(
        services, shop.account, "2026-Q4", tmp_path / names["client"], overwrite=True
    )


def test_file_names_keep_the_date_and_the_internal_mark(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "w.keyplan", agency_name="Lumen") as services:
        account = services.accounts.create(AccountDraft('Ш/"' * 66, currency="RUB"))
        name = status_report_file_name(services, account, "2026-09", "internal", today=TODAY)
        assert name.endswith("-status-2026-11-30 - INTERNAL.pdf")
        assert len(name) <= 150 and len(name.encode()) <= 240
        assert not set('<>:"/\\|?*') & set(name)
        with pytest.raises(ValidationError):
            status_report_file_name(services, account, "2026-Q5", "client")
        with pytest.raises(ValidationError):
            status_report_file_name(services, account, "2026-Q4", "everyone")  # type: ignore[arg-type]
