"""打印预览 and 打印 of a PDF roster: every page of the PDF that `desktop.sheet_pdf` wrote is painted
into the printer's page, scaled to fit, so what the clerk previews and what comes out of the printer
are that PDF itself (the same file they could save, sign and stamp).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

PREVIEW_DPI = 120  # the preview keeps every page as an image: enough for a screen, small in memory
PRINT_DPI = 300  # paper: sharp small print without sending the printer huge images


class UnreadablePdf(Exception):
    """The PDF to print could not be opened (it is written by us, so this is a bug or a lost temp file)."""


def a4_landscape_printer(title: str = "") -> QPrinter:
    """A printer set to A4 landscape, the page the rosters are laid out on."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            printer.pageLayout().margins(),
            printer.pageLayout().units(),
        )
    )
    printer.setDocName(title)
    return printer


def paint_pdf(pdf_path: str | Path, printer: QPrinter) -> int:
    """Paint every page of the PDF onto the printer, each scaled to fit the printable area and
    centred; return the number of pages painted."""
    document = QPdfDocument()
    error = document.load(str(pdf_path))
    if error != QPdfDocument.Error.None_:
        raise UnreadablePdf(f"无法读取 {pdf_path}（{error.name}）")
    previewing = printer.paintEngine().type() == QPaintEngine.Type.Picture  # QPrintPreviewWidget records
    dpi = PREVIEW_DPI if previewing else min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise OSError("打印机无法开始打印，请检查打印机是否已连接。")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRectF(0, 0, printer.width(), printer.height())  # the printable area, in device pixels
        for index in range(document.pageCount()):
            if index and not printer.newPage():
                raise OSError("打印机无法换页。")
            points = document.pagePointSize(index)
            scale = min(area.width() / points.width(), area.height() / points.height())
            width, height = points.width() * scale, points.height() * scale
            target = QRectF(
                area.x() + (area.width() - width) / 2, area.y() + (area.height() - height) / 2, width, height
            )
            painter.drawImage(target, _on_white(document.render(index, (points * dpi / 72).toSize())))
        return document.pageCount()
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def _on_white(rendered: QImage) -> QImage:
    """The page as an opaque image: pdfium leaves the paper transparent, which some printer
    drivers print as black."""
    page = QImage(rendered.size(), QImage.Format.Format_RGB32)
    page.fill(Qt.GlobalColor.white)
    painter = QPainter(page)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return page


class PdfPrintPreview(QPrintPreviewDialog):
    """Qt's print preview over an A4 landscape printer, showing the PDF's pages; its print
    button prints exactly these pages."""

    def __init__(self, pdf_path: str | Path, title: str, parent: QWidget | None = None) -> None:
        printer = a4_landscape_printer(title)
        super().__init__(printer, parent)
        self.printer = printer  # the dialog does not own it
        self.pdf_path = Path(pdf_path)
        self.pages = 0
        self.setWindowTitle(f"打印预览 — {title}")
        self.paintRequested.connect(self.paint)
        self.resize(1100, 780)

    def paint(self, printer: QPrinter) -> None:
        self.pages = paint_pdf(self.pdf_path, printer)


def open_preview(pdf_path: str | Path, title: str, parent: QWidget | None = None) -> PdfPrintPreview:
    """Open the preview (window-modal, returns at once); the caller removes the PDF on `finished`."""
    preview = PdfPrintPreview(pdf_path, title, parent)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.open()
    return preview


def choose_printer(title: str, parent: QWidget | None = None) -> QPrinter | None:
    """Ask which printer and how many copies (the system's print dialog); None if cancelled.
    Tests replace this."""
    printer = a4_landscape_printer(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_pdf(pdf_path: str | Path, title: str, parent: QWidget | None = None) -> int:
    """Ask for a printer and print the PDF on it; return the pages sent (0 if the clerk cancelled)."""
    printer = choose_printer(title, parent)
    if printer is None:
        return 0
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return paint_pdf(pdf_path, printer)
    finally:
        QGuiApplication.restoreOverrideCursor()
