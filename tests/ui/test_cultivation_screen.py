"""培育库 reads its roster and proposals in the background and shows the newest asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop import cultivation, figures, registry
from ui.cultivation_screen import CultivationScreen
from ui.jobs import JobRunner


def test_roster_is_read_in_the_background(county, qtbot, qtmodeltester):
    firm_id = registry.create_firm({"uscc": "91110000600037341L", "name": "恒瑞化工有限公司"}, actor="x").firm_id
    figures.store(firm_id, 2026, 10, {"revenue": Decimal("1000")}, actor="x")
    cultivation.enter_many(
        {firm_id: "上年500-2000万"}, cultivation.KEY_POOL, year=2026, date_in=date(2026, 11, 1), actor="x"
    )
    screen = CultivationScreen(JobRunner())  # the real thread pool
    qtbot.addWidget(screen)
    screen.refresh_choices()
    screen.database.setCurrentText(cultivation.BASIC_INFO)  # read, then overtaken by …
    screen.database.setCurrentText(cultivation.KEY_POOL)  # … the database shown
    assert screen.count.text() == "正在读取……"
    qtbot.waitUntil(lambda: not screen.runner.busy, timeout=5000)
    assert screen.count.text() == "共 1 家" and screen.roster.model().rowCount() == 1
    model = screen.roster.model()
    assert [model.index(0, c).data() for c in (0, 1, 5)] == ["恒瑞化工有限公司", "91110000600037341L", "上年500-2000万"]
    qtmodeltester.check(model)
