"""The relationship map of an account: its contacts as an org chart, with coverage.

``RelationshipService.relationship_map`` reads an account's contacts and the contact reports
they attended in a fixed number of queries (never one per contact), works out when each was
last reached and whether that is past the account's contact cadence
(:mod:`keyplan.domain.relationships`), and lays the chart out. The screen draws it, and
:func:`org_chart_document` turns it into what the plan PDF prints.

Reports-to lines are changed through ``ContactService.update`` (one rule for loops and
accounts, undoable from the UI); this service only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from keyplan.domain import relationships as rules
from keyplan.domain.errors import NotFoundError
from keyplan.exports.org_chart_document import OrgChartDocument, OrgChartNode
from keyplan.services.clock import local_zone
from keyplan.store.models import Account, Contact, ContactReport, ReportAttendee
from keyplan.store.workspace import Workspace

__all__ = [
    "BUYING_ROLE_NAMES",
    "MapNode",
    "RelationshipMap",
    "RelationshipService",
    "org_chart_document",
]

BUYING_ROLE_NAMES = {
    "decision_maker": "Decision maker",
    "economic_buyer": "Economic buyer",
    "influencer": "Influencer",
    "champion": "Champion",
    "user": "User",
    "blocker": "Blocker",
    "unknown": "",
}
"""Buying roles as the PDF prints them (the screen has its own, translated names)."""


@dataclass(frozen=True)
class MapNode:
    """One contact on the map: who they are, the ratings, coverage and where the box goes."""

    contact_id: int
    name: str
    title: str
    buying_role: str  # the stored key: "decision_maker", ..., "unknown"
    influence: int | None
    strength: int | None  # relationship strength 1-5
    reports_to_id: int | None  # a live contact of the same account, else None (a root)
    last_reached: date | None
    overdue: bool
    slot: rules.Slot

    @property
    def strength_bucket(self) -> int:
        return rules.strength_bucket(self.strength)


@dataclass(frozen=True)
class RelationshipMap:
    account_id: int
    account_name: str
    cadence_days: int | None
    today: date
    nodes: tuple[MapNode, ...]  # in name order
    layout: rules.ChartLayout

    def node(self, contact_id: int) -> MapNode:
        for node in self.nodes:
            if node.contact_id == contact_id:
                return node
        raise KeyError(contact_id)

    @property
    def overdue_count(self) -> int:
        return sum(1 for node in self.nodes if node.overdue)


@lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # a zone this system lacks: count in UTC
        return ZoneInfo("UTC")


def _meeting_day(starts_at: datetime, time_zone: str) -> date:
    """The meeting's day where it took place (a call at 23:30 in Hanoi is that day there)."""
    return starts_at.astimezone(_zone(time_zone)).date()


def _today() -> date:
    return datetime.now(local_zone()).date()


def _reached(session: Session, account_id: int | None, today: date) -> dict[int, date]:
    """One query: every (contact, meeting start, zone) of live reports and live contacts."""
    query = (
        select(ReportAttendee.contact_id, ContactReport.starts_at, ContactReport.time_zone)
        .join(ContactReport, ContactReport.id == ReportAttendee.report_id)
        .join(Contact, Contact.id == ReportAttendee.contact_id)
        .where(ContactReport.deleted_at.is_(None), Contact.deleted_at.is_(None))
    )
    if account_id is not None:
        query = query.where(Contact.account_id == account_id)
    rows = session.execute(query).all()
    return rules.last_reached(
        (
            (contact_id, _meeting_day(starts, zone))
            for contact_id, starts, zone in rows
            if contact_id is not None  # the join leaves none out; the type does not know
        ),
        today,
    )


class RelationshipService:
    """Reads the relationship map and the coverage of contacts."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def last_reached(
        self, account_id: int | None = None, *, today: date | None = None
    ) -> dict[int, date]:
        """Contact id -> the day they were last reached (latest contact report they attended,
        in the meeting's own time zone; deleted reports and reports of deleted contacts left
        out), for one account's contacts or, with ``account_id`` None, every account's.
        Meetings after ``today`` (default: today where the user is) do not count."""
        with self.workspace.reading() as session:
            return _reached(session, account_id, today or _today())

    def relationship_map(self, account_id: int, today: date | None = None) -> RelationshipMap:
        """The org chart of a live account's live contacts with their coverage on ``today``.

        Raises ``NotFoundError`` when the account does not exist or is deleted.
        """
        today = today or _today()
        with self.workspace.reading() as session:
            account = session.get(Account, account_id)
            if account is None or account.deleted_at is not None:
                raise NotFoundError(f"No account with id {account_id}.")
            name, cadence = account.name, account.contact_cadence_days
            people = session.execute(
                select(
                    Contact.id,
                    Contact.name,
                    Contact.title,
                    Contact.buying_role,
                    Contact.influence,
                    Contact.relationship_strength,
                    Contact.reports_to_id,
                ).where(Contact.account_id == account_id, Contact.deleted_at.is_(None))
            ).all()
            reached = _reached(session, account_id, today)
        live = {person[0] for person in people}
        layout = rules.layout_chart(
            rules.ChartPerson(pid, pname, manager if manager in live else None)
            for pid, pname, _, _, _, _, manager in people
        )
        nodes = []
        for pid, pname, title, role, influence, strength, _ in people:
            last = reached.get(pid)
            nodes.append(
                MapNode(
                    contact_id=pid,
                    name=pname,
                    title=title,
                    buying_role=role,
                    influence=influence,
                    strength=strength,
                    reports_to_id=layout.managers.get(pid),
                    last_reached=last,
                    overdue=rules.is_overdue(last, cadence, today),
                    slot=layout.slots[pid],
                )
            )
        nodes.sort(key=lambda n: (n.name.casefold(), n.name, n.contact_id))
        return RelationshipMap(account_id, name, cadence, today, tuple(nodes), layout)


def org_chart_document(chart: RelationshipMap, *, client_safe: bool = False) -> OrgChartDocument:
    """What the plan PDF prints of ``chart``; ``client_safe`` leaves out strength, influence,
    buying roles and coverage (internal ratings the client must not see)."""
    return OrgChartDocument(
        account_name=chart.account_name,
        nodes=tuple(_document_node(node, client_safe) for node in chart.nodes),
        layout=chart.layout,
        as_of=chart.today,
        cadence_days=None if client_safe else chart.cadence_days,
        client_safe=client_safe,
    )


def _document_node(node: MapNode, client_safe: bool) -> OrgChartNode:
    if client_safe:
        return OrgChartNode(node.contact_id, node.name, node.title)
    return OrgChartNode(
        contact_id=node.contact_id,
        name=node.name,
        title=node.title,
        buying_role=BUYING_ROLE_NAMES.get(node.buying_role, ""),
        influence=node.influence,
        strength=node.strength,
        last_reached=node.last_reached,
        overdue=node.overdue,
    )
