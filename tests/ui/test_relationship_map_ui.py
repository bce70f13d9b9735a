"""The relationship map tab, driven like a user does: boxes for the contacts, drag a box onto
another to change who they report to (undo puts it back, a loop is refused), the box's menu,
zoom, coverage from contact reports, and the PNG export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image as PILImage
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QGraphicsSimpleTextItem, QMenu, QToolButton

from keyplan.domain.relationships import STRENGTH_COLOURS
from keyplan.services.contact_reports import AttendeeRef, ReportDraft
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views import relationship_map
from keyplan.ui.views.relationship_map import ContactBox, RelationshipMapView

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def chart(opened: MainWindow, qtbot) -> RelationshipMapView:  # type: ignore[no-untyped-def]
    """Aurora Japan's map on screen: 田中 太郎 <- 佐藤 花子 <- 김민준."""
    assert opened.session is not None and opened.account_view is not None
    account = next(a for a in opened.session.services.accounts.all() if a.name == "Aurora Japan")
    opened.resize(1200, 800)
    opened.show_account(account.id)
    view = opened.account_view
    view.tabs.setCurrentWidget(view.contacts_tabs)
    view.contacts_tabs.setCurrentWidget(view.relationship_map)
    qtbot.waitUntil(lambda: view.relationship_map.view.isVisible())
    return view.relationship_map


def ids(chart: RelationshipMapView) -> dict[str, int]:
    return {box.node.name: contact_id for contact_id, box in chart.boxes.items()}


def drag(qtbot, chart: RelationshipMapView, source: ContactBox, target: ContactBox) -> None:  # type: ignore[no-untyped-def]
    """Press on ``source``, move in steps over ``target``, release there."""
    viewport = chart.view.viewport()
    start = chart.view.mapFromScene(source.sceneBoundingRect().center())
    end = chart.view.mapFromScene(target.sceneBoundingRect().center())
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        point = start + (end - start) * step / 5
        qtbot.mouseMove(viewport, pos=QPoint(round(point.x()), round(point.y())))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def test_the_tab_shows_a_box_per_contact_with_lines_and_coverage(
    chart: RelationshipMapView,
) -> None:
    names = ids(chart)
    assert set(names) == {"田中 太郎", "佐藤 花子", "김민준"}
    boxes = {name: chart.boxes[cid] for name, cid in names.items()}
    # the chain runs down the chart
    assert boxes["田中 太郎"].y() < boxes["佐藤 花子"].y() < boxes["김민준"].y()
    assert boxes["佐藤 花子"].node.reports_to_id == names["田中 太郎"]
    lines = [i for i in chart.scene.items() if type(i).__name__ == "QGraphicsPathItem"]
    assert len(lines) == 2
    # no cadence on the account: nobody is flagged
    assert "no contact cadence" in chart.summary.text()
    assert "Never reached" in boxes["김민준"].texts[3]
    assert not any(box.node.overdue for box in boxes.values())
    # the whole chart is in view
    visible = chart.view.mapToScene(chart.view.viewport().rect()).boundingRect()
    assert visible.contains(chart.scene.itemsBoundingRect())


