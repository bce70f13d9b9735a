"""The contact report PDF read back with pypdf: the header block with the meeting's time zone,
attendees in two columns, agenda, discussion, decisions, action items with overdue ones
marked, the next meeting; every script, embedded subset fonts, metadata, page numbers, no
internal notes; and the export through the services (file name, atomic write).

A small workspace made here has attendees, titles and actions in Vietnamese, Russian, Chinese,
Japanese and Korean; the demo workspace (the conftest's, shared by the export tests) gives the
real reports: Sen Việt's in Vietnamese, Aurora Japan's in Japanese, Северный Дом's in Russian.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from keyplan.exports.files import ExportError, ExportExistsError
from keyplan.exports.pdf.contact_report import (
    ACTION_HEADERS,
    OVERDUE,
    build_contact_report_pdf,
    meeting_time,
)
from keyplan.exports.report_documents import ActionLine, ContactReportDocument
from keyplan.services.contact_reports import ActionDraft, AttendeeRef, ReportDraft
from keyplan.services.exporting import contact_report_file_name, export_contact_report_pdf
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.reporting import contact_report_document
from keyplan.services.workspace import WorkspaceServices

DEMO_TODAY = date(2026, 3, 16)  # the conftest's demo
TODAY = date(2026, 11, 30)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET = "CFO doubts the budget SECRET-NOTE-7731"


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
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]  # no standard Type 1
            assert re.fullmatch(r"/[A-Z]{6}\+(NotoSans-\w+|WenQuanYiMicroHei-0)", font["/BaseFont"])
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert fonts


def raw_text(pdf: Read) -> str:
    """The file and its decompressed page streams, as text (to search for what must not be)."""
    blobs = [pdf.data] + [page.get_contents().get_data() for page in pdf.reader.pages]  # type: ignore[union-attr]
    return "\n".join(blob.decode("latin-1") for blob in blobs)


# -- a workspace with every script -------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    services: WorkspaceServices
    report: int
    bare_report: int


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    folder = tmp_path_factory.mktemp("contact_report")
    with WorkspaceServices.create(folder / "shop.keyplan", agency_name="Mekong Media") as services:
        owner = services.team.create("Trần Minh Anh", "Account Director")
        writer = services.team.create("김민준", "한국어 카피라이터")
        account = services.accounts.create(
            AccountDraft("Sen Việt E-commerce", currency="VND", owner_id=owner)
        )
        contacts = services.contacts
        huong = contacts.create(
            account, ContactDraft("Nguyễn Thị Hương", title="Giám đốc Marketing")
        )
        dmitry = contacts.create(
            account, ContactDraft("Дмитрий Иванов", title="Директор по закупкам")
        )
        zhang = contacts.create(account, ContactDraft("张伟", title="株式会社 Hoshizora 顾问"))
        starts = datetime(2026, 11, 23, 14, 0, tzinfo=HCM)
        reports = services.contact_reports
        report = reports.create(
            account,
            ReportDraft(
                "Họp tiến độ Tết — Tiếng Việt", starts, starts + timedelta(minutes=90),
                "Asia/Ho_Chi_Minh", place="Văn phòng Sen Việt, Quận 1",
                agenda="1. Ngân sách Tết\n2. KOL miền Bắc",
                discussion="한국어 자료 검토. Дмитрий Иванов hỏi về hợp đồng.",
                decisions="Giữ kịch bản 3 giờ; Mekong Media gửi báo giá trước thứ Sáu.",
                internal_notes=SECRET, next_meeting_on=date(2026, 12, 7),
                next_meeting="Họp trực tuyến qua Zoom, 10:00",
                attendees=(
                    AttendeeRef(contact_id=huong), AttendeeRef(contact_id=dmitry),
                    AttendeeRef(contact_id=zhang), AttendeeRef(team_member_id=owner),
                    AttendeeRef(team_member_id=writer),
                    AttendeeRef(name="Kim Seo-yeon (PayBridge)"),
                ),
            ),
        )  # fmt: skip
        actions = [
            ActionDraft("Gửi báo giá bổ sung", owner_member_id=owner, due_on=date(2026, 11, 25)),
            ActionDraft("Xác nhận danh sách sản phẩm", owner_contact_id=huong, due_on=TODAY),
            ActionDraft("Подписать договор", owner_contact_id=dmitry, due_on=date(2026, 11, 20)),
            ActionDraft("审阅 株式会社 brief", owner_contact_id=zhang, due_on=date(2026, 11, 24)),
        ]
        ids = [reports.add_action(report, action) for action in actions]
        reports.update_action(ids[-1], {"status": "done"}, today=date(2026, 11, 24))
        later = starts + timedelta(days=1)
        bare = reports.create(
            account,
            ReportDraft("Quick call", later, later + timedelta(minutes=15), "Asia/Ho_Chi_Minh",
                        kind="call"),
        )  # fmt: skip
        yield Shop(services, report, bare)


@pytest.fixture(scope="module")
def shop_document(shop: Shop) -> ContactReportDocument:
    return contact_report_document(shop.services, shop.report, today=TODAY)


@pytest.fixture(scope="module")
def shop_pdf(shop_document: ContactReportDocument) -> Read:
    return read(build_contact_report_pdf(shop_document))


def test_the_header_block_names_the_meeting_and_its_time_zone(shop_pdf: Read) -> None:
    text = shop_pdf.flat
    assert "CONTACT REPORT" in text
    assert "Họp tiến độ Tết — Tiếng Việt" in text
    assert "Sen Việt E-commerce" in text
    assert "Kind Meeting" in text
    assert "Date and time Mon 23 Nov 2026, 14:00–15:30 (Asia/Ho_Chi_Minh)" in text
    assert "Place Văn phòng Sen Việt, Quận 1" in text
    assert "Written by Trần Minh Anh" in text
    assert "Project" not in text.split("Attendees")[0]  # no project: no empty line for it


def test_attendees_sit_in_two_columns_with_their_titles(shop_pdf: Read) -> None:
    text = shop_pdf.flat
    # header row: the client's column, then the agency's
    assert "Attendees Sen Việt E-commerce Mekong Media" in text
    # each row has a client person on the left and an agency person on the right
    assert "Nguyễn Thị Hương Giám đốc Marketing Trần Minh Anh Account Director" in text
    assert "Дмитрий Иванов Директор по закупкам 김민준 한국어 카피라이터" in text
    assert "张伟 株式会社 Hoshizora 顾问" in text
    assert "Also present: Kim Seo-yeon (PayBridge)" in text


def test_agenda_discussion_decisions_and_next_meeting(shop_pdf: Read) -> None:
    text = shop_pdf.flat
    assert "Agenda 1. Ngân sách Tết 2. KOL miền Bắc" in text
    assert "Discussion 한국어 자료 검토. Дмитрий Иванов hỏi về hợp đồng." in text
    assert "Decisions Giữ kịch bản 3 giờ; Mekong Media gửi báo giá trước thứ Sáu." in text
    assert "Next meeting Mon 7 Dec 2026: Họp trực tuyến qua Zoom, 10:00" in text


def test_action_items_with_owner_side_due_and_overdue_marked(shop_pdf: Read) -> None:
    text = shop_pdf.flat
    assert "Action items " + " ".join(ACTION_HEADERS) in text
    rows = [
        "1 Gửi báo giá bổ sung Trần Minh Anh Mekong Media 25 Nov 2026 Overdue",
        "2 Xác nhận danh sách sản phẩm Nguyễn Thị Hương Sen Việt E-commerce 30 Nov 2026 Open",
        "3 Подписать договор Дмитрий Иванов Sen Việt E-commerce 20 Nov 2026 Overdue",
        "4 审阅 株式会社 brief 张伟 Sen Việt E-commerce 24 Nov 2026 Done",  # done: not overdue
    ]
    for row in rows:
        assert row in text, row
    assert text.count(OVERDUE) == 2


def test_the_internal_notes_are_nowhere(shop: Shop, shop_pdf: Read) -> None:
    record = shop.services.contact_reports.get(shop.report)
    assert record.internal_notes == SECRET  # the test has something to find
    assert "SECRET-NOTE" not in shop_pdf.text
    assert "SECRET-NOTE" not in raw_text(shop_pdf)
    assert "internal" not in shop_pdf.text.lower()
    assert not any(f.name == "internal_notes" for f in dataclasses.fields(ContactReportDocument))


def test_metadata_footer_and_fonts(shop_pdf: Read) -> None:
    meta = shop_pdf.reader.metadata
    assert meta is not None
    assert meta.title == "Contact report: Họp tiến độ Tết — Tiếng Việt"
    assert meta.author == "Mekong Media"
    assert meta.subject == "Contact report for Sen Việt E-commerce, 2026-11-23"
    assert meta.creator == "Keyplan"
    assert not meta.get("/Keywords")
    assert len(shop_pdf.pages) == 1
    assert "Sen Việt E-commerce · 2026-11-23 · Page 1 of 1" in shop_pdf.flat
    assert "Confidential — prepared by Mekong Media for Sen Việt E-commerce" in shop_pdf.flat
    assert_fonts_embedded_subsets(shop_pdf.reader)
    assert "\x00" not in shop_pdf.text


def test_empty_parts_are_left_out(shop: Shop) -> None:
    document = contact_report_document(shop.services, shop.bare_report, today=TODAY)
    text = read(build_contact_report_pdf(document)).flat
    assert "Quick call" in text and "Kind Call" in text
    assert "Tue 24 Nov 2026, 14:00–14:15 (Asia/Ho_Chi_Minh)" in text
    for heading in ("Attendees", "Agenda", "Discussion", "Decisions", "Action items", "Next"):
        assert heading not in text, heading
    assert "Place" not in text


def test_a_long_action_list_runs_over_pages_with_its_header_on_each(
    shop_document: ContactReportDocument,
) -> None:
    actions = tuple(
        ActionLine(
            f"Action number {i}: " + "chuẩn bị tài liệu " * (i % 4),
            "Nguyễn Thị Hương",
            "client" if i % 2 else "agency",
            date(2026, 12, 1) + timedelta(days=i % 20),
            "open",
            overdue=i % 7 == 0,
        )
        for i in range(1, 121)
    )
    document = dataclasses.replace(shop_document, actions=actions)
    pdf = read(build_contact_report_pdf(document))
    assert len(pdf.pages) >= 3
    header = " ".join(ACTION_HEADERS)
    seen = set()
    for number, page in enumerate(pdf.pages, start=1):
        text = flat(page)
        assert f"Page {number} of {len(pdf.pages)}" in text
        found = set(re.findall(r"Action number (\d+):", text))
        if found:
            assert header in text, f"page {number} has actions but no table header"
        seen |= found
    assert seen == {str(i) for i in range(1, 121)}
    assert pdf.flat.count(OVERDUE) == sum(1 for a in actions if a.overdue)
    assert len(pdf.data) < 1_000_000


def test_meeting_time_names_the_zone_and_a_second_day() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    starts = datetime(2026, 11, 23, 22, 30, tzinfo=tokyo)
    assert meeting_time(starts, starts + timedelta(minutes=45), "Asia/Tokyo") == (
        "Mon 23 Nov 2026, 22:30–23:15 (Asia/Tokyo)"
    )
    assert meeting_time(starts, starts + timedelta(hours=2), "Asia/Tokyo") == (
        "Mon 23 Nov 2026, 22:30 – Tue 24 Nov 2026, 00:30 (Asia/Tokyo)"
    )
    assert meeting_time(starts, starts, "") == "Mon 23 Nov 2026, 22:30 (JST)"


def test_only_a_contact_report_document_is_printed() -> None:
    with pytest.raises(TypeError, match="ContactReportDocument"):
        build_contact_report_pdf("a report")  # type: ignore[arg-type]


# -- the demo reports --------------------------------------------------------------------------


def demo_report(services: WorkspaceServices, account_name: str) -> int:
    account = next(a for a in services.accounts.all() if a.name == account_name)
    reports = sorted(services.contact_reports.for_account(account.id), key=lambda r: r.starts_at)
    return reports[-1].id


@pytest.mark.parametrize(
    ("account", "texts"),
    [
        (
            "Sen Việt E-commerce",
            ["Họp tiến độ Livestream 11.11", "Nguyễn Thị Hương", "Giám đốc Marketing (CMO)",
             "Gửi báo giá bổ sung 2 KOL miền Bắc", "Giữ kịch bản 3 giờ", "(Asia/Ho_Chi_Minh)"],
        ),
        (
            "Aurora Consumer Brands Japan",
            ["楽天スーパーSALE 振り返り", "Aurora Japan 本社 (東京・港区)", "広告配分案の作成",
             "(Asia/Tokyo)", "Kenji Watanabe"],
        ),
        (
            "Северный Дом",
            ["Встреча по программе лояльности", "Дмитрий Иванов", "Подготовить смету для Сибири",
             "(Europe/Moscow)"],
        ),
        ("Hanbit Beauty Mall", ["한국어 메모: PayPay와 LINE Pay를 우선 적용하기로 했습니다."]),
    ],
)  # fmt: skip
def test_demo_reports_in_every_script(
    demo: WorkspaceServices, account: str, texts: list[str]
) -> None:
    document = contact_report_document(demo, demo_report(demo, account), today=DEMO_TODAY)
    pdf = read(build_contact_report_pdf(document))
    for text in texts:
        assert text in pdf.flat, text
    for name, title in document.client_attendees + document.agency_attendees:
        assert flat(name) in pdf.flat and flat(title) in pdf.flat, name
    for action in document.actions:
        assert flat(action.description) in pdf.flat
    assert "□" not in pdf.text  # no missing glyph
    assert_fonts_embedded_subsets(pdf.reader)
    day = document.starts_at.date().isoformat()
    assert f"{document.client_name} · {day} · Page 1 of 1" in pdf.flat
    assert pdf.reader.metadata is not None
    assert pdf.reader.metadata.author == "Harbourline Partners"


# -- through the services ----------------------------------------------------------------------


def test_export_writes_the_report_under_its_suggested_name(shop: Shop, tmp_path: Path) -> None:
    name = contact_report_file_name(shop.services, shop.report)
    assert (
        name == "Sen Việt E-commerce - contact report 2026-11-23 - Họp tiến độ Tết — Tiếng Việt.pdf"
    )
    written = export_contact_report_pdf(shop.services, shop.report, tmp_path / name, today=TODAY)
    assert written == tmp_path / name
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind
    pdf = read(written.read_bytes())
    assert "Nguyễn Thị Hương" in pdf.flat and OVERDUE in pdf.flat
    assert "SECRET-NOTE" not in raw_text(pdf)


def test_file_names_are_safe_and_keep_the_date(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "w.keyplan", agency_name="Lumen") as services:
        starts = datetime(2026, 5, 4, 9, 0, tzinfo=HCM)
        ends = starts + timedelta(hours=1)
        names = []
        for client, title in (('Client: "A/B"', "Review: Q2 <plan>?"), ("Ш" * 200, "Итоги")):
            account = services.accounts.create(AccountDraft(client, currency="USD"))
            report = services.contact_reports.create(
                account, ReportDraft(title, starts, ends, "Asia/Ho_Chi_Minh")
            )
            name = contact_report_file_name(services, report)
            assert name.endswith(".pdf") and "2026-05-04" in name
            assert not set('<>:"/\\|?*') & set(name)
            assert len(name) <= 150 and len(name.encode()) <= 240
            assert export_contact_report_pdf(services, report, tmp_path / name).exists()
            names.append(name)
        assert names[0] == "Client - 'A-B' - contact report 2026-05-04 - Review - Q2 plan.pdf"


def test_an_existing_file_is_kept_unless_replacing_is_allowed(shop: Shop, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"the sent copy")
    with pytest.raises(ExportExistsError):
        export_contact_report_pdf(shop.services, shop.report, target)
    assert target.read_bytes() == b"the sent copy"
    export_contact_report_pdf(shop.services, shop.report, target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF-")
    with pytest.raises(ExportError, match="does not exist"):
        export_contact_report_pdf(shop.services, shop.report, tmp_path / "missing" / "r.pdf")


def test_missing_fonts_are_an_export_error(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyplan.services import exporting

    def missing() -> Any:
        raise FileNotFoundError("The font wqy-microhei.ttc is missing from Keyplan's fonts.")

    monkeypatch.setattr(exporting, "register_fonts", missing)
    with pytest.raises(ExportError, match=r"wqy-microhei\.ttc .* Reinstall Keyplan"):
        export_contact_report_pdf(shop.services, shop.report, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
