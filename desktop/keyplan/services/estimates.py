"""Cost estimates: numbering, revisions, sections and lines, sending, approval, change orders.

Every call is one transaction. A revision (or change order) that is not a
draft is frozen: the service refuses with ``FrozenError`` before writing, and
triggers in the database refuse too. The arithmetic is ``domain.estimates``.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import accounts as rules
from keyplan.domain import estimates as calc
from keyplan.domain.errors import DomainError, FrozenError, NotFoundError, ValidationError
from keyplan.domain.money import Currency, CurrencyMismatchError
from keyplan.services.base import live_account
from keyplan.services.estimate_records import (
    ChangeOrderDocument,
    ChangeOrderSummary,
    EstimateDocument,
    EstimateFilter,
    EstimateSummary,
    LineDraft,
    LineRecord,
    RevisionInfo,
    SectionRecord,
)
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change, DeletedItem
from keyplan.store.models import (
    Account,
    AgencyProfile,
    ChangeOrder,
    Estimate,
    EstimateActual,
    EstimateLine,
    EstimateRevision,
    EstimateSection,
    Project,
)
from keyplan.store.types import utc_now
from keyplan.store.workspace import Workspace

Container = EstimateRevision | ChangeOrder
RowT = TypeVar("RowT")
STATUSES = ("draft", "sent", "approved", "rejected", "superseded")
MONEY_FIELDS = ("unit_price", "unit_cost")
PERCENT_FIELDS = ("markup_percent", "discount_percent", "tax_rate")
LINE_FIELDS = (
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "unit_cost",
    "markup_percent",
    "discount_percent",
    "tax_rate",
    "optional",
    "role",
    "supplier",
)
HEADER_FIELDS = (
    "title",
    "currency",
    "tax_rate",
    "discount_mode",
    "discount_value",
    "discount_tax_rate",
    "contingency_percent",
    "contingency_tax_rate",
    "fee_percent",
    "fee_base",
    "fee_tax_rate",
    "client_notes",
    "internal_notes",
)
REVISION_FIELDS = (*HEADER_FIELDS, "issued_on", "valid_until", "terms")
# a change order is priced in its estimate's currency: it has no currency of its own to edit
CHANGE_ORDER_FIELDS = (*(f for f in HEADER_FIELDS if f != "currency"), "reason")


class BatchValidationError(ValidationError):
    """Several edits were refused together; ``problems`` lists (edit index, field, message)."""

    def __init__(self, problems: Sequence[tuple[int, str, str]]) -> None:
        first = problems[0]
        super().__init__(first[1], f"{len(problems)} value(s) refused; first: {first[2]}")
        self.problems = list(problems)


@dataclass(frozen=True)
class EstimateRef:
    estimate_id: int
    revision_id: int
    number: str
    number_seq: int = 0  # the sequence in the number, kept when a redo re-creates it


@dataclass(frozen=True)
class LineEdit:
    """One change of a batch (a paste): an existing line's fields, or a new line."""

    changes: Mapping[str, Any]
    line_id: int | None = None  # None: a new line in ``section_id`` at ``position``
    section_id: int | None = None
    position: int | None = None


@dataclass(frozen=True)
class BatchResult:
    changes: tuple[tuple[int, Change], ...]  # line id -> change
    created: tuple[int, ...]
    snapshots: tuple[dict[str, Any], ...] = ()  # created lines, for redo with the same ids


@dataclass(frozen=True)
class _Priced:
    fields: dict[str, Any]  # the PricedRecord fields
    totals: calc.Totals
    document: calc.PricedDocument


