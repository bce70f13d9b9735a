"""E-mail draft templates and recipients on a real workspace file."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from keyplan.domain.errors import ValidationError
from keyplan.services.email_drafts import DEFAULT_TEMPLATES, Template
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.workspace import WorkspaceServices


@pytest.fixture
def account(services: WorkspaceServices) -> dict[str, int]:
    owner = services.team.create("Nguyễn Hoàng Minh", "Account Director")
    services.team.update(owner, {"email": "minh@mekong.example"})
    account_id = services.accounts.create(AccountDraft("Sen Việt", currency="VND", owner_id=owner))
    return {
        "account": account_id,
        "huong": services.contacts.create(
            account_id, ContactDraft("Nguyễn Thị Hương", email="huong@senviet.example")
        ),
        "duc": services.contacts.create(
            account_id, ContactDraft("Trần Văn Đức", email="duc@senviet.example")
        ),
        "no_mail": services.contacts.create(account_id, ContactDraft("Lê Minh Khôi")),
    }


def test_templates_default_then_edited_then_back(services: WorkspaceServices) -> None:
    drafts = services.email_drafts
    assert drafts.template("estimate") == DEFAULT_TEMPLATES["estimate"]
    mine = Template("{client} – {title}", "Xin chào {greeting},\n\n{sender}")
    assert drafts.set_template("estimate", mine) is None
    assert drafts.template("estimate") == mine
    assert drafts.set_template("estimate", None) == mine  # what undo puts back
    assert drafts.template("estimate") == DEFAULT_TEMPLATES["estimate"]
    with pytest.raises(ValidationError) as raised:
        drafts.set_template("estimate", Template("  ", "Body"))
    assert raised.value.field == "subject"
    with pytest.raises(ValidationError):
        drafts.template("invoice")


def test_only_contacts_with_an_address_are_offered(
    services: WorkspaceServices, account: dict[str, int]
) -> None:
    offered = services.email_drafts.addresses(account["account"])
    assert [a.name for a in offered] == ["Nguyễn Thị Hương", "Trần Văn Đức"]


def test_a_draft_to_chosen_contacts_from_the_template(
    services: WorkspaceServices, account: dict[str, int], tmp_path: Path
) -> None:
    drafts = services.email_drafts
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 demo")
    draft = drafts.draft(
        "contact_report",
        account["account"],
        [account["huong"]],
        {"title": "Họp tiến độ", "date": "2026-11-23"},
        [report],
    )
    assert draft.subject == "Contact report: Họp tiến độ (2026-11-23)"
    assert draft.body.startswith("Dear Nguyễn Thị Hương,")
    assert "Nguyễn Hoàng Minh\nMekong Media" in draft.body
    assert draft.sender is not None and draft.sender.email == "minh@mekong.example"
    path = drafts.write(draft, tmp_path / "draft.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert str(message["To"]) == "Nguyễn Thị Hương <huong@senviet.example>"
    assert [p.get_filename() for p in message.iter_attachments()] == ["report.pdf"]
    assert message["X-Unsent"] == "1"

    both = drafts.draft("estimate", account["account"], [account["huong"], account["duc"]], {})
    assert both.body.startswith("Dear all,")
    assert "{number}" in both.subject  # a value not given stays visible, never fails


def test_a_draft_needs_recipients_of_the_account(
    services: WorkspaceServices, account: dict[str, int]
) -> None:
    drafts = services.email_drafts
    other = services.accounts.create(AccountDraft("Other", currency="USD"))
    stranger = services.contacts.create(other, ContactDraft("X", email="x@other.example"))
    for contacts in ([], [account["no_mail"]], [stranger]):
        with pytest.raises(ValidationError) as raised:
            drafts.draft("estimate", account["account"], contacts, {})
        assert raised.value.field == "to"
