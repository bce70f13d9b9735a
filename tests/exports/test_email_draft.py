"""The .eml drafts: parsed back with Python's email package, attachments intact, no network."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from keyplan.exports.email_draft import (
    MAX_ATTACHMENT_BYTES,
    EmailDraft,
    EmailDraftError,
    Recipient,
    build_eml,
    fill_template,
    write_eml,
)
from keyplan.exports.files import ExportExistsError

HUONG = Recipient("Nguyễn Thị Hương", "huong@senviet.example")
ZHANG = Recipient("张伟", "zhang.wei@harbourlane.example")
MINH = Recipient("Nguyễn Hoàng Minh", "minh@harbourline.example")


@pytest.fixture
def attachments(tmp_path: Path) -> tuple[Path, Path]:
    pdf = tmp_path / "Sen Việt - status 2026-11.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    xlsx = tmp_path / "HLP-2026-0001 rev1.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    return pdf, xlsx


def _parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_a_draft_parses_back_with_recipients_subject_body_and_attachments(
    attachments: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a draft must never touch the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "getfqdn", no_network)
    draft = EmailDraft(
        to=(HUONG, ZHANG),
        subject="Báo cáo tình hình — 株式会社 · 한국어 · Дмитрий Иванов",
        body="Chào chị Hương,\n\nTiếng Việt, 中文, 日本語, 한국어.\n",
        attachments=attachments,
        sender=MINH,
    )
    message = _parse(build_eml(draft, now=datetime(2026, 11, 25, 9, 30, tzinfo=UTC)))
    assert message["X-Unsent"] == "1"
    assert str(message["To"]) == (
        "Nguyễn Thị Hương <huong@senviet.example>, 张伟 <zhang.wei@harbourlane.example>"
    )
    assert str(message["From"]) == "Nguyễn Hoàng Minh <minh@harbourline.example>"
    assert message["Subject"] == draft.subject
    assert message["Message-ID"].endswith("@keyplan.invalid>")
    assert message["Date"] == "Wed, 25 Nov 2026 09:30:00 +0000"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == draft.body  # CRLF on the wire
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(files) == {path.name for path in attachments}
    pdf, xlsx = attachments
    assert files[pdf.name].get_content_type() == "application/pdf"
    assert files[pdf.name].get_content() == pdf.read_bytes()
    assert files[xlsx.name].get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert files[xlsx.name].get_content() == xlsx.read_bytes()


def test_headers_are_ascii_on_the_wire(attachments: tuple[Path, Path]) -> None:
    data = build_eml(EmailDraft((HUONG,), "Tết 2027", "x", attachments))
    head = data.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # RFC 2047 encoded words, no raw UTF-8 in the header
    assert b"\r\n" in data


@pytest.mark.parametrize(
    "recipients", [(), (Recipient("No mail", ""),), (Recipient("Bad", "not-an-address"),)]
)
def test_a_draft_needs_real_addresses(recipients: tuple[Recipient, ...]) -> None:
    with pytest.raises(EmailDraftError):
        build_eml(EmailDraft(recipients, "Hello", "Body"))


def test_too_big_attachments_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes(b"0" * (MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(EmailDraftError, match="25 MB"):
        build_eml(EmailDraft((HUONG,), "Hello", "Body", (big,)))


def test_write_is_atomic_and_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "draft.eml"
    write_eml(EmailDraft((HUONG,), "One", "Body"), target)
    before = target.read_bytes()
    with pytest.raises(ExportExistsError):
        write_eml(EmailDraft((HUONG,), "Two", "Body"), target)
    assert target.read_bytes() == before
    write_eml(EmailDraft((HUONG,), "Two", "Body"), target, overwrite=True)
    assert _parse(target.read_bytes())["Subject"] == "Two"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.eml"]  # no temporary file left


def test_templates_fill_known_placeholders_and_keep_unknown_ones() -> None:
    text = fill_template("{client}: {title} ({date}) {unknown} {{x}}", {"client": "Sen Việt",
                         "title": "QBR", "date": "2026-11-25"})  # fmt: skip
    assert text == "Sen Việt: QBR (2026-11-25) {unknown} {{x}}"


def test_international_domains_travel_as_idna_and_local_parts_must_be_ascii() -> None:
    data = build_eml(EmailDraft((Recipient("Jörg Müller", "joerg@müller.de"),), "Hallo", "x"))
    message = _parse(data)
    assert message["To"].addresses[0].addr_spec == "joerg@xn--mller-kva.de"
    assert b"=?utf-8?q?m=C3=BCller?=" not in data
    with pytest.raises(EmailDraftError, match="outside ASCII"):
        build_eml(EmailDraft((Recipient("José", "josé@example.com"),), "Hola", "x"))
