"""E-mail drafts: an RFC 5322 ``.eml`` message with the exports attached, never sent.

The draft carries ``X-Unsent: 1``, which Outlook, Thunderbird and Apple Mail read as "open in
the composer", so the user reviews it and it waits in the outbox while the laptop is offline.
Nothing here opens a socket: the Message-ID's domain is given (``email.utils.make_msgid`` would
otherwise ask the network for the host name).

Templates use ``{placeholders}`` (``{client}``, ``{title}``, ``{number}``, ``{sender}``,
``{agency}`` …); an unknown placeholder stays as typed, so a user's template never fails.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from keyplan.exports.files import atomic_write

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "EmailDraft",
    "EmailDraftError",
    "Recipient",
    "build_eml",
    "fill_template",
    "write_eml",
]

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
"""The most attachments one draft may carry (the common limit of mail servers)."""
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmailDraftError(ValueError):
    """The draft cannot be made; the message says why."""


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


@dataclass(frozen=True)
class EmailDraft:
    to: tuple[Recipient, ...]
    subject: str
    body: str
    attachments: tuple[Path, ...] = ()
    cc: tuple[Recipient, ...] = ()
    sender: Recipient | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]``; unknown names stay."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), template)


def _address(recipient: Recipient) -> Address:
    email = recipient.email.strip()
    if not _EMAIL.match(email):
        raise EmailDraftError(f"{recipient.name or email}: '{email}' is not an e-mail address.")
    user, _, domain = email.rpartition("@")
    who = recipient.name or email
    if not user.isascii():  # needs SMTPUTF8, which many mail servers still refuse
        raise EmailDraftError(
            f"{who}: '{email}' has letters outside ASCII before the @, which many mail "
            "servers refuse; use the contact's plain address."
        )
    try:  # an international domain (müller.de) travels as its IDNA form (xn--mller-kva.de)
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise EmailDraftError(f"{who}: '{email}' has a domain that is not valid.") from None
    # the display name may be in any script; the header is encoded as RFC 2047 words
    return Address(display_name=" ".join(recipient.name.split()), username=user, domain=domain)


def _addresses(recipients: Sequence[Recipient]) -> list[Address]:
    return [_address(r) for r in recipients]


def build_eml(draft: EmailDraft, *, now: datetime | None = None) -> bytes:
    """The draft as the bytes of an ``.eml`` file (CRLF line ends, UTF-8 text)."""
    if not draft.to:
        raise EmailDraftError("Choose at least one recipient with an e-mail address.")
    message = EmailMessage(policy=SMTP)
    if draft.sender is not None:
        message["From"] = _address(draft.sender)
    message["To"] = _addresses(draft.to)
    if draft.cc:
        message["Cc"] = _addresses(draft.cc)
    message["Subject"] = " ".join(draft.subject.split())
    message["Date"] = format_datetime((now or datetime.now()).astimezone())
    message["Message-ID"] = make_msgid(domain="keyplan.invalid")
    message["X-Unsent"] = "1"
    for name, value in draft.headers.items():
        message[name] = value
    message.set_content(draft.body.replace("\r\n", "\n"), subtype="plain", charset="utf-8")
    total = 0
    for path in draft.attachments:
        data = Path(path).read_bytes()
        total += len(data)
        if total > MAX_ATTACHMENT_BYTES:
            raise EmailDraftError(
                f"The attachments are bigger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB: "
                "most mail servers refuse that."
            )
        kind, _ = mimetypes.guess_type(path.name)
        maintype, _, subtype = (kind or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message.as_bytes()


def write_eml(
    draft: EmailDraft, path: Path, *, overwrite: bool = False, now: datetime | None = None
) -> Path:
    """Write the draft atomically; an existing file is kept unless ``overwrite``."""
    data = build_eml(draft, now=now)

    def write(temp: Path) -> None:
        temp.write_bytes(data)

    return atomic_write(Path(path), write, overwrite=overwrite)