def test_drag_a_box_onto_another_changes_the_manager_and_undo_restores_it(
    opened: MainWindow, chart: RelationshipMapView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    services = opened.session.services  # type: ignore[union-attr]
    names = ids(chart)
    kim, tanaka, sato = names["김민준"], names["田中 太郎"], names["佐藤 花子"]
    drag(qtbot, chart, chart.boxes[kim], chart.boxes[tanaka])
    assert services.contacts.get(kim).reports_to_id == tanaka
    assert chart.boxes[kim].node.reports_to_id == tanaka  # redrawn
    assert chart.boxes[kim].y() == chart.boxes[sato].y()  # now beside 佐藤 花子
    assert not chart.message.isVisible()
    # the contacts table says so too
    panel = opened.account_view.contacts  # type: ignore[union-attr]
    record = panel.model.record(panel.model.row_of(kim))
    assert record.reports_to_id == tanaka

    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.contacts.get(kim).reports_to_id == sato
    assert chart.boxes[kim].node.reports_to_id == sato
    opened.session.undo_stack.redo()  # type: ignore[union-attr]
    assert services.contacts.get(kim).reports_to_id == tanaka


def test_a_loop_is_refused_inline_and_the_box_goes_back(
    opened: MainWindow, chart: RelationshipMapView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    names = ids(chart)
    tanaka, kim = names["田中 太郎"], names["김민준"]
    home = chart.boxes[tanaka].pos()
    drag(qtbot, chart, chart.boxes[tanaka], chart.boxes[kim])
    assert chart.message.isVisible() and "loop" in chart.message.text()
    assert opened.session.services.contacts.get(tanaka).reports_to_id is None  # type: ignore[union-attr]
    assert chart.boxes[tanaka].pos() == home
    assert opened.session.undo_stack.count() == 0  # type: ignore[union-attr]
    assert opened.errors == []  # type: ignore[attr-defined]  # inline, not a dialog


def test_dropping_on_empty_space_changes_nothing(
    opened: MainWindow, chart: RelationshipMapView, qtbot
) -> None:  # type: ignore[no-untyped-def]
    kim = ids(chart)["김민준"]
    box = chart.boxes[kim]
    home = box.pos()
    viewport = chart.view.viewport()
    start = chart.view.mapFromScene(box.sceneBoundingRect().center())
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, pos=start + QPoint(0, 60))
    qtbot.mouseMove(viewport, pos=start + QPoint(0, 120))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 120))
    assert box.pos() == home
    assert opened.session.undo_stack.count() == 0  # type: ignore[union-attr]


def test_the_box_menu_sets_the_manager_and_opens_the_contact(
    opened: MainWindow, chart: RelationshipMapView
) -> None:
    services = opened.session.services  # type: ignore[union-attr]
    names = ids(chart)
    sato, tanaka = names["佐藤 花子"], names["田中 太郎"]
    menu = chart.box_menu(sato)
    submenu = menu.findChild(QMenu, "reports_to_menu")
    assert submenu is not None
    actions = {a.text(): a for a in submenu.actions() if a.text()}
    assert set(actions) == {"Nobody (top)", "田中 太郎", "김민준"}  # everyone else
    assert actions["田中 太郎"].isChecked() and not actions["Nobody (top)"].isChecked()
    actions["Nobody (top)"].trigger()
    assert services.contacts.get(sato).reports_to_id is None
    assert chart.boxes[sato].y() == chart.boxes[tanaka].y()  # both at the top now
    opened.session.undo_stack.undo()  # type: ignore[union-attr]
    assert services.contacts.get(sato).reports_to_id == tanaka

    menu = chart.box_menu(sato)
    next(a for a in menu.actions() if a.objectName() == "open_contact").trigger()
    view = opened.account_view
    assert view is not None and view.contacts_tabs.currentWidget() is view.contacts
    selected = view.contacts.selected_contact()
    assert selected is not None and selected.id == sato


