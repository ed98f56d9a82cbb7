"""A firm's trend (经营趋势): this year's cumulative revenue by month against last year's and the
2000万 line, so a clerk sees at a glance whether the firm will cross it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from desktop import figures, thresholds


class TrendChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.series: dict[str, QLineSeries] = {}

    def show_firm(self, firm_id: int, year: int | None = None) -> None:
        year = year or date.today().year
        scale = thresholds.load().scale
        chart = QChart()
        chart.setTitle(f"主营业务收入（1-N月累计，万元）　{year - 1}年与{year}年对比")
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        highest = scale
        self.series = {}
        for label, points, colour, dashed in (
            (f"{year}年", figures.revenue_series(firm_id, year), "#1565c0", False),
            (f"{year - 1}年", figures.revenue_series(firm_id, year - 1), "#9e9e9e", False),
            (f"规上标准 {scale:.0f}万元", [(1, scale), (12, scale)], "#c62828", True),
        ):
            series = QLineSeries()
            series.setName(label)
            pen = QPen(QColor(colour), 2.5 if not dashed else 1.5)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            series.setPen(pen)
            for month, value in points:
                series.append(month, float(value))
                highest = max(highest, Decimal(value))
            series.setPointsVisible(not dashed)
            chart.addSeries(series)
            self.series[label] = series
        months = QValueAxis()
        months.setRange(1, 12)
        months.setTickCount(12)
        months.setLabelFormat("%d")  # the format is printf-style and cannot carry 月 itself
        months.setTitleText("月份")
        money = QValueAxis()
        money.setRange(0, float(highest) * 1.1)
        money.setLabelFormat("%.0f")
        money.setTitleText("万元")
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(money, Qt.AlignmentFlag.AlignLeft)
        for series in self.series.values():
            series.attachAxis(months)
            series.attachAxis(money)
        self.setChart(chart)
