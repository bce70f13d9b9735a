"""Actual cost and hours per estimate line or section, and estimate-versus-actual variance.

Actuals belong to an estimate and name a line or a section by its key, which every revision and
change order keeps, so booked cost follows its line through later revisions. The *baseline*
they are compared with is the contract: the approved revision (before approval, the latest
revision) plus the approved change orders (see :mod:`keyplan.domain.actuals`).

Entries are added one by one in the app (undo purges them again) or imported from a finance
file (:mod:`keyplan.services.actuals_import`); deleting one is a soft delete that Undo or
Deleted items restores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from keyplan.domain import actuals as calc
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.estimates import line_refs
from keyplan.domain.money import Currency, CurrencyMismatchError
from keyplan.services.base import EntityService
from keyplan.services.estimate_records import EstimateDocument
from keyplan.services.estimates import EstimateService
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.services.records import Change, DeletedItem
from keyplan.store.models import (
    Account,
    AgencyProfile,
    Estimate,
    EstimateActual,
    EstimateRevision,
)

__all__ = [
    "ActualDraft",
    "ActualRecord",
    "ActualTarget",
    "ActualsService",
    "ProjectVariance",
    "VarianceReport",
]

EDITABLE = ("entry_date", "hours", "cost", "description", "reference", "target")


@dataclass(frozen=True)
class ActualTarget:
    """Something an actual can be booked to: a line ("2.3") or a whole section ("2")."""

    ref: str
    label: str  # the line's description or the section's name
    part: str  # "Revision 2", "Change order 1"
    line_key: str | None
    section_key: str

    @property
    def is_section(self) -> bool:
        return self.line_key is None


@dataclass(frozen=True)
class ActualDraft:
    entry_date: date
    cost: Decimal
    hours: Decimal | None = None
    line_key: str | None = None
    section_key: str | None = None
    description: str = ""
    reference: str = ""
    source: str = ""


@dataclass(frozen=True)
class ActualRecord:
    id: int
    estimate_id: int
    line_key: str | None
    section_key: str | None
    ref: str  # "" when its line or section is no longer in the estimate
    target_label: str
    entry_date: date
    hours: Decimal | None
    cost: Decimal
    description: str
    reference: str
    source: str
    batch: str | None


@dataclass(frozen=True)
class VarianceReport:
    """Everything the actuals window, the CLI and the exports show for one estimate."""

    estimate_id: int
    number: str
    title: str
    account_name: str
    currency: str
    basis: str  # "Revision 2 (approved) + change order 1"
    approved: bool
    targets: tuple[ActualTarget, ...]
    variance: calc.EstimateVariance

    def target(self, ref: str) -> ActualTarget:
        for target in self.targets:
            if target.ref == ref:
                return target
        raise KeyError(ref)


@dataclass(frozen=True)
class ProjectVariance:
    """One currency's estimate-versus-actual of a project's estimates."""

    currency: str
    estimates: int
    figures: calc.VarianceFigures
    contracted_net: Decimal


@dataclass(frozen=True)
class _Baseline:
    document: EstimateDocument
    parts: tuple[calc.BaselinePart, ...]
    targets: tuple[ActualTarget, ...]
    basis: str
    approved: bool


def _status_text(status: str) -> str:
    return {"approved": "approved", "sent": "sent", "draft": "draft"}.get(status, status)


class ActualsService(EntityService[EstimateActual]):
    """Use cases of actuals; one transaction per call."""

    model = EstimateActual
    label = "actual"
    deleted_kind = "actual"

    def __init__(self, workspace: Any, estimates: EstimateService) -> None:
        super().__init__(workspace)
        self.estimates = estimates

    # -- the baseline ----------------------------------------------------------------------

    def _baseline(self, estimate_id: int) -> _Baseline:
        latest = self.estimates.document(self.estimates.latest_revision_id(estimate_id))
        approved = next((r for r in latest.revisions if r.status == "approved"), None)
        document = (
            latest
            if approved is None or approved.id == latest.revision_id
            else self.estimates.document(approved.id)
        )
        revision_label = f"Revision {document.revision}"
        parts = [calc.BaselinePart(revision_label, document.priced)]
        basis = [f"{revision_label} ({_status_text(document.status)})"]
        for order in document.change_orders:
            if order.status != "approved":
                continue
            change = self.estimates.change_order(order.id)
            if change.currency != document.currency:  # never add yen to dollars
                raise CurrencyMismatchError(
                    Currency.get(document.currency), Currency.get(change.currency)
                )
            label = f"Change order {order.sequence}"
            parts.append(calc.BaselinePart(label, change.priced, f"CO{order.sequence}-"))
            basis.append(label.lower())
        targets: list[ActualTarget] = []
        for part in parts:
            refs = line_refs(part.document, part.ref_prefix)
            for number, section in enumerate(part.document.sections, 1):
                targets.append(
                    ActualTarget(
                        f"{part.ref_prefix}{number}", section.name, part.label, None, section.key
                    )
                )
                targets.extend(
                    ActualTarget(
                        refs[line.key], line.description, part.label, line.key, section.key
                    )
                    for line in part.document.lines
                    if line.section_key == section.key
                )
        return _Baseline(
            document,
            tuple(parts),
            tuple(targets),
            " + ".join(basis),
            approved is not None,
        )

    def targets(self, estimate_id: int) -> tuple[ActualTarget, ...]:
        return self._baseline(estimate_id).targets

    def _hours_per_day(self, session: Session) -> Decimal:
        profile = session.get(AgencyProfile, 1)
        return profile.hours_per_day if profile is not None else Decimal(8)

    def variance(self, estimate_id: int) -> VarianceReport:
        baseline = self._baseline(estimate_id)
        document = baseline.document
        currency = Currency.get(document.currency)
        with self.workspace.reading() as session:
            hours_per_day = self._hours_per_day(session)
            entries = [
                calc.ActualEntry(
                    from_minor(row.cost_minor, currency), row.hours, row.line_key, row.section_key
                )
                for row in self._rows(session, estimate_id)
            ]
        return VarianceReport(
            estimate_id=estimate_id,
            number=document.number,
            title=document.title,
            account_name=document.account_name,
            currency=document.currency,
            basis=baseline.basis,
            approved=baseline.approved,
            targets=baseline.targets,
            variance=calc.compute_variance(baseline.parts, entries, hours_per_day=hours_per_day),
        )

    def project_variance(self, project_id: int) -> list[ProjectVariance]:
        """Per currency: the project's contracted estimates compared with their actuals.

        An estimate counts once the client approved it, or as soon as costs are booked to it
        (work started before the approval): a draft, sent or rejected estimate without costs
        is no contract and is left out.
        """
        with self.workspace.reading() as session:
            estimate_ids = session.scalars(
                select(Estimate.id)
                .where(Estimate.project_id == project_id, Estimate.deleted_at.is_(None))
                .order_by(Estimate.id)
            ).all()
        variances = []
        for estimate_id in estimate_ids:
            report = self.variance(estimate_id)
            if report.approved or self.count(estimate_id):
                variances.append(report.variance)
        counts: dict[str, int] = {}
        for variance in variances:
            counts[variance.currency.code] = counts.get(variance.currency.code, 0) + 1
        return [
            ProjectVariance(code, counts[code], figures, net)
            for code, (figures, net) in sorted(calc.combine(variances).items())
        ]

    # -- reading entries -------------------------------------------------------------------

    @staticmethod
    def _rows(session: Session, estimate_id: int) -> Sequence[EstimateActual]:
        return session.scalars(
            select(EstimateActual)
            .where(EstimateActual.estimate_id == estimate_id, EstimateActual.deleted_at.is_(None))
            .order_by(EstimateActual.entry_date, EstimateActual.id)
        ).all()

    def count(self, estimate_id: int) -> int:
        """How many actuals are booked to the estimate (cheap: no baseline is priced)."""
        with self.workspace.reading() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(EstimateActual)
                    .where(
                        EstimateActual.estimate_id == estimate_id,
                        EstimateActual.deleted_at.is_(None),
                    )
                )
                or 0
            )

    def entries(self, estimate_id: int) -> list[ActualRecord]:
        baseline = self._baseline(estimate_id)
        currency = Currency.get(baseline.document.currency)
        by_line: dict[str | None, ActualTarget] = {
            t.line_key: t for t in baseline.targets if t.line_key is not None
        }
        by_section: dict[str | None, ActualTarget] = {
            t.section_key: t for t in baseline.targets if t.line_key is None
        }
        with self.workspace.reading() as session:
            rows = self._rows(session, estimate_id)
            return [self._record(row, currency, by_line, by_section) for row in rows]

    @staticmethod
    def _record(
        row: EstimateActual,
        currency: Currency,
        by_line: Mapping[str | None, ActualTarget],
        by_section: Mapping[str | None, ActualTarget],
    ) -> ActualRecord:
        target = by_line.get(row.line_key) if row.line_key else by_section.get(row.section_key)
        return ActualRecord(
            id=row.id,
            estimate_id=row.estimate_id,
            line_key=row.line_key,
            section_key=row.section_key,
            ref=target.ref if target else "",
            target_label=target.label if target else "",
            entry_date=row.entry_date,
            hours=row.hours,
            cost=from_minor(row.cost_minor, currency),
            description=row.description,
            reference=row.reference,
            source=row.source,
            batch=row.batch,
        )

    def get(self, actual_id: int) -> ActualRecord:
        with self.workspace.reading() as session:
            estimate_id = self._get(session, actual_id).estimate_id
        for record in self.entries(estimate_id):
            if record.id == actual_id:
                return record
        raise NotFoundError(f"No actual with id {actual_id}.")  # pragma: no cover - raced

    # -- writing ---------------------------------------------------------------------------

    def _currency(self, session: Session, estimate_id: int) -> Currency:
        estimate = session.get(Estimate, estimate_id)
        if estimate is None or estimate.deleted_at is not None:
            raise NotFoundError(f"No estimate with id {estimate_id}.")
        code = session.scalars(
            select(EstimateRevision.currency)
            .where(EstimateRevision.estimate_id == estimate_id)
            .order_by(EstimateRevision.revision.desc())
        ).first()
        return Currency.get(code or "USD")

    @staticmethod
    def _check_target(
        targets: Iterable[ActualTarget], line_key: str | None, section_key: str | None
    ) -> tuple[str | None, str]:
        """The (line key, section key) to store; refuses a target not in the baseline."""
        for target in targets:
            if line_key is not None and target.line_key == line_key:
                return line_key, target.section_key
            if line_key is None and target.is_section and target.section_key == section_key:
                return None, target.section_key
        raise ValidationError(
            "target", "Choose a line or section of the estimate to book the actual to."
        )

    @staticmethod
    def _clean_draft(draft: ActualDraft, currency: Currency) -> ActualDraft:
        description = draft.description.strip()
        reference = " ".join(draft.reference.split())
        calc.validate_actual(
            cost=draft.cost,
            hours=draft.hours,
            currency=currency,
            entry_date=draft.entry_date,
            description=description,
            reference=reference,
        )
        return ActualDraft(
            entry_date=draft.entry_date,
            cost=draft.cost,
            hours=draft.hours,
            line_key=draft.line_key,
            section_key=draft.section_key,
            description=description,
            reference=reference,
            source=draft.source.strip()[:200],
        )

    def add(self, estimate_id: int, draft: ActualDraft, *, actual_id: int | None = None) -> int:
        """Book one actual; ``actual_id`` re-creates a purged one with its id (redo)."""
        ids = self.add_many(estimate_id, [draft], ids=None if actual_id is None else [actual_id])
        return ids[0]

    def add_many(
        self,
        estimate_id: int,
        drafts: Sequence[ActualDraft],
        *,
        batch: str | None = None,
        ids: Sequence[int] | None = None,
    ) -> list[int]:
        """Book several actuals in one transaction: all or none."""
        targets = self._baseline(estimate_id).targets
        with self.workspace.transaction() as session:
            currency = self._currency(session, estimate_id)
            rows: list[EstimateActual] = []
            for index, draft in enumerate(drafts):
                clean = self._clean_draft(draft, currency)
                line_key, section_key = self._check_target(
                    targets, clean.line_key, clean.section_key
                )
                row = EstimateActual(
                    id=ids[index] if ids is not None else None,
                    estimate_id=estimate_id,
                    line_key=line_key,
                    section_key=section_key,
                    entry_date=clean.entry_date,
                    hours=clean.hours,
                    cost_minor=to_minor(clean.cost, currency, "cost"),
                    description=clean.description,
                    reference=clean.reference,
                    source=clean.source,
                    batch=batch,
                )
                session.add(row)
                rows.append(row)
            session.flush()
            return [row.id for row in rows]

    def purge(self, actual_ids: Iterable[int]) -> None:
        """Remove actuals for good: the undo of adding or importing them."""
        with self.workspace.transaction() as session:
            for actual_id in actual_ids:
                row = session.get(EstimateActual, actual_id)
                if row is not None:
                    session.delete(row)

    def update(self, entity_id: int, changes: Mapping[str, Any], *, exact: bool = False) -> Change:
        """Edit fields of an actual: entry_date, hours, cost, description, reference, or
        target (a ``(line_key, section_key)`` pair). Returns the change for undo."""
        for name in changes:
            if name not in EDITABLE:
                raise ValidationError(name, f"{name} cannot be edited on an actual.")
        with self.workspace.reading() as session:
            estimate_id = self._get(session, entity_id).estimate_id
        current = self.get(entity_id)
        values: dict[str, Any] = {
            "entry_date": current.entry_date,
            "hours": current.hours,
            "cost": current.cost,
            "description": current.description,
            "reference": current.reference,
            "target": (current.line_key, current.section_key),
        }
        before = {name: values[name] for name in changes}
        values.update(changes)
        line_key, section_key = values["target"]
        draft = ActualDraft(
            entry_date=values["entry_date"],
            cost=values["cost"],
            hours=values["hours"],
            line_key=line_key,
            section_key=section_key,
            description=values["description"],
            reference=values["reference"],
        )
        targets = self._baseline(estimate_id).targets if "target" in changes else ()
        with self.workspace.transaction() as session:
            row = self._get(session, entity_id)
            currency = self._currency(session, estimate_id)
            clean = self._clean_draft(draft, currency)
            if "target" in changes:
                row.line_key, row.section_key = self._check_target(
                    targets, clean.line_key, clean.section_key
                )
            row.entry_date = clean.entry_date
            row.hours = clean.hours
            row.cost_minor = to_minor(clean.cost, currency, "cost")
            row.description = clean.description
            row.reference = clean.reference
            stored = {
                "entry_date": clean.entry_date,
                "hours": clean.hours,
                "cost": clean.cost,
                "description": clean.description,
                "reference": clean.reference,
                "target": (row.line_key, row.section_key),
            }
        after = {name: stored[name] for name in changes}
        changed = {name for name in changes if before[name] != after[name]}
        return Change(
            {name: before[name] for name in changed}, {name: after[name] for name in changed}
        )

    def deleted_name(self, row: Any) -> str:
        return f"Actual of {row.entry_date.isoformat()}" + (
            f" ({row.reference})" if row.reference else ""
        )

    def deleted_items(self) -> list[DeletedItem]:
        """Deleted actuals of live estimates, newest first, with their account."""
        with self.workspace.reading() as session:
            rows = session.execute(
                select(EstimateActual, Account.name, Estimate.number)
                .join(Estimate, Estimate.id == EstimateActual.estimate_id)
                .join(Account, Account.id == Estimate.account_id)
                .where(
                    EstimateActual.deleted_at.is_not(None),
                    Estimate.deleted_at.is_(None),
                    Account.deleted_at.is_(None),
                )
                .order_by(EstimateActual.deleted_at.desc())
            ).all()
            return [
                DeletedItem(
                    deletion_id=row.deletion_id or "",
                    kind=self.deleted_kind,
                    name=f"{self.deleted_name(row)}, {number}",
                    account_name=account_name,
                    deleted_at=row.deleted_at or datetime.min,
                    entity_id=row.id,
                )
                for row, account_name, number in rows
            ]

    def delete_many(self, actual_ids: Iterable[int], *, deletion_id: str | None = None) -> str:
        """Soft delete several actuals under one deletion id (restore brings them back)."""
        with self.workspace.transaction() as session:
            rows = [self._get(session, actual_id) for actual_id in actual_ids]
            return self.soft_delete(session, rows, deletion_id)
