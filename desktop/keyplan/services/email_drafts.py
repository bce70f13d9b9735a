"""E-mail drafts that send a document to the client: recipients, templates, the .eml file.

The agency keeps one subject and body template per kind of document (``estimate``,
``contact_report``, ``status_report``), editable on the Agency profile page; until it edits one,
the default below is used. A draft is made for an account: its contacts with an e-mail address
are the recipients to choose from; the account owner (a team member) is the sender.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.exports.email_draft import EmailDraft, Recipient, fill_template, write_eml
from keyplan.services.base import live_account
from keyplan.store.models import Account, AgencyProfile, Contact, EmailTemplate, TeamMember

__all__ = [
    "DEFAULT_TEMPLATES",
    "KINDS",
    "ContactAddress",
    "EmailDraftService",
    "Template",
]

KINDS = ("estimate", "contact_report", "status_report")


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


DEFAULT_TEMPLATES: Mapping[str, Template] = {
    "estimate": Template(
        "{agency}: estimate {number} rev {revision} – {title}",
        "Dear {greeting},\n\n"
        "Please find attached our estimate {number} (revision {revision}) for {title}, "
        "valid until {valid_until}.\n\n"
        "I am happy to walk you through it.\n\n"
        "Best regards,\n{sender}\n{agency}",
    ),
    "contact_report": Template(
        "Contact report: {title} ({date})",
        "Dear {greeting},\n\n"
        "Thank you for your time on {date}. Attached is our contact report with the decisions "
        "and the actions agreed. Please let me know by reply if anything should be corrected.\n\n"
        "Best regards,\n{sender}\n{agency}",
    ),
    "status_report": Template(
        "{client}: status report {period}",
        "Dear {greeting},\n\n"
        "Attached is the status report for {period}.\n\n"
        "Best regards,\n{sender}\n{agency}",
    ),
}


@dataclass(frozen=True)
class ContactAddress:
    """A contact of the account who can receive the draft."""

    contact_id: int
    name: str
    title: str
    email: str


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValidationError("kind", f"There is no e-mail template for '{value}'.")
    return value


class EmailDraftService:
    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace

    # -- templates -----------------------------------------------------------------------------

    def template(self, kind: str) -> Template:
        with self.workspace.reading() as session:
            row = session.get(EmailTemplate, _kind(kind))
            return Template(row.subject, row.body) if row else DEFAULT_TEMPLATES[kind]

    def set_template(self, kind: str, template: Template | None) -> Template | None:
        """Save the agency's template (None: back to the default); returns the one before
        (None when it was the default), for undo."""
        with self.workspace.transaction() as session:
            row = session.get(EmailTemplate, _kind(kind))
            before = Template(row.subject, row.body) if row else None
            if template is None:
                if row is not None:
                    session.delete(row)
                return before
            subject = rules.clean_line(template.subject, "subject", max_length=300)
            if not subject:
                raise ValidationError("subject", "Give the e-mail a subject.")
            body = rules.clean_text(template.body, "body", max_length=20_000)
            if row is None:
                session.add(EmailTemplate(kind=kind, subject=subject, body=body))
            else:
                row.subject, row.body = subject, body
            return before

    # -- recipients ----------------------------------------------------------------------------

    def addresses(self, account_id: int) -> list[ContactAddress]:
        """The account's contacts that have an e-mail address, by name."""
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(Contact)
                .where(
                    Contact.account_id == account_id,
                    Contact.deleted_at.is_(None),
                    Contact.email != "",
                )
                .order_by(Contact.name)
            ).all()
            return [ContactAddress(r.id, r.name, r.title, r.email) for r in rows]

    def _sender(self, session: Any, account: Account) -> Recipient | None:
        member = session.get(TeamMember, account.owner_id) if account.owner_id else None
        if member is None or not member.email:
            return None
        return Recipient(member.name, member.email)

    # -- drafts --------------------------------------------------------------------------------

    def draft(
        self,
        kind: str,
        account_id: int,
        contact_ids: Iterable[int],
        values: Mapping[str, str],
        attachments: Sequence[Path] = (),
    ) -> EmailDraft:
        """A draft to the chosen contacts of the account, its text from the kind's template.

        ``values`` fill the template's placeholders; ``client``, ``agency``, ``sender`` and
        ``greeting`` (the first recipient's name, or "all") are added here.
        """
        template = self.template(kind)
        wanted = list(contact_ids)
        with self.workspace.reading() as session:
            account = live_account(session, account_id)
            by_id = {a.contact_id: a for a in self.addresses(account_id)}
            missing = [contact_id for contact_id in wanted if contact_id not in by_id]
            if missing:
                raise ValidationError(
                    "to", "Choose contacts of this account that have an e-mail address."
                )
            recipients = tuple(Recipient(by_id[c].name, by_id[c].email) for c in wanted)
            sender = self._sender(session, account)
            profile = session.get(AgencyProfile, 1)
            agency = profile.name if profile else ""
            client = account.name
        if not recipients:
            raise ValidationError("to", "Choose at least one contact to send it to.")
        filled = {
            "client": client,
            "agency": agency,
            "sender": sender.name if sender else agency,
            "greeting": recipients[0].name if len(recipients) == 1 else "all",
            **values,
        }
        return EmailDraft(
            to=recipients,
            subject=fill_template(template.subject, filled),
            body=fill_template(template.body, filled),
            attachments=tuple(attachments),
            sender=sender,
        )

    @staticmethod
    def write(
        draft: EmailDraft, path: Path, *, overwrite: bool = False, now: datetime | None = None
    ) -> Path:
        return write_eml(draft, path, overwrite=overwrite, now=now)
