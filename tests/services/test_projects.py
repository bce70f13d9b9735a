"""Projects: create, read, update, soft delete and restore, purge; dates; the account rule."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.estimate_records import ProjectDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices


def fingerprint(services: WorkspaceServices, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the whole workspace file."""
    copy = services.save_copy(folder / f"fingerprint-{uuid.uuid4().hex}.keyplan")
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def lotus(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD"))


FULL = ProjectDraft(
    name="  Ra mắt ứng dụng  ",
    code="LOT-01",
    brief="Client brief:\nlaunch the app.",
    scope="Design and build",
    po_number="PO-2026-17",
    start_date=date(2026, 3, 1),
    end_date=date(2026, 9, 30),
    status="estimating",
)


def test_create_and_read_a_project(services: WorkspaceServices, lotus: int) -> None:
    project = services.projects.create(lotus, FULL)
    record = services.projects.get(project)
    assert record.id == project
    assert record.account_id == lotus
    assert record.name == "Ra mắt ứng dụng"
    expected = dataclasses.replace(FULL, name="Ra mắt ứng dụng")
    for field in dataclasses.fields(ProjectDraft):
        assert getattr(record, field.name) == getattr(expected, field.name), field.name
    minimal = services.projects.get(services.projects.create(lotus, ProjectDraft("Retainer")))
    assert (minimal.status, minimal.start_date, minimal.end_date, minimal.code) == (
        "briefed",
        None,
        None,
        "",
    )


def test_projects_of_an_account_sorted_by_name(services: WorkspaceServices, lotus: int) -> None:
    other = services.accounts.create(AccountDraft("Sakura", currency="JPY"))
    for name in ("beta", "Alpha", "gamma"):
        services.projects.create(lotus, ProjectDraft(name))
    services.projects.create(other, ProjectDraft("Elsewhere"))
    assert [p.name for p in services.projects.for_account(lotus)] == ["Alpha", "beta", "gamma"]
    assert [p.name for p in services.projects.for_account(other)] == ["Elsewhere"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "two\nlines"}, "name"),
        ({"code": "c" * 41}, "code"),
        ({"po_number": "p" * 61}, "po_number"),
        ({"status": "paused"}, "status"),
        ({"start_date": date(1899, 12, 31)}, "start_date"),
        ({"end_date": date(2300, 1, 1)}, "end_date"),
        ({"start_date": date(2026, 5, 2), "end_date": date(2026, 5, 1)}, "end_date"),
        ({"brief": "bad\x00text"}, "brief"),
    ],
)
def test_create_refuses_bad_input(
    services: WorkspaceServices, lotus: int, tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.projects.create(lotus, dataclasses.replace(ProjectDraft("Fine"), **changes))
    assert error.value.field == field
    assert fingerprint(services, tmp_path) == before


def test_a_project_starts_and_ends_the_same_day(services: WorkspaceServices, lotus: int) -> None:
    day = date(2026, 5, 1)
    project = services.projects.create(
        lotus, ProjectDraft("Workshop", start_date=day, end_date=day)
    )
    assert services.projects.get(project).end_date == day


def test_create_needs_a_live_account(services: WorkspaceServices, lotus: int) -> None:
    with pytest.raises(ValidationError) as error:
        services.projects.create(9999, ProjectDraft("Ghost"))
    assert error.value.field == "account_id"
    services.accounts.delete(lotus)
    with pytest.raises(ValidationError):
        services.projects.create(lotus, ProjectDraft("Gone"))


def test_update_reports_the_change_and_undo_puts_it_back(
    services: WorkspaceServices, lotus: int
) -> None:
    project = services.projects.create(lotus, FULL)
    before = services.projects.get(project)
    change = services.projects.update(
        project, {"status": "in_progress", "po_number": "PO-2", "scope": "Build only"}
    )
    assert change.before == {
        "status": "estimating",
        "po_number": "PO-2026-17",
        "scope": "Design and build",
    }
    assert services.projects.get(project).status == "in_progress"
    services.projects.update(project, change.before, exact=True)
    assert services.projects.get(project) == before
    with pytest.raises(ValidationError):
        services.projects.update(project, {"account_id": 1})


def test_update_refuses_an_end_before_the_start(
    services: WorkspaceServices, lotus: int, tmp_path: Path
) -> None:
    project = services.projects.create(lotus, FULL)
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError) as error:
        services.projects.update(project, {"end_date": date(2026, 2, 1)})
    assert error.value.field == "end_date"
    with pytest.raises(ValidationError):
        services.projects.update(project, {"start_date": date(2027, 1, 1)})
    assert fingerprint(services, tmp_path) == before


def test_delete_restore_and_purge(services: WorkspaceServices, lotus: int) -> None:
    project = services.projects.create(lotus, ProjectDraft("Campaign"))
    deletion = services.projects.delete(project)
    assert services.projects.for_account(lotus) == []
    with pytest.raises(NotFoundError):
        services.projects.get(project)
    assert services.projects.restore(deletion) == [project]
    assert [p.id for p in services.projects.for_account(lotus)] == [project]
    services.projects.purge(project)
    with pytest.raises(NotFoundError):
        services.projects.get(project)
    # redo of a create brings it back under its id
    again = services.projects.create(lotus, ProjectDraft("Campaign"), project_id=project)
    assert again == project


def test_an_estimate_belongs_to_a_project_of_its_account(
    services: WorkspaceServices, lotus: int
) -> None:
    other = services.accounts.create(AccountDraft("Sakura", currency="JPY"))
    ours = services.projects.create(lotus, ProjectDraft("Ours"))
    theirs = services.projects.create(other, ProjectDraft("Theirs"))
    with pytest.raises(ValidationError) as error:
        services.estimates.create(lotus, "Wrong", project_id=theirs)
    assert error.value.field == "project_id"
    ref = services.estimates.create(lotus, "Right", project_id=ours)
    doc = services.estimates.document(ref.revision_id)
    assert (doc.project_id, doc.project_name, doc.account_id) == (ours, "Ours", lotus)
    [summary] = services.estimates.summaries()
    assert summary.project_name == "Ours"


def test_an_estimate_cannot_use_a_deleted_project(services: WorkspaceServices, lotus: int) -> None:
    project = services.projects.create(lotus, ProjectDraft("Archived"))
    services.projects.delete(project)
    with pytest.raises(ValidationError):
        services.estimates.create(lotus, "On a deleted project", project_id=project)