@dataclass(frozen=True)
class SectionSnapshot:
    section: dict[str, Any]
    lines: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def _row_values(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _account_code(name: str) -> str:
    """Three letters for ``{account}`` in a number pattern: 'Sen Việt' -> 'SEN'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    letters = re.sub(r"[^A-Za-z0-9]", "", ascii_name).upper()
    return (letters or "ACC")[:3]


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"{field}: never a float")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    raise ValidationError(field, "Enter a number.")


def _date(value: Any, field: str, *, optional: bool = True) -> date | None:
    if value is None and optional:
        return None
    if not isinstance(value, date) or not 1990 <= value.year <= 2200:
        raise ValidationError(field, "Enter a date from 1990 on.")
    return value


def _percent(value: Any, field: str) -> Decimal:
    return rules.clean_percent(_decimal(value, field), field)


class EstimateService:
    """Use cases of estimates, their revisions and change orders."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        # Sending, approving and rejecting freeze a document. Only the undo of that very
        # action may thaw it: the action hands out a token the undo must give back.
        self._undo_tokens: dict[str, tuple[str, int]] = {}

    def _issue_token(self, what: str, entity_id: int) -> str:
        token = secrets.token_hex(12)
        self._undo_tokens[token] = (what, entity_id)
        return token

    def _check_token(self, token: str, what: str | tuple[str, ...], entity_id: int) -> None:
        """Refuse unless ``token`` came from that action; the undo spends it when it worked."""
        kinds = (what,) if isinstance(what, str) else what
        issued = self._undo_tokens.get(token)
        if issued is None or issued[0] not in kinds or issued[1] != entity_id:
            raise FrozenError(
                "A sent, approved or rejected estimate stays so: only Edit > Undo right "
                "after the action can take it back."
            )

    # -- loading helpers -------------------------------------------------------------------

    @staticmethod
    def _fetch(session: Session, model: type[RowT], row_id: int, what: str) -> RowT:
        row = session.get(model, row_id)
        if row is None or getattr(row, "deleted_at", None) is not None:
            raise NotFoundError(f"No {what} with id {row_id}.")
        return row

    def _estimate(self, session: Session, estimate_id: int) -> Estimate:
        return self._fetch(session, Estimate, estimate_id, "estimate")

    def _revision(self, session: Session, revision_id: int) -> EstimateRevision:
        return self._fetch(session, EstimateRevision, revision_id, "estimate revision")

    def _change_order(self, session: Session, change_order_id: int) -> ChangeOrder:
        return self._fetch(session, ChangeOrder, change_order_id, "change order")

    def _section(self, session: Session, section_id: int) -> EstimateSection:
        return self._fetch(session, EstimateSection, section_id, "section")

    def _line(self, session: Session, line_id: int) -> EstimateLine:
        return self._fetch(session, EstimateLine, line_id, "estimate line")

    def _container(self, session: Session, section: EstimateSection) -> Container:
        if section.revision_id is not None:
            return self._revision(session, section.revision_id)
        assert section.change_order_id is not None
        return self._change_order(session, section.change_order_id)

    @staticmethod
    def _require_draft(container: Container) -> None:
        if container.status == "draft":
            return
        if isinstance(container, EstimateRevision):
            sent = f" (sent on {container.sent_on.isoformat()})" if container.sent_on else ""
            raise FrozenError(
                f"Revision {container.revision} is {container.status}{sent} and cannot be "
                f"changed. Create revision {container.revision + 1} to make changes."
            )
        raise FrozenError(
            f"Change order {container.sequence} is {container.status} and cannot be changed."
        )

    def _draft_container_of_section(self, session: Session, section: EstimateSection) -> Container:
        container = self._container(session, section)
        self._require_draft(container)
        return container

    @staticmethod
    def _sections_of(session: Session, container: Container) -> list[EstimateSection]:
        column = (
            EstimateSection.revision_id
            if isinstance(container, EstimateRevision)
            else EstimateSection.change_order_id
        )
        return list(
            session.scalars(
                select(EstimateSection)
                .where(column == container.id)
                .order_by(EstimateSection.position, EstimateSection.id)
            ).all()
        )

    @staticmethod
    def _lines_of(session: Session, section_id: int) -> list[EstimateLine]:
        return list(
            session.scalars(
                select(EstimateLine)
                .where(EstimateLine.section_id == section_id)
                .order_by(EstimateLine.position, EstimateLine.id)
            ).all()
        )

    # -- domain conversion -----------------------------------------------------------------

    @staticmethod
    def _domain_line(row: EstimateLine, currency: Currency, section_key: str) -> calc.Line:
        return calc.Line(
            key=row.key,
            section_key=section_key,
            kind=calc.LineKind(row.kind),
            description=row.description,
            quantity=row.quantity,
            unit=row.unit,
            unit_price=from_minor(row.unit_price_minor, currency),
            unit_cost=from_minor(row.unit_cost_minor, currency),
            markup_percent=row.markup_percent,
            discount_percent=row.discount_percent,
            tax_rate=row.tax_rate,
            optional=row.optional,
            role=row.role,
            supplier=row.supplier,
        )

    @staticmethod
    def _adjustments(container: Container, currency: Currency) -> calc.Adjustments:
        mode = calc.DiscountMode(container.discount_mode)
        value = (
            container.discount_percent
            if mode is calc.DiscountMode.PERCENT
            else from_minor(container.discount_amount_minor, currency)
        )
        return calc.Adjustments(
            discount_mode=mode,
            discount_value=value,
            discount_tax_rate=container.discount_tax_rate,
            contingency_percent=container.contingency_percent,
            contingency_tax_rate=container.contingency_tax_rate,
            fee_percent=container.fee_percent,
            fee_base=calc.FeeBase(container.fee_base),
            fee_tax_rate=container.fee_tax_rate,
        )

    def _priced(self, session: Session, container: Container) -> _Priced:
        """The priced content of a container: its record fields, totals and document."""
        currency = Currency.get(container.currency)
        layout = [(s, self._lines_of(session, s.id)) for s in self._sections_of(session, container)]
        document = calc.PricedDocument(
            currency=currency,
            sections=tuple(calc.Section(s.key, s.name) for s, _ in layout),
            lines=tuple(
                self._domain_line(line, currency, s.key) for s, lines in layout for line in lines
            ),
            adjustments=self._adjustments(container, currency),
        )
        totals = calc.compute_totals(document)
        sections = tuple(
            SectionRecord(
                id=s.id,
                key=s.key,
                name=s.name,
                position=s.position,
                lines=tuple(
                    LineRecord(
                        id=line.id,
                        key=line.key,
                        section_id=s.id,
                        position=line.position,
                        kind=line.kind,
                        description=line.description,
                        quantity=line.quantity,
                        unit=line.unit,
                        unit_price=from_minor(line.unit_price_minor, currency),
                        unit_cost=from_minor(line.unit_cost_minor, currency),
                        markup_percent=line.markup_percent,
                        discount_percent=line.discount_percent,
                        tax_rate=line.tax_rate,
                        optional=line.optional,
                        role=line.role,
                        supplier=line.supplier,
                        amount=totals.line_amounts[line.key],
                        cost=totals.internal.line_costs[line.key],
                    )
                    for line in lines
                ),
                subtotal=totals.section_subtotals.get(s.key, Decimal(0)),
                cost=totals.internal.section_costs.get(s.key, Decimal(0)),
            )
            for s, lines in layout
        )
        common = {
            "title": container.title,
            "currency": container.currency,
            "status": container.status,
            "tax_rate": container.tax_rate,
            "adjustments": document.adjustments,
            "client_notes": container.client_notes,
            "internal_notes": container.internal_notes,
            "sent_on": container.sent_on,
            "approved_by": container.approved_by,
            "approved_on": container.approved_on,
            "approval_po": container.approval_po,
            "rejected_on": container.rejected_on,
            "rejection_reason": container.rejection_reason,
            "sections": sections,
            "priced": document,
            "totals": totals,
        }
        return _Priced(common, totals, document)

    def _total_of(self, session: Session, container: Container) -> Decimal:
        return self._priced(session, container).totals.total

    def _contracted_total(self, session: Session, estimate_id: int) -> Decimal | None:
        approved = session.scalars(
            select(EstimateRevision).where(
                EstimateRevision.estimate_id == estimate_id,
                EstimateRevision.status == "approved",
            )
        ).first()
        if approved is None:
            return None
        total = self._total_of(session, approved)
        for order in session.scalars(
            select(ChangeOrder).where(
                ChangeOrder.estimate_id == estimate_id, ChangeOrder.status == "approved"
            )
        ).all():
            if order.currency != approved.currency:  # never add yen to dollars
                raise CurrencyMismatchError(
                    Currency.get(approved.currency), Currency.get(order.currency)
                )
            total += self._total_of(session, order)
        return total

    # -- reading ---------------------------------------------------------------------------

    def document(self, revision_id: int) -> EstimateDocument:
        with self.workspace.reading() as session:
            revision = self._revision(session, revision_id)
            estimate = self._estimate(session, revision.estimate_id)
            account = session.get(Account, estimate.account_id)
            project = session.get(Project, estimate.project_id) if estimate.project_id else None
            profile = session.get(AgencyProfile, 1)
            floor = profile.margin_floor_percent if profile else Decimal(30)
            priced = self._priced(session, revision)
            revisions = session.scalars(
                select(EstimateRevision)
                .where(EstimateRevision.estimate_id == estimate.id)
                .order_by(EstimateRevision.revision)
            ).all()
            orders = session.scalars(
                select(ChangeOrder)
                .where(ChangeOrder.estimate_id == estimate.id)
                .order_by(ChangeOrder.sequence)
            ).all()
            return EstimateDocument(
                **priced.fields,
                estimate_id=estimate.id,
                revision_id=revision.id,
                number=estimate.number,
                revision=revision.revision,
                account_id=estimate.account_id,
                account_name=account.name if account else "",
                project_id=estimate.project_id,
                project_name=project.name if project else "",
                issued_on=revision.issued_on,
                valid_until=revision.valid_until,
                terms=revision.terms,
                revisions=tuple(
                    RevisionInfo(r.id, r.revision, r.status, r.issued_on, r.sent_on)
                    for r in revisions
                ),
                change_orders=tuple(
                    ChangeOrderSummary(
                        o.id,
                        o.sequence,
                        o.title,
                        o.status,
                        self._total_of(session, o),
                        o.approved_on,
                    )
                    for o in orders
                ),
                contracted_total=self._contracted_total(session, estimate.id),
                margin_floor_percent=floor,
                below_margin_floor=calc.is_below_floor(priced.totals, floor),
            )

    def change_order(self, change_order_id: int) -> ChangeOrderDocument:
        with self.workspace.reading() as session:
            order = self._change_order(session, change_order_id)
            estimate = self._estimate(session, order.estimate_id)
            return ChangeOrderDocument(
                **self._priced(session, order).fields,
                change_order_id=order.id,
                estimate_id=estimate.id,
                number=f"{estimate.number}-CO{order.sequence}",
                sequence=order.sequence,
                reason=order.reason,
            )

    def latest_revision_id(self, estimate_id: int) -> int:
        with self.workspace.reading() as session:
            return self._latest(session, estimate_id).id

    @staticmethod
    def _latest(session: Session, estimate_id: int) -> EstimateRevision:
        row = session.scalars(
            select(EstimateRevision)
            .where(EstimateRevision.estimate_id == estimate_id)
            .order_by(EstimateRevision.revision.desc())
        ).first()
        if row is None:
            raise NotFoundError(f"Estimate {estimate_id} has no revision.")
        return row

    def find(self, number: str, revision: int | None = None) -> int:
        """The revision id of estimate ``number`` (its latest revision by default)."""
        with self.workspace.reading() as session:
            estimate = session.scalars(
                select(Estimate).where(Estimate.number == number, Estimate.deleted_at.is_(None))
            ).first()
            if estimate is None:
                raise NotFoundError(f"No estimate numbered {number}.")
            if revision is None:
                return self._latest(session, estimate.id).id
            row = session.scalars(
                select(EstimateRevision).where(
                    EstimateRevision.estimate_id == estimate.id,
                    EstimateRevision.revision == revision,
                )
            ).first()
            if row is None:
                raise NotFoundError(f"Estimate {number} has no revision {revision}.")
            return row.id

    def summaries(self, filters: EstimateFilter | None = None) -> list[EstimateSummary]:
        """The latest revision of every live estimate, newest first, filtered."""
        filters = filters or EstimateFilter()
        with self.workspace.reading() as session:
            latest = (
                select(
                    EstimateRevision.estimate_id,
                    func.max(EstimateRevision.revision).label("revision"),
                )
                .group_by(EstimateRevision.estimate_id)
                .subquery()
            )
            query = (
                select(EstimateRevision, Estimate, Account.name, Project.name)
                .join(
                    latest,
                    (latest.c.estimate_id == EstimateRevision.estimate_id)
                    & (latest.c.revision == EstimateRevision.revision),
                )
                .join(Estimate, Estimate.id == EstimateRevision.estimate_id)
                .join(Account, Account.id == Estimate.account_id)
                .outerjoin(Project, Project.id == Estimate.project_id)
                .where(Estimate.deleted_at.is_(None), Account.deleted_at.is_(None))
                .order_by(EstimateRevision.issued_on.desc(), Estimate.number.desc())
            )
            if filters.statuses:
                query = query.where(EstimateRevision.status.in_(sorted(filters.statuses)))
            if filters.account_id is not None:
                query = query.where(Estimate.account_id == filters.account_id)
            if filters.currency:
                query = query.where(EstimateRevision.currency == filters.currency)
            if filters.issued_from is not None:
                query = query.where(EstimateRevision.issued_on >= filters.issued_from)
            if filters.issued_to is not None:
                query = query.where(EstimateRevision.issued_on <= filters.issued_to)
            summaries = []
            for revision, estimate, account_name, project_name in session.execute(query).all():
                totals = self._priced(session, revision).totals
                summaries.append(
                    EstimateSummary(
                        estimate_id=estimate.id,
                        revision_id=revision.id,
                        number=estimate.number,
                        revision=revision.revision,
                        title=revision.title,
                        account_id=estimate.account_id,
                        account_name=account_name,
                        project_name=project_name or "",
                        currency=revision.currency,
                        status=revision.status,
                        issued_on=revision.issued_on,
                        valid_until=revision.valid_until,
                        totals=totals,
                        contracted_total=self._contracted_total(session, estimate.id),
                    )
                )
            return summaries

    def diff(self, old_revision_id: int, new_revision_id: int) -> calc.EstimateDiff:
        with self.workspace.reading() as session:
            old = self._priced(session, self._revision(session, old_revision_id)).document
            new = self._priced(session, self._revision(session, new_revision_id)).document
        return calc.diff_documents(old, new)

    # -- creating and deleting estimates ---------------------------------------------------

    def create(
        self,
        account_id: int,
        title: str,
        *,
        project_id: int | None = None,
        currency: str = "",
        issued_on: date | None = None,
        tax_rate: Decimal | None = None,
        section_name: str = "Scope",
        estimate_id: int | None = None,
        number: str | None = None,
        number_seq: int = 0,
    ) -> EstimateRef:
        """A new estimate with revision 1 as a draft and one empty section.

        ``estimate_id`` and ``number`` re-create exactly a purged estimate (redo).
        """
        title = rules.clean_name(title, "title")
        issued = _date(issued_on or date.today(), "issued_on", optional=False)
        assert issued is not None
        with self.workspace.transaction() as session:
            account = live_account(session, account_id)
            if project_id is not None:
                project = session.get(Project, project_id)
                gone = project is None or project.deleted_at is not None
                if gone or project is None or project.account_id != account_id:
                    raise ValidationError("project_id", "Choose a project of this account.")
            profile = session.get(AgencyProfile, 1)
            code = rules.clean_currency(currency or account.currency)
            rate = _percent(
                tax_rate if tax_rate is not None else (profile.default_tax_rate if profile else 0),
                "tax_rate",
            )
            if number is None:
                number, year, seq = self._next_number(session, account, issued, profile)
            else:
                year, seq = issued.year, number_seq
            estimate = Estimate(
                id=estimate_id,
                number=number,
                number_year=year,
                number_seq=seq,
                account_id=account_id,
                project_id=project_id,
            )
            session.add(estimate)
            session.flush()
            revision = EstimateRevision(
                estimate_id=estimate.id,
                revision=1,
                issued_on=issued,
                title=title,
                currency=code,
                tax_rate=rate,
                discount_tax_rate=rate,
                contingency_tax_rate=rate,
                fee_tax_rate=rate,
                terms=profile.payment_terms if profile else "",
            )
            session.add(revision)
            session.flush()
            session.add(
                EstimateSection(
                    revision_id=revision.id,
                    key=str(uuid.uuid4()),
                    name=rules.clean_name(section_name, "name"),
                    position=0,
                )
            )
            return EstimateRef(estimate.id, revision.id, number, seq)

    @staticmethod
    def _next_number(
        session: Session, account: Account, issued: date, profile: AgencyProfile | None
    ) -> tuple[str, int, int]:
        pattern = profile.estimate_number_pattern if profile else "KP-{year}-{seq:04}"
        last = session.scalar(
            select(func.max(Estimate.number_seq)).where(Estimate.number_year == issued.year)
        )
        seq = (last or 0) + 1
        code = _account_code(account.name)
        while True:
            number = pattern.format(year=issued.year, seq=seq, account=code)
            taken = session.scalar(select(Estimate.id).where(Estimate.number == number))
            if taken is None:
                return number, issued.year, seq
            seq += 1

    def purge(self, estimate_id: int) -> None:
        """Remove a just-created estimate for good (undo of create): drafts only."""
        with self.workspace.transaction() as session:
            estimate = session.get(Estimate, estimate_id)
            if estimate is None:
                raise NotFoundError(f"No estimate with id {estimate_id}.")
            revisions = session.scalars(
                select(EstimateRevision).where(EstimateRevision.estimate_id == estimate_id)
            ).all()
            if any(r.status != "draft" for r in revisions) or len(revisions) > 1:
                raise DomainError("Only a new, unsent estimate can be removed for good.")
            session.delete(estimate)

    def delete(self, estimate_id: int, *, deletion_id: str | None = None) -> str:
        """Archive an estimate (soft delete); ``restore`` brings it back."""
        with self.workspace.transaction() as session:
            estimate = self._estimate(session, estimate_id)
            estimate.deleted_at = utc_now()
            estimate.deletion_id = deletion_id or str(uuid.uuid4())
            return estimate.deletion_id

    def deleted_items(self) -> list[DeletedItem]:
        """Archived estimates of live accounts, newest first."""
        with self.workspace.reading() as session:
            rows = session.execute(
                select(Estimate, Account.name)
                .join(Account, Account.id == Estimate.account_id)
                .where(Estimate.deleted_at.is_not(None), Account.deleted_at.is_(None))
                .order_by(Estimate.deleted_at.desc())
            ).all()
            items = []
            for estimate, account_name in rows:
                assert estimate.deleted_at is not None
                title = self._latest(session, estimate.id).title
                items.append(
                    DeletedItem(
                        deletion_id=estimate.deletion_id or "",
                        kind="estimate",
                        name=f"{estimate.number} {title}",
                        account_name=account_name,
                        deleted_at=estimate.deleted_at,
                        entity_id=estimate.id,
                    )
                )
            return items

    def restore(self, deletion_id: str) -> list[int]:
        with self.workspace.transaction() as session:
            rows = session.scalars(
                select(Estimate).where(Estimate.deletion_id == deletion_id)
            ).all()
            for row in rows:
                row.deleted_at = None
                row.deletion_id = None
            return [row.id for row in rows]

    # -- header fields (title, dates, adjustments, texts) -------------------------------

    def update_revision(
        self, revision_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        with self.workspace.transaction() as session:
            revision = self._revision(session, revision_id)
            return self._update_header(session, revision, changes, REVISION_FIELDS)

    def update_change_order(
        self, change_order_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            return self._update_header(session, order, changes, CHANGE_ORDER_FIELDS)

    def _update_header(
        self,
        session: Session,
        container: Container,
        changes: Mapping[str, Any],
        allowed: tuple[str, ...],
    ) -> Change:
        if set(changes) - {"internal_notes"}:
            self._require_draft(container)  # internal notes stay editable after sending
        if "currency" in changes and len(changes) > 1:
            raise ValidationError("currency", "Change the currency on its own.")
        old_currency = Currency.get(container.currency)
        currency = Currency.get(rules.clean_currency(changes.get("currency", container.currency)))
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        # the mode first: a discount value is read in the mode it belongs to
        for name, value in sorted(changes.items(), key=lambda item: item[0] != "discount_mode"):
            if name not in allowed:
                raise ValidationError(name, f"{name} cannot be edited here.")
            old = self._header_value(container, name)
            cleaned = self._clean_header(name, value, currency, container)
            if cleaned == old:
                continue
            if name == "discount_mode":  # switching resets the value: undo must bring it back
                before["discount_value"] = self._header_value(container, "discount_value")
                after["discount_value"] = Decimal(0)
            before.setdefault(name, old)
            after[name] = cleaned
            self._set_header(container, name, cleaned, currency)
        if "currency" in after:
            self._rescale(session, container, old_currency, currency)
        if container.discount_mode == "amount" and {"discount_value", "discount_mode"} & set(after):
            subtotal = self._priced(session, container).totals.subtotal
            # with no lines yet the discount may come first; once priced, it must fit
            if subtotal > 0 and from_minor(container.discount_amount_minor, currency) > subtotal:
                raise ValidationError(
                    "discount_value",
                    f"The discount is larger than the subtotal ({subtotal} {currency.code}).",
                )
        if {"discount_mode", "discount_value", "currency"} & set(after):
            calc.validate_adjustments(self._adjustments(container, currency), currency)
        return Change(before, after)

    def _rescale(
        self, session: Session, container: Container, old: Currency, new: Currency
    ) -> None:
        """Keep every amount's value when the currency's minor units change.

        An amount the new currency cannot hold (12.50 in JPY) is refused: the user
        changes those prices first. Nothing is converted at an exchange rate. Costs booked
        as actuals stay in the currency they were booked in, so an estimate with actuals
        keeps its currency.
        """
        booked = session.scalar(
            select(func.count())
            .select_from(EstimateActual)
            .where(EstimateActual.estimate_id == container.estimate_id)
        )
        if booked:
            raise ValidationError(
                "currency",
                f"Actual costs are booked to this estimate in {old.code}: its currency "
                f"stays {old.code}.",
            )
        for section in self._sections_of(session, container):
            for line in self._lines_of(session, section.id):
                for name in MONEY_FIELDS:
                    value = from_minor(getattr(line, f"{name}_minor"), old)
                    try:
                        setattr(line, f"{name}_minor", to_minor(value, new, name))
                    except ValidationError as exc:
                        raise ValidationError(
                            "currency",
                            f"'{line.description or 'A line'}' costs {value} {old.code}: "
                            f"{exc.message} Change such prices first.",
                        ) from exc
                if line.kind == calc.LineKind.THIRD_PARTY:  # the price follows new rounding
                    cost = from_minor(line.unit_cost_minor, new)
                    price = calc.third_party_price(cost, line.markup_percent, new)
                    line.unit_price_minor = to_minor(price, new, "unit_price")
        discount = from_minor(container.discount_amount_minor, old)
        container.discount_amount_minor = to_minor(discount, new, "discount_value")

    @staticmethod
    def _header_value(container: Container, name: str) -> Any:
        if name == "discount_value":
            if container.discount_mode == "amount":
                return from_minor(container.discount_amount_minor, Currency.get(container.currency))
            return container.discount_percent
        return getattr(container, name)

    @staticmethod
    def _clean_header(name: str, value: Any, currency: Currency, container: Container) -> Any:
        if name == "title":
            return rules.clean_name(value, "title")
        if name == "currency":
            return rules.clean_currency(value)
        if name in ("client_notes", "internal_notes", "terms", "reason"):
            return rules.clean_text(value, name)
        if name == "issued_on":
            issued = _date(value, name, optional=False)
            until = getattr(container, "valid_until", None)
            if issued is not None and until is not None and issued > until:
                raise ValidationError(name, "An estimate cannot be issued after it expires.")
            return issued
        if name == "valid_until":
            cleaned = _date(value, name)
            issued = getattr(container, "issued_on", None)
            if cleaned is not None and issued is not None and cleaned < issued:
                raise ValidationError(name, "An estimate cannot expire before it is issued.")
            return cleaned
        if name == "discount_mode":
            return rules.clean_enum(calc.DiscountMode, value, name)
        if name == "fee_base":
            return rules.clean_enum(calc.FeeBase, value, name)
        if name == "discount_value":
            number = _decimal(value, name)
            if container.discount_mode == "amount":
                if number < 0:
                    raise ValidationError(name, "A discount cannot be negative.")
                to_minor(number, currency, name)
                return number
            return _percent(number, name)
        return _percent(value, name)  # the tax rates and percentages

    @staticmethod
    def _set_header(container: Container, name: str, value: Any, currency: Currency) -> None:
        if name == "discount_value":
            if container.discount_mode == "amount":
                container.discount_amount_minor = to_minor(value, currency, name)
            else:
                container.discount_percent = value
        elif name == "discount_mode" and value != container.discount_mode:
            container.discount_mode = value  # switching mode starts from zero
            container.discount_percent = Decimal(0)
            container.discount_amount_minor = 0
        else:
            setattr(container, name, value)

    # -- sections --------------------------------------------------------------------------

    def add_section(
        self,
        name: str,
        *,
        revision_id: int | None = None,
        change_order_id: int | None = None,
        position: int | None = None,
        section_id: int | None = None,
        key: str | None = None,
    ) -> int:
        """Add a section (at the end by default) to a draft revision or change order."""
        name = rules.clean_name(name, "name")
        with self.workspace.transaction() as session:
            container: Container = (
                self._revision(session, revision_id)
                if revision_id is not None
                else self._change_order(session, change_order_id or 0)
            )
            self._require_draft(container)
            sections = self._sections_of(session, container)
            position = len(sections) if position is None else max(0, min(position, len(sections)))
            for section in sections[position:]:
                section.position += 1
            row = EstimateSection(
                id=section_id,
                key=key or str(uuid.uuid4()),
                name=name,
                position=position,
                revision_id=revision_id,
                change_order_id=change_order_id,
            )
            session.add(row)
            session.flush()
            return row.id

    def rename_section(self, section_id: int, name: str) -> Change:
        name = rules.clean_name(name, "name")
        with self.workspace.transaction() as session:
            section = self._section(session, section_id)
            self._draft_container_of_section(session, section)
            if section.name == name:
                return Change({}, {})
            change = Change({"name": section.name}, {"name": name})
            section.name = name
            return change

    def move_section(self, section_id: int, position: int) -> int:
        """Move a section to ``position``; returns its old position (for undo)."""
        with self.workspace.transaction() as session:
            section = self._section(session, section_id)
            container = self._draft_container_of_section(session, section)
            sections = [s for s in self._sections_of(session, container) if s.id != section_id]
            old = section.position
            sections.insert(max(0, min(position, len(sections))), section)
            for index, row in enumerate(sections):
                row.position = index
            return old

    def delete_section(self, section_id: int) -> SectionSnapshot:
        """Remove a section with its lines; the snapshot restores both exactly."""
        with self.workspace.transaction() as session:
            section = self._section(session, section_id)
            container = self._draft_container_of_section(session, section)
            if len(self._sections_of(session, container)) == 1:
                raise ValidationError("section", "An estimate keeps at least one section.")
            snapshot = SectionSnapshot(
                _row_values(section),
                tuple(_row_values(line) for line in self._lines_of(session, section.id)),
            )
            session.delete(section)
            session.flush()
            for index, row in enumerate(self._sections_of(session, container)):
                row.position = index
            return snapshot

    def restore_section(self, snapshot: SectionSnapshot) -> None:
        with self.workspace.transaction() as session:
            values = snapshot.section
            probe = EstimateSection(**values)
            container = self._container(session, probe)
            self._require_draft(container)
            for row in self._sections_of(session, container):
                if row.position >= values["position"]:
                    row.position += 1
            session.add(probe)
            session.flush()
            for line in snapshot.lines:
                session.add(EstimateLine(**line))

    # -- lines -----------------------------------------------------------------------------

    def _validated(self, container: Container, row: EstimateLine, section_key: str) -> EstimateLine:
        currency = Currency.get(container.currency)
        calc.validate_line(
            self._domain_line(row, currency, section_key),
            currency,
            allow_negative_quantity=isinstance(container, ChangeOrder),
        )
        return row

    def _apply_line_changes(
        self, container: Container, row: EstimateLine, changes: Mapping[str, Any], *, exact: bool
    ) -> Change:
        """Set validated fields on ``row``; for third-party lines the price follows cost+markup."""
        currency = Currency.get(container.currency)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        derived = dict(changes)
        kind = derived.get("kind", row.kind)
        pricing = {"kind", "unit_cost", "markup_percent", "unit_price"} & set(derived)
        becomes_third_party = kind == calc.LineKind.THIRD_PARTY and row.kind != kind
        if not exact and becomes_third_party and not {"unit_cost", "markup_percent"} & set(derived):
            # keep the client's price: the markup is what lies between cost and price
            price = from_minor(row.unit_price_minor, currency)
            cost = from_minor(row.unit_cost_minor, currency)
            if cost > 0:
                derived["markup_percent"] = ((price / cost - 1) * 100).quantize(Decimal("0.0001"))
            else:
                derived["unit_cost"], derived["markup_percent"] = price, Decimal(0)
        if not exact and kind == calc.LineKind.THIRD_PARTY and pricing:
            if "unit_price" in derived and not {"unit_cost", "markup_percent"} & set(derived):
                raise ValidationError(
                    "unit_price",
                    "A third-party price follows its net cost and markup: change those instead.",
                )
            cost = _decimal(
                derived.get("unit_cost", from_minor(row.unit_cost_minor, currency)), "unit_cost"
            )
            markup = _decimal(derived.get("markup_percent", row.markup_percent), "markup_percent")
            if cost >= 0:
                derived["unit_price"] = calc.third_party_price(cost, markup, currency)
        for name, value in derived.items():
            if name not in LINE_FIELDS:
                raise ValidationError(name, f"{name} cannot be edited on a line.")
            old = self._line_value(row, name, currency)
            cleaned = self._clean_line_value(name, value, currency)
            if cleaned != old:
                before[name], after[name] = old, cleaned
                if name in MONEY_FIELDS:
                    setattr(row, f"{name}_minor", to_minor(cleaned, currency, name))
                else:
                    setattr(row, name, cleaned)
        return Change(before, after)

    @staticmethod
    def _line_value(row: EstimateLine, name: str, currency: Currency) -> Any:
        if name in MONEY_FIELDS:
            return from_minor(getattr(row, f"{name}_minor"), currency)
        return getattr(row, name)

    @staticmethod
    def _clean_line_value(name: str, value: Any, currency: Currency) -> Any:
        if name == "kind":
            return rules.clean_enum(calc.LineKind, value, "kind")
        if name == "description":
            return rules.clean_text(value, "description", max_length=2000)
        if name in ("unit", "role", "supplier"):
            limit = 20 if name == "unit" else 120
            return rules.clean_line(value, name, max_length=limit)
        if name == "optional":
            if not isinstance(value, bool):
                raise ValidationError(name, "Choose yes or no.")
            return value
        number = _decimal(value, name)
        if name in MONEY_FIELDS:
            to_minor(number, currency, name)  # refuses extra decimals with a clear message
        return number

    def add_line(
        self,
        section_id: int,
        draft: LineDraft,
        *,
        position: int | None = None,
        line_id: int | None = None,
        key: str | None = None,
    ) -> int:
        """Add a line (at the end of the section by default); rates are copied, not linked."""
        with self.workspace.transaction() as session:
            return self._add_line(session, section_id, draft, position, line_id, key)

    def _add_line(
        self,
        session: Session,
        section_id: int,
        draft: LineDraft,
        position: int | None,
        line_id: int | None,
        key: str | None,
    ) -> int:
        section = self._section(session, section_id)
        container = self._draft_container_of_section(session, section)
        lines = self._lines_of(session, section_id)
        position = len(lines) if position is None else max(0, min(position, len(lines)))
        values = dataclasses.asdict(draft)
        if values["tax_rate"] is None:
            values["tax_rate"] = container.tax_rate
        row = EstimateLine(
            id=line_id,
            section_id=section_id,
            key=key or str(uuid.uuid4()),
            position=position,
            kind=calc.LineKind.LABOUR.value,
            quantity=Decimal(1),
            unit_price_minor=0,
            unit_cost_minor=0,
            markup_percent=Decimal(0),
            discount_percent=Decimal(0),
            tax_rate=Decimal(0),
            optional=False,
            description="",
            unit="",
            role="",
            supplier="",
        )
        self._apply_line_changes(container, row, values, exact=False)
        self._validated(container, row, section.key)
        for line in lines[position:]:
            line.position += 1
        session.add(row)
        session.flush()
        return row.id

    def update_line(
        self, line_id: int, changes: Mapping[str, Any], *, exact: bool = False
    ) -> Change:
        with self.workspace.transaction() as session:
            row = self._line(session, line_id)
            section = self._section(session, row.section_id)
            container = self._draft_container_of_section(session, section)
            change = self._apply_line_changes(container, row, changes, exact=exact)
            self._validated(container, row, section.key)
            return change

    def move_line(self, line_id: int, section_id: int, position: int) -> tuple[int, int]:
        """Move a line within or across sections; returns (old section, old position)."""
        with self.workspace.transaction() as session:
            row = self._line(session, line_id)
            old = (row.section_id, row.position)
            source = self._section(session, row.section_id)
            target = self._section(session, section_id)
            container = self._draft_container_of_section(session, source)
            if self._container(session, target) is not container:
                raise ValidationError("section", "A line can only move within its estimate.")
            remaining = [line for line in self._lines_of(session, source.id) if line.id != line_id]
            for index, line in enumerate(remaining):
                line.position = index
            destination = (
                remaining
                if target.id == source.id
                else [line for line in self._lines_of(session, target.id)]
            )
            destination.insert(max(0, min(position, len(destination))), row)
            row.section_id = target.id
            for index, line in enumerate(destination):
                line.position = index
            return old

    def delete_lines(self, line_ids: Iterable[int]) -> tuple[dict[str, Any], ...]:
        """Remove lines; returns snapshots that ``restore_lines`` puts back exactly."""
        with self.workspace.transaction() as session:
            rows = [self._line(session, line_id) for line_id in line_ids]
            touched: set[int] = set()
            for row in rows:
                self._draft_container_of_section(session, self._section(session, row.section_id))
                touched.add(row.section_id)
            snapshots = tuple(_row_values(row) for row in rows)
            for row in rows:
                session.delete(row)
            session.flush()
            for section_id in touched:
                for index, line in enumerate(self._lines_of(session, section_id)):
                    line.position = index
            return snapshots

    def restore_lines(self, snapshots: Iterable[dict[str, Any]]) -> None:
        with self.workspace.transaction() as session:
            self._restore_lines(session, snapshots)

    def _restore_lines(self, session: Session, snapshots: Iterable[dict[str, Any]]) -> None:
        for values in sorted(snapshots, key=lambda v: (v["section_id"], v["position"])):
            section = self._section(session, values["section_id"])
            self._draft_container_of_section(session, section)
            for line in self._lines_of(session, section.id):
                if line.position >= values["position"]:
                    line.position += 1
            session.add(EstimateLine(**values))
            session.flush()

    def purge_line(self, line_id: int) -> None:
        """Remove a just-added line (undo of add)."""
        self.delete_lines([line_id])

    # -- a paste: many edits, all or nothing -----------------------------------------------

    def check_batch(self, edits: Sequence[LineEdit]) -> list[tuple[int, str, str]]:
        """The problems ``apply_batch`` would report; nothing is ever written."""
        try:
            self.apply_batch(edits, _dry_run=True)
        except BatchValidationError as exc:
            return [problem for problem in exc.problems if problem[0] >= 0]
        return []

    def apply_batch(self, edits: Sequence[LineEdit], *, _dry_run: bool = False) -> BatchResult:
        """Apply every edit in one transaction, or none: problems name the edit and field.

        Every edit is tried so that all problems are reported at once; any problem
        rolls the whole transaction back.
        """
        problems: list[tuple[int, str, str]] = []
        changes: list[tuple[int, Change]] = []
        created: list[int] = []
        with self.workspace.transaction() as session:
            for index, edit in enumerate(edits):
                row: EstimateLine | None = None
                try:
                    if edit.line_id is None:
                        if edit.section_id is None:
                            raise ValidationError("section", "A new line needs a section.")
                        draft = LineDraft(**dict(edit.changes))
                        created.append(
                            self._add_line(
                                session, edit.section_id, draft, edit.position, None, None
                            )
                        )
                        continue
                    row = self._line(session, edit.line_id)
                    section = self._section(session, row.section_id)
                    container = self._draft_container_of_section(session, section)
                    change = self._apply_line_changes(container, row, edit.changes, exact=False)
                    self._validated(container, row, section.key)
                    changes.append((edit.line_id, change))
                except ValidationError as exc:
                    problems.append((index, exc.field, exc.message))
                    if row is not None:
                        session.expire(row)  # drop the half-set values of this edit
            if problems or _dry_run:  # raising rolls the transaction back
                raise BatchValidationError(problems or [(-1, "", "dry run")])
            snapshots = tuple(_row_values(self._line(session, line_id)) for line_id in created)
        return BatchResult(tuple(changes), tuple(created), snapshots)

    def revert_batch(self, result: BatchResult) -> None:
        with self.workspace.transaction() as session:
            for line_id, change in reversed(result.changes):
                row = self._line(session, line_id)
                section = self._section(session, row.section_id)
                container = self._draft_container_of_section(session, section)
                self._apply_line_changes(container, row, change.before, exact=True)
            for line_id in result.created:
                session.delete(self._line(session, line_id))
            session.flush()
            for section_id in {v["section_id"] for v in result.snapshots}:
                for index, line in enumerate(self._lines_of(session, section_id)):
                    line.position = index

    def reapply_batch(self, result: BatchResult) -> None:
        with self.workspace.transaction() as session:
            for line_id, change in result.changes:
                row = self._line(session, line_id)
                section = self._section(session, row.section_id)
                container = self._draft_container_of_section(session, section)
                self._apply_line_changes(container, row, change.after, exact=True)
            self._restore_lines(session, result.snapshots)

    # -- sending, revising, approving ------------------------------------------------------

    def _require_lines(self, session: Session, container: Container) -> None:
        if not any(self._lines_of(session, s.id) for s in self._sections_of(session, container)):
            raise ValidationError("lines", "Add at least one line before sending.")

    @staticmethod
    def _not_before(day: date | None, earlier: date | None, field: str, message: str) -> None:
        if day is not None and earlier is not None and day < earlier:
            raise ValidationError(field, message)

    def send(self, revision_id: int, sent_on: date | None = None) -> str:
        """Freeze a draft revision as sent to the client; returns the token ``unsend`` needs."""
        sent = _date(sent_on or date.today(), "sent_on", optional=False)
        with self.workspace.transaction() as session:
            revision = self._revision(session, revision_id)
            self._require_draft(revision)
            self._require_lines(session, revision)
            self._not_before(
                sent, revision.issued_on, "sent_on", "It cannot be sent before it is issued."
            )
            revision.status = "sent"
            revision.sent_on = sent
        return self._issue_token("send", revision_id)

    def unsend(self, revision_id: int, *, token: str) -> None:
        """Undo of ``send`` (with the token it returned): the revision is a draft again."""
        self._check_token(token, "send", revision_id)
        with self.workspace.transaction() as session:
            revision = self._revision(session, revision_id)
            if revision.status != "sent":
                raise DomainError(f"Revision {revision.revision} is {revision.status}, not sent.")
            revision.status = "draft"
            revision.sent_on = None
        self._undo_tokens.pop(token, None)  # spent

    def revise(
        self, estimate_id: int, *, revision_id: int | None = None, issued_on: date | None = None
    ) -> int:
        """Start the next revision as a draft copy of the latest; the latest is superseded.

        ``revision_id`` re-creates a revision with the same id (redo). Line and
        section keys are kept, so revisions can be compared line by line.
        """
        with self.workspace.transaction() as session:
            self._estimate(session, estimate_id)
            latest = self._latest(session, estimate_id)
            if latest.status == "draft":
                raise ValidationError(
                    "status", f"Revision {latest.revision} is still a draft: edit it instead."
                )
            if latest.status == "approved":
                raise ValidationError(
                    "status", "This estimate is approved: record scope changes as a change order."
                )
            copy = EstimateRevision(
                id=revision_id,
                estimate_id=estimate_id,
                revision=latest.revision + 1,
                issued_on=(issued := _date(issued_on or date.today(), "issued_on", optional=False)),
                # the new revision is valid as long as the last one was, from its own date
                valid_until=(
                    issued + (latest.valid_until - latest.issued_on)
                    if latest.valid_until is not None and issued is not None
                    else None
                ),
                terms=latest.terms,
                status="draft",
                **{
                    name: getattr(latest, name)
                    for name in (
                        "title",
                        "currency",
                        "tax_rate",
                        "discount_mode",
                        "discount_percent",
                        "discount_amount_minor",
                        "discount_tax_rate",
                        "contingency_percent",
                        "contingency_tax_rate",
                        "fee_percent",
                        "fee_base",
                        "fee_tax_rate",
                        "client_notes",
                        "internal_notes",
                    )
                },
            )
            session.add(copy)
            session.flush()
            for section in self._sections_of(session, latest):
                new_section = EstimateSection(
                    revision_id=copy.id,
                    key=section.key,
                    name=section.name,
                    position=section.position,
                )
                session.add(new_section)
                session.flush()
                for line in self._lines_of(session, section.id):
                    values = _row_values(line)
                    values.update(id=None, section_id=new_section.id)
                    session.add(EstimateLine(**values))
            latest.status = "superseded"
            session.flush()
            return copy.id

    def unrevise(self, revision_id: int, previous_status: str) -> None:
        """Undo of ``revise``: drop the new draft and give the previous revision its status."""
        if previous_status not in ("sent", "rejected"):  # the only ones revise supersedes
            raise ValidationError("status", f"A revision cannot go back to {previous_status}.")
        with self.workspace.transaction() as session:
            revision = self._revision(session, revision_id)
            self._require_draft(revision)
            previous = session.scalars(
                select(EstimateRevision).where(
                    EstimateRevision.estimate_id == revision.estimate_id,
                    EstimateRevision.revision == revision.revision - 1,
                )
            ).one()
            session.delete(revision)
            session.flush()
            previous.status = previous_status

    def approve(
        self, revision_id: int, approved_by: str, approved_on: date, po_number: str = ""
    ) -> str:
        """Record the client's approval of a sent revision."""
        by = rules.clean_name(approved_by, "approved_by")
        on = _date(approved_on, "approved_on", optional=False)
        po = rules.clean_line(po_number, "approval_po", max_length=60)
        with self.workspace.transaction() as session:
            self._record_approval(self._revision(session, revision_id), "revision", by, on, po)
        return self._issue_token("decision", revision_id)

    def reject(self, revision_id: int, rejected_on: date, reason: str = "") -> str:
        on = _date(rejected_on, "rejected_on", optional=False)
        with self.workspace.transaction() as session:
            self._record_rejection(self._revision(session, revision_id), "revision", on, reason)
        return self._issue_token("decision", revision_id)

    def _record_approval(
        self, container: Container, noun: str, by: str, on: date | None, po: str
    ) -> None:
        """The client's yes on a sent revision or change order (not dated before sending)."""
        if container.status != "sent":
            raise ValidationError("status", f"Only a sent {noun} can be approved.")
        self._not_before(
            on, container.sent_on, "approved_on", "Approval cannot come before sending."
        )
        container.status = "approved"
        container.approved_by, container.approved_on, container.approval_po = by, on, po

    def _record_rejection(
        self, container: Container, noun: str, on: date | None, reason: str
    ) -> None:
        """The client's no on a sent revision or change order (not dated before sending)."""
        if container.status != "sent":
            raise ValidationError("status", f"Only a sent {noun} can be rejected.")
        self._not_before(
            on, container.sent_on, "rejected_on", "It cannot be rejected before it is sent."
        )
        container.status = "rejected"
        container.rejected_on = on
        container.rejection_reason = rules.clean_text(reason, "rejection_reason")

    def reopen_decision(self, revision_id: int, *, token: str) -> None:
        """Undo of ``approve`` or ``reject`` (with its token): back to sent, decision forgotten."""
        self._check_token(token, "decision", revision_id)
        with self.workspace.transaction() as session:
            revision = self._revision(session, revision_id)
            if revision.status not in ("approved", "rejected"):
                raise DomainError(f"Revision {revision.revision} has no decision to undo.")
            if revision.status == "approved" and session.scalar(
                select(func.count())
                .select_from(ChangeOrder)
                .where(ChangeOrder.revision_id == revision.id)
            ):
                raise DomainError("This approval has change orders: remove them first.")
            revision.status = "sent"
            revision.approved_by, revision.approved_on, revision.approval_po = "", None, ""
            revision.rejected_on, revision.rejection_reason = None, ""
        self._undo_tokens.pop(token, None)  # spent

    # -- change orders ---------------------------------------------------------------------

    def create_change_order(
        self, estimate_id: int, title: str, reason: str = "", *, change_order_id: int | None = None
    ) -> int:
        """A draft change order on the approved revision, with one section for its lines."""
        title = rules.clean_name(title, "title")
        with self.workspace.transaction() as session:
            self._estimate(session, estimate_id)
            approved = session.scalars(
                select(EstimateRevision).where(
                    EstimateRevision.estimate_id == estimate_id,
                    EstimateRevision.status == "approved",
                )
            ).first()
            if approved is None:
                raise ValidationError("status", "A change order needs an approved estimate.")
            sequence = (
                session.scalar(
                    select(func.max(ChangeOrder.sequence)).where(
                        ChangeOrder.estimate_id == estimate_id
                    )
                )
                or 0
            ) + 1
            order = ChangeOrder(
                id=change_order_id,
                estimate_id=estimate_id,
                revision_id=approved.id,
                sequence=sequence,
                title=title,
                currency=approved.currency,
                reason=rules.clean_text(reason, "reason"),
                **{
                    name: getattr(approved, name)
                    # a change of scope is priced like the scope: same taxes, contingency, fee
                    for name in (
                        "tax_rate",
                        "discount_tax_rate",
                        "contingency_percent",
                        "contingency_tax_rate",
                        "fee_percent",
                        "fee_base",
                        "fee_tax_rate",
                    )
                },
            )
            session.add(order)
            session.flush()
            session.add(
                EstimateSection(
                    change_order_id=order.id, key=str(uuid.uuid4()), name="Changes", position=0
                )
            )
            return order.id

    def purge_change_order(self, change_order_id: int) -> None:
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            self._require_draft(order)
            session.delete(order)

    def change_orders(self, estimate_id: int) -> list[ChangeOrderSummary]:
        with self.workspace.reading() as session:
            rows = session.scalars(
                select(ChangeOrder)
                .where(ChangeOrder.estimate_id == estimate_id)
                .order_by(ChangeOrder.sequence)
            ).all()
            return [
                ChangeOrderSummary(
                    o.id, o.sequence, o.title, o.status, self._total_of(session, o), o.approved_on
                )
                for o in rows
            ]

    def send_change_order(self, change_order_id: int, sent_on: date | None = None) -> str:
        """Freeze a draft change order as sent; returns the token its undo needs."""
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            self._require_draft(order)
            self._require_lines(session, order)
            order.status = "sent"
            order.sent_on = _date(sent_on or date.today(), "sent_on", optional=False)
        return self._issue_token("change_order_sent", change_order_id)

    def approve_change_order(
        self, change_order_id: int, approved_by: str, approved_on: date, po_number: str = ""
    ) -> str:
        by = rules.clean_name(approved_by, "approved_by")
        on = _date(approved_on, "approved_on", optional=False)
        po = rules.clean_line(po_number, "approval_po", max_length=60)
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            self._record_approval(order, "change order", by, on, po)
        return self._issue_token("change_order_decided", change_order_id)

    def reject_change_order(self, change_order_id: int, rejected_on: date, reason: str = "") -> str:
        """The client declined the change: it never counts in the contracted total."""
        on = _date(rejected_on, "rejected_on", optional=False)
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            self._record_rejection(order, "change order", on, reason)
        return self._issue_token("change_order_decided", change_order_id)

    def reset_change_order(self, change_order_id: int, status: str, *, token: str) -> None:
        """Undo of a change order's send, approval or rejection: put ``status`` back."""
        if status not in ("draft", "sent"):
            raise ValidationError("status", "A change order goes back to draft or sent only.")
        step = "change_order_sent" if status == "draft" else "change_order_decided"
        self._check_token(token, step, change_order_id)
        with self.workspace.transaction() as session:
            order = self._change_order(session, change_order_id)
            expected = {"draft": ("sent",), "sent": ("approved", "rejected")}[status]
            if order.status not in expected:  # one step back only
                raise DomainError(f"Change order {order.sequence} is {order.status}.")
            order.status = status
            order.approved_by, order.approved_on, order.approval_po = "", None, ""
            order.rejected_on, order.rejection_reason = None, ""
            if status == "draft":
                order.sent_on = None
        self._undo_tokens.pop(token, None)  # spent