def test_zoom_with_buttons_and_ctrl_wheel_then_fit(chart: RelationshipMapView, qtbot) -> None:  # type: ignore[no-untyped-def]
    start = chart.zoom()
    qtbot.mouseClick(chart.findChild(QToolButton, "zoom_in"), Qt.MouseButton.LeftButton)
    assert chart.zoom() == pytest.approx(min(start * 1.25, 3.0))
    qtbot.mouseClick(chart.findChild(QToolButton, "zoom_out"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(chart.findChild(QToolButton, "zoom_out"), Qt.MouseButton.LeftButton)
    assert chart.zoom() == pytest.approx(start / 1.25)
    assert not chart.auto_fit

    viewport = chart.view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(centre, chart.view.mapToGlobal(centre.toPoint()).toPointF(), QPoint(),
                        QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    before = chart.zoom()
    QApplication.sendEvent(viewport, wheel)
    assert chart.zoom() == pytest.approx(before * 1.25**2)

    qtbot.mouseClick(chart.findChild(QToolButton, "zoom_fit"), Qt.MouseButton.LeftButton)
    assert chart.auto_fit and chart.zoom() <= 1.0
    visible = chart.view.mapToScene(chart.view.viewport().rect()).boundingRect()
    assert visible.contains(chart.scene.itemsBoundingRect())


def test_coverage_follows_contact_reports_and_the_cadence(
    opened: MainWindow, chart: RelationshipMapView
) -> None:
    session = opened.session
    assert session is not None
    names = ids(chart)
    account_id = chart.account_id
    assert account_id is not None
    met = datetime.combine(date.today() - timedelta(days=3), datetime.min.time(), TOKYO)
    session.services.contact_reports.create(
        account_id,
        ReportDraft("Kick-off", met.replace(hour=10), met.replace(hour=11), "Asia/Tokyo",
                    attendees=(AttendeeRef(contact_id=names["佐藤 花子"]),)),
    )  # fmt: skip
    session.services.accounts.update(account_id, {"contact_cadence_days": 14})
    session.changed.emit("contact_report")
    sato = chart.boxes[names["佐藤 花子"]]
    assert sato.node.last_reached == met.date() and not sato.node.overdue
    assert sato.texts[3].startswith("Last reached ")
    kim = chart.boxes[names["김민준"]]
    assert kim.node.overdue and "cadence is every 14 days" in kim.toolTip()
    assert chart.summary.text() == "2 of 3 contacts not reached within 14 days"


def test_export_png_writes_the_chart_at_twice_the_size(
    chart: RelationshipMapView, tmp_path: Path
) -> None:
    written = chart.export_png(tmp_path / "Aurora Japan relationship map.png", client_safe=False)
    assert written.exists() and written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with PILImage.open(written) as image:
        width, height = image.size
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    scene = chart.export_scene(client_safe=False).itemsBoundingRect()
    assert width == pytest.approx((scene.width() + 32) * 2, abs=2)
    assert height == pytest.approx((scene.height() + 32) * 2, abs=2)
    assert width > 600 and height > 500
    assert len(colours) > 50  # boxes, text and lines, not a blank page
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left over
    assert chart.suggested_file_name() == "Aurora Japan relationship map.png"
    assert chart.suggested_file_name(client_safe=False) == (
        "Aurora Japan relationship map (internal).png"
    )


def _rated(opened: MainWindow, chart: RelationshipMapView) -> None:
    """Every strength bucket's worth of ratings on Aurora Japan, roles, influence, a cadence
    (so 김민준, never reached, is flagged): all that must stay out of the client image."""
    services = opened.session.services  # type: ignore[union-attr]
    names = ids(chart)
    top = {"relationship_strength": 5, "influence": 5, "buying_role": "decision_maker"}
    services.contacts.update(names["田中 太郎"], top)
    cmo = {"relationship_strength": 2, "influence": 3, "buying_role": "champion", "title": "CMO"}
    services.contacts.update(names["佐藤 花子"], cmo)
    assert chart.account_id is not None
    services.accounts.update(chart.account_id, {"contact_cadence_days": 30})
    opened.session.changed.emit("contact")  # type: ignore[union-attr]
    assert any(box.node.overdue for box in chart.boxes.values())


def _pixels(image: QImage) -> set[tuple[int, int, int]]:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(rgb.constBits())[: rgb.sizeInBytes()]
    with PILImage.frombuffer("RGB", (rgb.width(), rgb.height()), data, "raw", "RGB",
                             rgb.bytesPerLine(), 1) as picture:  # fmt: skip
        return {colour for _count, colour in picture.getcolors(maxcolors=1 << 22) or []}


def _strength_colours() -> dict[tuple[int, int, int], int]:
    colours = {}
    for bucket, name in STRENGTH_COLOURS.items():
        colour = QColor(name)
        colours[(colour.red(), colour.green(), colour.blue())] = bucket
    return colours


def test_the_export_menu_offers_a_client_and_an_internal_version(
    chart: RelationshipMapView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert chart.export_button.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup
    assert chart.export_button.menu() is chart.export_menu
    texts = [action.text() for action in chart.export_menu.actions()]
    assert texts == ["For the client (names and titles only)…", "Internal (with ratings)…"]

    # each choice asks where, under its own name, and writes its own version
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(Path(suggested).name)
        return str(tmp_path / Path(suggested).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(relationship_map, "remember_folder", lambda _folder: None)  # no settings
    client, internal = chart.export_menu.actions()
    client.trigger()
    internal.trigger()
    assert asked == ["Aurora Japan relationship map.png",
                     "Aurora Japan relationship map (internal).png"]  # fmt: skip
    with PILImage.open(tmp_path / asked[0]) as one, PILImage.open(tmp_path / asked[1]) as two:
        assert one.size == chart.render_image(client_safe=True).size().toTuple()
        assert two.size == chart.render_image(client_safe=False).size().toTuple()


def test_the_client_png_has_names_and_titles_only(
    opened: MainWindow, chart: RelationshipMapView, tmp_path: Path
) -> None:
    _rated(opened, chart)
    on_screen = {item for item in chart.scene.items()}
    client, internal = chart.render_image(client_safe=True), chart.render_image(client_safe=False)
    assert client != internal and client.size() != internal.size()

    # pixel check: no strength colour anywhere in the client image; the internal one has them
    strengths = _strength_colours()
    assert not _pixels(client) & set(strengths)
    assert {strengths[c] for c in _pixels(internal) & set(strengths)} >= {0, 2, 5}

    # what the client scene holds: plain boxes with name and title, no legend, no mark
    scene = chart.export_scene(client_safe=True)
    boxes = [item for item in scene.items() if isinstance(item, ContactBox)]
    assert len(boxes) == 3 and all(box.plain for box in boxes)
    assert {box.texts[0] for box in boxes} == {"佐藤 花子", "김민준", "田中 太郎"}
    assert {box.texts[1] for box in boxes} == {"", "CEO", "CMO"}
    assert all(box.texts[2:] == ["", ""] for box in boxes)  # no role, no coverage line
    words = [item.text() for item in scene.items() if isinstance(item, QGraphicsSimpleTextItem)]
    assert words == []  # no legend, no INTERNAL mark
    assert all(not box.toolTip() for box in boxes)

    # the internal scene: the boxes as on screen, the legend and the INTERNAL banner
    scene = chart.export_scene(client_safe=False)
    words = [item.text() for item in scene.items() if isinstance(item, QGraphicsSimpleTextItem)]
    assert any(word.startswith("INTERNAL") for word in words)
    assert "Strong" in words and any("not reached within 30 days" in w for w in words)
    mark = [item for item in scene.items() if item.data(0) == "internal_mark"]
    assert len(mark) == 2  # the frame and its text
    banner = max(item.sceneBoundingRect().bottom() for item in mark)
    assert all(banner < box.sceneBoundingRect().top() for box in scene.items()
               if isinstance(box, ContactBox))  # fmt: skip  # above the chart, not over it
    boxes = [item for item in scene.items() if isinstance(item, ContactBox)]
    assert not any(box.plain for box in boxes)
    assert any(box.texts[2] == "Decision maker" for box in boxes)

    # exporting touched nothing on screen
    assert {item for item in chart.scene.items()} == on_screen
    assert not any(box.plain for box in chart.boxes.values())

    # and the files written are the two versions
    client_file = chart.export_png(tmp_path / "client.png", client_safe=True)
    internal_file = chart.export_png(tmp_path / "internal.png", client_safe=False)
    assert client_file.read_bytes() != internal_file.read_bytes()
    with PILImage.open(client_file) as picture:
        colours = {c for _n, c in picture.convert("RGB").getcolors(maxcolors=1 << 22) or []}
    assert not colours & set(strengths)


def test_the_map_fits_450_pixels(chart: RelationshipMapView) -> None:
    assert chart.minimumSizeHint().width() <= 450
    chart.window().resize(450, 700)
    QApplication.processEvents()
    assert chart.export_button.isVisible() and chart.zoom() <= 1.0


def test_edits_made_while_the_map_is_hidden_show_when_it_comes_back(
    opened: MainWindow, chart: RelationshipMapView
) -> None:
    session, view = opened.session, opened.account_view
    assert session is not None and view is not None
    kim = ids(chart)["김민준"]
    view.contacts_tabs.setCurrentWidget(view.contacts)
    assert not chart.isVisible()
    session.run(
        UpdateCommand("Rename", "contact", partial(session.services.contacts.update, kim),
                      {"name": "김민준 (Minjun Kim)", "relationship_strength": 5})
    )  # fmt: skip
    assert chart.boxes[kim].node.name == "김민준"  # not redrawn while hidden
    view.contacts_tabs.setCurrentWidget(chart)
    assert chart.boxes[kim].node.name == "김민준 (Minjun Kim)"
    assert chart.boxes[kim].node.strength_bucket == 5
