"""Account plans on a real workspace file: one live plan per account and year, every section
added, edited, removed and put back (undo), whitespace cells, snapshots that stay frozen while
the plan moves on, templates, and deleted plans under Deleted items."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.plans import BUILTIN_TEMPLATES, TemplateError, template_to_json
from keyplan.services.plan_records import PlanRecord
from keyplan.services.plans import PlanSection
from keyplan.services.records import AccountDraft, ContactDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.store.models import PlanSnapshot


@pytest.fixture
def plan_id(services: WorkspaceServices, account_id: int) -> int:
    return services.plans.create_plan(account_id, 2026)


# -- creating ----------------------------------------------------------------------------------


def test_a_plan_from_a_builtin_template_starts_filled(
    services: WorkspaceServices, account_id: int
) -> None:
    plan_id = services.plans.create_plan(account_id, 2026, "Strategic account")
    plan = services.plans.get(plan_id)
    template = BUILTIN_TEMPLATES[0]
    assert plan.template == "Strategic account" and plan.status == "draft"
    assert plan.currency == "VND"
    assert [o.statement for o in plan.objectives] == [o.statement for o in template.objectives]
    assert plan.kpis[0].metric == "Revenue" and plan.kpis[0].unit == "VND"  # {currency}
    assert all(k.objective_id == plan.objectives[0].id for k in plan.kpis[:2])
    assert [s.label for s in plan.services] == list(template.services)
    assert [s.label for s in plan.segments] == list(template.segments)
    assert len(plan.risks) == len(template.risks) and len(plan.actions) == len(template.actions)
    assert plan.swot == ()  # SWOT holds prompts, not items
    assert services.plans.prompts(plan_id)["strength"] == template.prompts["strength"]
    assert 0 < plan.completeness.score < 100


def test_a_plan_takes_the_business_units_as_whitespace_columns(
    services: WorkspaceServices,
) -> None:
    group = services.accounts.create(AccountDraft("Aurora Group", currency="USD", kind="global"))
    for name in ("Aurora Japan", "Aurora Deutschland"):
        services.accounts.create(AccountDraft(name, currency="USD", parent_id=group))
    plan = services.plans.get(services.plans.create_plan(group, 2026, "Growth account"))
    assert [s.label for s in plan.segments] == ["Aurora Deutschland", "Aurora Japan"]


def test_a_blank_plan_is_empty(services: WorkspaceServices, plan_id: int) -> None:
    plan = services.plans.get(plan_id)
    assert plan.template == "" and plan.objectives == () and plan.services == ()
    assert plan.completeness.score == 0


def test_one_live_plan_per_account_and_year(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    with pytest.raises(ValidationError, match="Saigon Shop already has a plan for 2026") as error:
        services.plans.create_plan(account_id, 2026, "Growth account")
    assert error.value.field == "year"
    assert len(services.plans.plans_for(account_id)) == 1
    next_year = services.plans.create_plan(account_id, 2027)
    with pytest.raises(ValidationError, match="already has a plan for 2026"):
        services.plans.update(next_year, {"year": 2026})
    # a deleted plan frees its year; it cannot come back while another holds it
    deletion = services.plans.delete(plan_id)
    replacement = services.plans.create_plan(account_id, 2026)
    with pytest.raises(ValidationError, match="already has a plan for 2026"):
        services.plans.restore(deletion)
    services.plans.delete(replacement)
    assert services.plans.restore(deletion) == [plan_id]


@pytest.mark.parametrize("year", [1989, 2201, "2026", None, True])
def test_a_year_out_of_range_is_refused(
    services: WorkspaceServices, account_id: int, year: object
) -> None:
    with pytest.raises(ValidationError, match="from 1990 to 2200"):
        services.plans.create_plan(account_id, year)  # type: ignore[arg-type]


def test_an_unknown_template_or_account_is_refused(
    services: WorkspaceServices, account_id: int
) -> None:
    with pytest.raises(ValidationError, match=r"No template named 'Bogus'\. There are: Strategic"):
        services.plans.create_plan(account_id, 2026, "Bogus")
    with pytest.raises(ValidationError, match="no longer exists"):
        services.plans.create_plan(account_id, 2026, 999)
    with pytest.raises(ValidationError, match="account does not exist"):
        services.plans.create_plan(999, 2026)
    assert services.plans.plans_for(account_id) == []


def test_purge_and_reinsert_give_back_the_same_plan(
    services: WorkspaceServices, account_id: int
) -> None:
    plan_id = services.plans.create_plan(account_id, 2026, "Strategic account")
    services.plans.snapshot(plan_id, date(2026, 3, 1), "Q1")
    before = services.plans.get(plan_id)
    removed = services.plans.purge(plan_id)
    with pytest.raises(NotFoundError):
        services.plans.get(plan_id)
    assert services.plans.reinsert(removed) == plan_id
    assert services.plans.get(plan_id) == before
    assert [s.label for s in services.plans.snapshots(plan_id)] == ["Q1"]


# -- the plan's own fields ---------------------------------------------------------------------


def test_plan_fields_return_their_change_for_undo(
    services: WorkspaceServices, plan_id: int
) -> None:
    change = services.plans.update(
        plan_id,
        {"situation": "  Đang tăng trưởng  ", "revenue_target": Decimal("1500000000")},
    )
    assert change.before == {"situation": "", "revenue_target": None}
    assert change.after == {"situation": "Đang tăng trưởng", "revenue_target": Decimal(1500000000)}
    plan = services.plans.get(plan_id)
    assert plan.revenue_target == Decimal(1500000000) and plan.situation == "Đang tăng trưởng"
    services.plans.update(plan_id, change.before, exact=True)
    plan = services.plans.get(plan_id)
    assert plan.revenue_target is None and plan.situation == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"revenue_target": Decimal("10.5")}, "VND has no decimals"),
        ({"revenue_target": Decimal(-1)}, "0 or more"),
        ({"revenue_target": "abc"}, "is not a number"),
        ({"status": "done"}, "is not one of: draft, active, archived"),
        ({"situation": "a\x00b"}, "control characters"),
        ({"currency": "USD"}, "currency cannot be edited"),
    ],
)
def test_bad_plan_values_are_refused_and_nothing_is_saved(
    services: WorkspaceServices, plan_id: int, changes: dict[str, object], message: str
) -> None:
    before = services.plans.get(plan_id)
    with pytest.raises(ValidationError, match=message):
        services.plans.update(plan_id, changes)
    assert services.plans.get(plan_id) == before


# -- list sections -------------------------------------------------------------------------


def test_every_section_can_be_added_edited_removed_and_put_back(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    owner = services.team.create("Nguyễn Hoàng Minh", "Account Director")
    contact = services.contacts.create(account_id, ContactDraft("Trần Văn Đức"))
    plans = services.plans
    objective = plans.add_item("objective", plan_id, {"statement": "Grow", "owner_id": owner})
    cases: list[tuple[str, dict[str, object], dict[str, object]]] = [
        ("swot", {"quadrant": "strength", "text": "Livestream"}, {"text": "Livestream 9.9"}),
        ("objective", {"statement": "Win CRM"}, {"status": "at_risk", "due": date(2026, 9, 1)}),
        (
            "kpi",
            {"metric": "Revenue", "objective_id": objective, "target": Decimal("1.5")},
            {"actual": "1.25", "period": "2026-q3", "unit": "bn VND"},
        ),
        ("action", {"description": "Send case study"}, {"owner_id": owner, "status": "done"}),
        ("whitespace_axis", {"axis": "service", "label": "Media"}, {"label": "Paid media"}),
        ("risk", {"description": "Churn"}, {"likelihood": 4, "impact": 5, "mitigation": "QBR"}),
        ("relationship_goal", {"contact_id": contact}, {"target_strength": 4, "goal": "Monthly"}),
        ("review", {"reviewed_on": date(2026, 3, 1), "reviewer": "Minh"}, {"notes": "Fine"}),
    ]
    for section, values, changes in cases:
        item_id = plans.add_item(section, plan_id, values)
        before = plans.get(plan_id)
        change = plans.update_item(section, item_id, changes)
        assert set(change.after) == set(changes), section
        edited = plans.get(plan_id)
        assert _without_time(edited) != _without_time(before), section
        plans.update_item(section, item_id, change.before, exact=True)  # undo
        assert _without_time(plans.get(plan_id)) == _without_time(before), section
        plans.update_item(section, item_id, change.after, exact=True)  # redo
        removed = plans.delete_item(section, item_id)
        assert removed.values["id"] == item_id
        plans.restore_item(removed)
        restored = plans.get(plan_id)
        assert _without_time(restored) == _without_time(edited), section
    kpi = next(k for k in plans.get(plan_id).kpis if k.metric == "Revenue")
    assert kpi.period == "2026-Q3" and kpi.actual == Decimal("1.25") and kpi.unit == "bn VND"
    assert kpi.progress == Decimal("83.3")
    risk = plans.get(plan_id).risks[0]
    assert (risk.score, risk.band) == (20, "critical")
    goal = plans.get(plan_id).goals[0]
    assert goal.contact_name == "Trần Văn Đức" and goal.target_strength == 4


def _without_time(plan: PlanRecord) -> PlanRecord:
    """The plan without its last-change time (every edit moves it)."""
    return dataclasses.replace(plan, updated_at=datetime.min)


@pytest.mark.parametrize(
    ("section", "values", "message"),
    [
        ("swot", {"quadrant": "strength"}, "Text is required"),
        ("swot", {"quadrant": "strengths", "text": "x"}, "is not one of"),
        ("swot", {"quadrant": "threat", "text": "   "}, "Write the item"),
        ("objective", {"statement": "x", "owner_id": 999}, "member of the team"),
        ("objective", {"statement": "x", "status": "late"}, "is not one of"),
        ("kpi", {"metric": "Revenue", "target": "12,5,5"}, "is not a number"),
        ("kpi", {"metric": "Revenue", "target": 1.5}, "not a float"),
        ("kpi", {"metric": "Revenue", "period": "Q3"}, "not a period"),
        ("kpi", {"metric": "Revenue", "objective_id": 999}, "objective of this plan"),
        ("kpi", {"metric": "x" * 201}, "Too long"),
        ("action", {"description": "x", "due": date(1900, 1, 1)}, "from 1990 to 2200"),
        ("action", {"description": "x", "status": "dropped"}, "is not one of"),
        ("whitespace_axis", {"axis": "row", "label": "x"}, "is not one of"),
        ("risk", {"description": "x", "likelihood": 6}, "from 1 to 5"),
        ("risk", {"description": "x", "impact": 0}, "from 1 to 5"),
        ("relationship_goal", {"contact_id": 999}, "contact of this account"),
        ("relationship_goal", {"goal": "x"}, "Contact id is required"),
        ("review", {"reviewer": "x"}, "Reviewed on is required"),
        ("review", {"reviewed_on": None, "reviewer": "x"}, "Enter the date"),
        ("bogus", {"x": 1}, "not a section"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_saved(
    services: WorkspaceServices, plan_id: int, section: str, values: dict[str, object], message: str
) -> None:
    before = services.plans.get(plan_id)
    with pytest.raises(ValidationError, match=message):
        services.plans.add_item(section, plan_id, values)
    assert services.plans.get(plan_id) == before


def test_a_bad_number_in_an_edit_leaves_the_kpi_as_it_was(
    services: WorkspaceServices, plan_id: int
) -> None:
    kpi = services.plans.add_item("kpi", plan_id, {"metric": "NPS", "target": "50"})
    with pytest.raises(ValidationError, match="'fifty' is not a number") as error:
        services.plans.update_item("kpi", kpi, {"target": "fifty"})
    assert error.value.field == "target"
    assert services.plans.get(plan_id).kpis[0].target == Decimal(50)


def test_items_of_another_plan_or_account_are_refused(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    other_account = services.accounts.create(AccountDraft("Other", currency="USD"))
    other_plan = services.plans.create_plan(other_account, 2026)
    foreign_objective = services.plans.add_item("objective", other_plan, {"statement": "x"})
    stranger = services.contacts.create(other_account, ContactDraft("Stranger"))
    with pytest.raises(ValidationError, match="objective of this plan"):
        services.plans.add_item("kpi", plan_id, {"metric": "x", "objective_id": foreign_objective})
    with pytest.raises(ValidationError, match="contact of this account"):
        services.plans.add_item("relationship_goal", plan_id, {"contact_id": stranger})


def test_names_that_must_be_unique(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    contact = services.contacts.create(account_id, ContactDraft("Lê Minh Khôi"))
    services.plans.add_item("relationship_goal", plan_id, {"contact_id": contact})
    with pytest.raises(ValidationError, match="already a goal for Lê Minh Khôi"):
        services.plans.add_item("relationship_goal", plan_id, {"contact_id": contact})
    services.plans.add_item("whitespace_axis", plan_id, {"axis": "service", "label": "Media"})
    with pytest.raises(ValidationError, match="already a row 'MEDIA'"):
        services.plans.add_item("whitespace_axis", plan_id, {"axis": "service", "label": "MEDIA"})
    # the same label as a column is fine
    services.plans.add_item("whitespace_axis", plan_id, {"axis": "segment", "label": "Media"})
    segment = services.plans.get(plan_id).segments[0]
    with pytest.raises(ValidationError, match="axis cannot be changed"):
        services.plans.update_item("whitespace_axis", segment.id, {"axis": "service"})


def test_move_returns_the_old_index_and_undo_restores_the_order(
    services: WorkspaceServices, plan_id: int
) -> None:
    ids = [
        services.plans.add_item("swot", plan_id, {"quadrant": "threat", "text": t})
        for t in ("a", "b", "c")
    ]
    services.plans.add_item("swot", plan_id, {"quadrant": "strength", "text": "s"})
    old = services.plans.move_item("swot", ids[2], 0)
    assert old == 2
    assert [i.text for i in services.plans.get(plan_id).swot_items("threat")] == ["c", "a", "b"]
    services.plans.move_item("swot", ids[2], old)
    assert [i.text for i in services.plans.get(plan_id).swot_items("threat")] == ["a", "b", "c"]
    with pytest.raises(ValidationError, match="not ordered by hand"):
        services.plans.move_item(PlanSection.REVIEW, 1, 0)


def test_a_swot_item_moved_to_another_quadrant_goes_to_its_end_and_comes_back(
    services: WorkspaceServices, plan_id: int
) -> None:
    plans = services.plans
    first = plans.add_item("swot", plan_id, {"quadrant": "threat", "text": "t1"})
    plans.add_item("swot", plan_id, {"quadrant": "threat", "text": "t2"})
    plans.add_item("swot", plan_id, {"quadrant": "weakness", "text": "w1"})
    change = plans.update_item("swot", first, {"quadrant": "weakness"})
    assert [i.text for i in plans.get(plan_id).swot_items("weakness")] == ["w1", "t1"]
    plans.update_item("swot", first, change.before, exact=True)
    assert [i.text for i in plans.get(plan_id).swot_items("threat")] == ["t1", "t2"]


def test_removing_an_objective_unlinks_its_kpis_and_undo_links_them_again(
    services: WorkspaceServices, plan_id: int
) -> None:
    plans = services.plans
    objective = plans.add_item("objective", plan_id, {"statement": "Grow"})
    kpi = plans.add_item("kpi", plan_id, {"metric": "Revenue", "objective_id": objective})
    action = plans.add_item("action", plan_id, {"description": "Call", "objective_id": objective})
    removed = plans.delete_item("objective", objective)
    plan = plans.get(plan_id)
    assert plan.kpis[0].objective_id is None and plan.actions[0].objective_id is None
    plans.restore_item(removed)
    plan = plans.get(plan_id)
    assert plan.objectives[0].id == objective
    assert plan.kpis[0].id == kpi and plan.kpis[0].objective_id == objective
    assert plan.actions[0].id == action and plan.actions[0].objective_id == objective


# -- whitespace ------------------------------------------------------------------------------


def test_whitespace_cells_and_their_undo(services: WorkspaceServices, plan_id: int) -> None:
    plans = services.plans
    media = plans.add_item("whitespace_axis", plan_id, {"axis": "service", "label": "Media"})
    north = plans.add_item("whitespace_axis", plan_id, {"axis": "segment", "label": "Miền Bắc"})
    assert plans.get(plan_id).cell_status(media, north) == "unknown"
    first = plans.set_cell(media, north, "opportunity", "Pitch in Q3")
    assert first.before is None and first.after == ("opportunity", "Pitch in Q3")
    second = plans.set_cell(media, north, "active")
    assert second.before == ("opportunity", "Pitch in Q3")
    assert second.after == ("active", "Pitch in Q3")  # the note stays
    plans.restore_cell(second)
    assert plans.get(plan_id).cell_status(media, north) == "opportunity"
    plans.restore_cell(first)
    assert plans.get(plan_id).cells == ()
    with pytest.raises(ValidationError, match="is not one of"):
        plans.set_cell(media, north, "maybe")
    with pytest.raises(ValidationError, match="a row and a column of the same plan"):
        plans.set_cell(north, media, "active")  # row and column swapped


def test_removing_a_row_takes_its_cells_and_undo_brings_them_back(
    services: WorkspaceServices, plan_id: int
) -> None:
    plans = services.plans
    media = plans.add_item("whitespace_axis", plan_id, {"axis": "service", "label": "Media"})
    crm = plans.add_item("whitespace_axis", plan_id, {"axis": "service", "label": "CRM"})
    north = plans.add_item("whitespace_axis", plan_id, {"axis": "segment", "label": "North"})
    plans.set_cell(media, north, "active")
    plans.set_cell(crm, north, "not_a_fit")
    before = plans.get(plan_id)
    removed = plans.delete_item("whitespace_axis", north)
    assert len(removed.cells) == 2
    assert plans.get(plan_id).cells == () and plans.get(plan_id).segments == ()
    plans.restore_item(removed)
    assert _without_time(plans.get(plan_id)) == _without_time(before)


# -- snapshots ---------------------------------------------------------------------------------


def test_a_snapshot_stays_frozen_while_the_plan_changes(
    services: WorkspaceServices, account_id: int
) -> None:
    plans = services.plans
    plan_id = plans.create_plan(account_id, 2026, "Growth account")
    plans.update(
        plan_id, {"situation": "Before the QBR", "revenue_target": Decimal(18_000_000_000)}
    )
    kpi = plans.get(plan_id).kpis[0]
    plans.update_item("kpi", kpi.id, {"target": "12.50", "actual": "0.000001"})
    frozen_then = plans.get(plan_id)
    snapshot = plans.snapshot(plan_id, date(2026, 6, 30), "Before the Q2 review")

    plans.update(plan_id, {"situation": "After the QBR"})
    plans.update_item("kpi", kpi.id, {"actual": "13"})
    plans.delete_item("objective", frozen_then.objectives[0].id)
    plans.add_item("swot", plan_id, {"quadrant": "threat", "text": "New competitor"})

    frozen = plans.snapshot_document(snapshot)
    assert frozen == frozen_then
    assert frozen.kpis[0].target == Decimal("12.50") and str(frozen.kpis[0].target) == "12.50"
    assert plans.get(plan_id).situation == "After the QBR"
    [record] = plans.snapshots(plan_id)
    assert (record.taken_on, record.label) == (date(2026, 6, 30), "Before the Q2 review")
    summary = plans.plans_for(account_id)[0]
    assert summary.snapshots == 1


def test_a_snapshot_keeps_exact_decimals_as_strings(
    services: WorkspaceServices, plan_id: int
) -> None:
    services.plans.add_item("kpi", plan_id, {"metric": "Share", "target": "33.30"})
    snapshot = services.plans.snapshot(plan_id, date(2026, 1, 31))
    with services.workspace.reading() as session:
        content = session.get(PlanSnapshot, snapshot).content  # type: ignore[union-attr]
    data = json.loads(content)
    assert data["plan"]["kpis"][0]["target"] == "33.30"
    assert data["taken_on"] == "2026-01-31"


def test_removing_a_snapshot_can_be_undone(services: WorkspaceServices, plan_id: int) -> None:
    snapshot = services.plans.snapshot(plan_id, date(2026, 2, 1), "Q1")
    frozen = services.plans.snapshot_document(snapshot)
    removed = services.plans.delete_snapshot(snapshot)
    assert services.plans.snapshots(plan_id) == []
    with pytest.raises(NotFoundError):
        services.plans.snapshot_document(snapshot)
    services.plans.restore_snapshot(removed)
    assert services.plans.snapshot_document(snapshot) == frozen
    with pytest.raises(ValidationError, match="Enter the date"):
        services.plans.snapshot(plan_id, None)  # type: ignore[arg-type]


# -- completeness, listing, deleted items ------------------------------------------------------


def test_completeness_moves_as_sections_fill(services: WorkspaceServices, plan_id: int) -> None:
    plans = services.plans
    assert plans.completeness(plan_id).score == 0
    plans.update(plan_id, {"situation": "x", "vision": "y"})
    assert plans.completeness(plan_id).score == 15
    plans.add_item("swot", plan_id, {"quadrant": "threat", "text": "t"})
    result = plans.completeness(plan_id)
    assert result.score == 19  # 15 + 3.75, half up
    assert "SWOT: add strengths, weaknesses, opportunities." in result.missing


def test_deleted_plans_are_listed_and_restored_from_deleted_items(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    services.plans.delete(plan_id)
    assert services.plans.plans_for(account_id) == []
    assert services.plans.find(account_id, 2026) is None
    [item] = [i for i in services.deleted_items() if i.kind == "account_plan"]
    assert (item.name, item.account_name, item.entity_id) == (
        "Account plan 2026",
        "Saigon Shop",
        plan_id,
    )
    assert services.restore(item) == [plan_id]
    assert services.plans.find(account_id, 2026) == plan_id
    with pytest.raises(NotFoundError, match="restored already"):
        services.plans.restore(item.deletion_id)


def test_all_plans_lists_live_plans_of_live_accounts(
    services: WorkspaceServices, account_id: int, plan_id: int
) -> None:
    other = services.accounts.create(AccountDraft("Alpha Foods", currency="USD"))
    services.plans.create_plan(other, 2025)
    services.plans.create_plan(other, 2026)
    listed = [(p.account_name, p.year) for p in services.plans.all_plans()]
    assert listed == [("Alpha Foods", 2026), ("Alpha Foods", 2025), ("Saigon Shop", 2026)]
    assert [p.year for p in services.plans.all_plans(year=2025)] == [2025]
    services.accounts.delete(other)
    assert [p.account_name for p in services.plans.all_plans()] == ["Saigon Shop"]


# -- templates ---------------------------------------------------------------------------------


def test_templates_list_builtins_then_the_users_own(services: WorkspaceServices) -> None:
    templates = services.plans.templates
    template_id = templates.create("Vietnam e-commerce")
    listed = templates.all()
    assert [t.name for t in listed[: len(BUILTIN_TEMPLATES)]] == [t.name for t in BUILTIN_TEMPLATES]
    assert all(t.builtin and t.id is None for t in listed[: len(BUILTIN_TEMPLATES)])
    mine = listed[-1]
    assert (mine.id, mine.name, mine.builtin) == (template_id, "Vietnam e-commerce", False)
    # seeded from the first built-in template
    assert mine.content.services == BUILTIN_TEMPLATES[0].services


def test_a_user_template_is_edited_and_plans_start_from_it(
    services: WorkspaceServices, account_id: int
) -> None:
    templates = services.plans.templates
    template_id = templates.create("Marketplace", BUILTIN_TEMPLATES[1])
    content = json.loads(templates.get(template_id).json)
    content["whitespace"]["services"] = ["Livestream", "KOC", "Media"]
    content["swot"]["threat"] = ["Đối thủ giảm giá"]
    change = templates.update(template_id, {"content": json.dumps(content, ensure_ascii=False)})
    assert "content" in change.after
    plan = services.plans.get(services.plans.create_plan(account_id, 2026, template_id))
    assert [s.label for s in plan.services] == ["Livestream", "KOC", "Media"]
    assert [i.text for i in plan.swot_items("threat")] == ["Đối thủ giảm giá"]
    assert plan.template == "Marketplace"
    other = services.plans.create_plan(account_id, 2027, "marketplace")  # by name, any case
    assert services.plans.get(other).template == "Marketplace"


def test_a_malformed_template_is_refused_and_the_stored_one_kept(
    services: WorkspaceServices,
) -> None:
    templates = services.plans.templates
    template_id = templates.create("Mine")
    before = templates.get(template_id)
    bad = template_to_json(BUILTIN_TEMPLATES[0]).replace('"likelihood": 3', '"likelihood": 9')
    with pytest.raises(TemplateError, match=r"risks\[0\].likelihood: 9 is not from 1 to 5"):
        templates.update(template_id, {"content": bad})
    with pytest.raises(TemplateError, match="Not valid JSON"):
        templates.update(template_id, {"content": "{not json"})
    with pytest.raises(TemplateError, match="Not valid JSON"):
        templates.create("Broken", "{")
    assert templates.get(template_id) == before
    assert [t.name for t in templates.all() if not t.builtin] == ["Mine"]


def test_template_names_are_unique(services: WorkspaceServices) -> None:
    templates = services.plans.templates
    first = templates.create("Mine")
    with pytest.raises(ValidationError, match="already a template named 'MINE'"):
        templates.create("MINE")
    with pytest.raises(ValidationError, match="name of a built-in template"):
        templates.create("Growth Account")
    second = templates.create("Other")
    with pytest.raises(ValidationError, match="already a template named 'mine'"):
        templates.update(second, {"name": "mine"})
    deletion = templates.delete(first)
    replacement = templates.create("Mine")  # a deleted template frees its name
    with pytest.raises(ValidationError, match="already a template named 'Mine'"):
        templates.restore(deletion)
    templates.delete(replacement)
    templates.restore(deletion)
    kinds = {i.kind for i in services.deleted_items()}
    assert "plan_template" in kinds
    assert services.service_for("plan_template") is templates


def test_a_deleted_template_cannot_start_a_plan(
    services: WorkspaceServices, account_id: int
) -> None:
    templates = services.plans.templates
    template_id = templates.create("Mine")
    templates.delete(template_id)
    with pytest.raises(ValidationError, match="no longer exists"):
        services.plans.create_plan(account_id, 2026, template_id)
    with pytest.raises(ValidationError, match="No template named 'Mine'"):
        services.plans.create_plan(account_id, 2026, "Mine")


def test_a_period_label_that_cannot_be_read_prints_as_stored() -> None:
    """A KPI period the parser refuses (an older or hand-edited snapshot) never breaks the
    PDF: it prints as it is; a good one reads as the reports write it."""
    from keyplan.services.plan_export import period_label

    assert period_label("2026-Q3") == "Q3 2026"
    assert period_label("2026") == "2026"
    assert period_label("2026-W60") == "2026-W60"
    assert period_label("garbage") == "garbage"
