"""The entry point for the UI and the CLI: open a workspace, get its services.

``ui`` and ``cli`` never see an SQLAlchemy session; they hold a
``WorkspaceServices`` and call use cases on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from keyplan.domain.accounts import clean_name
from keyplan.services.accounts import AccountService
from keyplan.services.actuals import ActualsService
from keyplan.services.agency import AgencyService, TeamService
from keyplan.services.base import EntityService
from keyplan.services.contact_reports import ContactReportService
from keyplan.services.contacts import ContactService
from keyplan.services.email_drafts import EmailDraftService
from keyplan.services.estimates import EstimateService
from keyplan.services.forecast import ExchangeRateService, ForecastService
from keyplan.services.jbp import JbpService
from keyplan.services.notes import NoteService
from keyplan.services.opportunities import OpportunityService
from keyplan.services.plans import PlanService
from keyplan.services.portfolio import PortfolioService
from keyplan.services.projects import ProjectService
from keyplan.services.rate_cards import RateCardService
from keyplan.services.records import DeletedItem, WorkspaceInfo
from keyplan.services.relationships import RelationshipService
from keyplan.store import errors
from keyplan.store.models import (
    Account,
    Contact,
    Estimate,
    Note,
    Project,
    RateCard,
    TeamMember,
)
from keyplan.store.workspace import SUFFIX, Workspace

# Re-exported so the layers above catch workspace errors without importing store.
WorkspaceError = errors.WorkspaceError
WorkspaceLockedError = errors.WorkspaceLockedError
WorkspaceExistsError = errors.WorkspaceExistsError
WORKSPACE_SUFFIX = SUFFIX


class WorkspaceServices:
    """All use cases of one open workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.agency = AgencyService(workspace)
        self.team = TeamService(workspace)
        self.accounts = AccountService(workspace)
        self.contacts = ContactService(workspace)
        self.relationships = RelationshipService(workspace)
        self.notes = NoteService(workspace)
        self.contact_reports = ContactReportService(workspace)
        self.email_drafts = EmailDraftService(workspace)
        self.opportunities = OpportunityService(workspace)
        self.rate_cards = RateCardService(workspace)
        self.projects = ProjectService(workspace)
        self.estimates = EstimateService(workspace)
        self.actuals = ActualsService(workspace, self.estimates)
        self.plans = PlanService(workspace)
        self.jbp = JbpService(workspace)
        self.forecast = ForecastService(workspace)
        self.exchange_rates = ExchangeRateService(workspace)
        self.portfolio = PortfolioService(self)  # reads across the services above

    @classmethod
    def open(
        cls, path: Path | str, *, backup_dir: Path | None = None, read_only: bool = False
    ) -> WorkspaceServices:
        """Open for writing (locked), or ``read_only`` beside a running app (no lock)."""
        return cls(Workspace.open(path, backup_dir=backup_dir, read_only=read_only))

    @classmethod
    def create(cls, path: Path | str, *, agency_name: str = "") -> WorkspaceServices:
        name = clean_name(agency_name) if agency_name else "My agency"  # before any file exists
        services = cls(Workspace.create(path))
        try:
            services.agency.update({"name": name})
        except BaseException:
            services.close()
            raise
        return services

    @property
    def path(self) -> Path:
        return self.workspace.path

    @property
    def migrated_from(self) -> str | None:
        """The schema revision the file had before this open upgraded it, if it did."""
        return self.workspace.migrated_from

    @property
    def backup_path(self) -> Path | None:
        """Where the file was copied before an upgrade."""
        return self.workspace.backup_path

    def close(self) -> None:
        self.workspace.close()

    def __enter__(self) -> WorkspaceServices:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def save_copy(self, destination: Path | str) -> Path:
        return self.workspace.save_copy(destination)

    def info(self) -> WorkspaceInfo:
        """Schema version and how many of each entity there are, live and deleted.

        Contacts and notes of a deleted account count as deleted: they are out
        of sight until the account is restored.
        """
        counts: dict[str, int] = {}
        live_accounts = select(Account.id).where(Account.deleted_at.is_(None))
        with self.workspace.reading() as session:

            def count(model: type[Any], condition: Any) -> int:
                return session.scalar(select(func.count()).select_from(model).where(condition)) or 0

            top_level: tuple[tuple[str, type[Any]], ...] = (
                ("accounts", Account),
                ("team_members", TeamMember),
                ("projects", Project),
                ("estimates", Estimate),
                ("rate_cards", RateCard),
            )
            for key, model in top_level:
                counts[key] = count(model, model.deleted_at.is_(None))
                counts[f"deleted_{key}"] = count(model, model.deleted_at.is_not(None))
            for key, child in (("contacts", Contact), ("notes", Note)):
                live = child.deleted_at.is_(None) & child.account_id.in_(live_accounts)
                counts[key] = count(child, live)
                counts[f"deleted_{key}"] = count(child, ~live)
        return WorkspaceInfo(str(self.path), self.workspace.schema_revision(), counts)

    def deleted_items(self) -> list[DeletedItem]:
        items = [
            *self.accounts.deleted_items(),
            *self.contacts.deleted_items(),
            *self.notes.deleted_items(),
            *self.contact_reports.deleted_items(),
            *self.team.deleted_items(),
            *self.rate_cards.deleted_items(),
            *self.estimates.deleted_items(),
            *self.projects.deleted_items(),
            *self.actuals.deleted_items(),
            *self.opportunities.deleted_items(),
            *self.plans.deleted_items(),
            *self.plans.templates.deleted_items(),
            *self.jbp.deleted_items(),
            *self.exchange_rates.deleted_items(),
        ]
        return sorted(items, key=lambda item: item.deleted_at, reverse=True)

    def service_for(self, kind: str) -> EntityService[Any] | EstimateService:
        """The service that deletes and restores items of ``kind`` ("account", "estimate"…)."""
        services: dict[str, EntityService[Any] | EstimateService] = {
            "estimate": self.estimates,
            "account": self.accounts,
            "contact": self.contacts,
            "note": self.notes,
            "team_member": self.team,
            "rate_card": self.rate_cards,
            "project": self.projects,
            "actual": self.actuals,
            "contact_report": self.contact_reports,
            "opportunity": self.opportunities,
            "account_plan": self.plans,
            "plan_template": self.plans.templates,
            "jbp": self.jbp,
            "exchange_rate": self.exchange_rates,
        }
        return services[kind]

    def restore(self, item: DeletedItem) -> list[int]:
        return self.service_for(item.kind).restore(item.deletion_id)
