"""Reading the spreadsheets clerks exchange into plain rows, or refusing them with a message the clerk can act on.

Owns: turning a .xlsx/.xlsm/.xls (python-calamine, Rust) or .csv (csv module) file into `Sheet`s whose cells are
the values the spreadsheet shows, and raising `UnreadableFile` (Chinese message naming the file, what is wrong and
what to do) for anything else. It does not interpret rows: finding the header, mapping columns and parsing CSV text
into numbers is the importer's job.

Safety, before any parser sees the file and with bounded memory:
- the file size limit (`MAX_FILE_MB`);
- the content must match the extension (magic bytes). What the content really is decides the reader when it is a
  workbook anyway (WPS saves .xlsx zips named .xls; an .xls renamed .xlsx), else the file is refused saying what
  it probably is. An OLE2 file holding an "EncryptedPackage" stream is an Office file with an opening password;
- for zip-based workbooks nothing is extracted: the declared unpacked size (`MAX_UNPACKED_MB`) and the compression
  ratio (`MAX_RATIO`) stop zip bombs, and each worksheet's declared used range (`<dimension>`, `MAX_CELLS`) stops a
  stray cell at XFD1048576: calamine allocates rows x columns cells and *aborts the process* (not an exception)
  when that is absurd (tafia/calamine#693). These checks trust what the zip and the sheet declare, which is what
  Excel and WPS write truthfully; a file crafted to lie about them is not caught here.

calamine parses XML in Rust, not with Python's XML modules. defusedxml is installed so that openpyxl, which the
rest of the app uses to write and read workbooks, parses safely (openpyxl switches to it when present).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import python_calamine as calamine

from desktop.errors import PeiyuError

MAX_FILE_MB = 50
MAX_UNPACKED_MB = 400
MAX_RATIO = 100
MAX_CELLS = 20_000_000  # rows x columns of one worksheet's used range; calamine needs 32 bytes per cell
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".csv")

_MB = 1024 * 1024
_RATIO_FLOOR_MB = 10  # below this unpacked size a high ratio is harmless, so it is not held against the file
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED = "文件已加密（设置了打开密码），请在 Excel/WPS 中另存为不加密的文件后再导入"
_RESAVE = "请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
_WHAT = {
    "xlsb": "Excel 二进制工作簿 .xlsb",
    "ods": "OpenDocument 表格 .ods",
    "docx": "Word 文档",
    "pptx": "PowerPoint 演示文稿",
    "zip": "ZIP 压缩包",
    "doc": "旧版 Word 文档",
    "ole": "其他 Office 文档",
    "pdf": "PDF 文档",
    "html": "网页（HTML）文件",
    "xml2003": "Excel 2003 XML 表格",
    "text": "文本文件",
    "image": "图片",
    "rar": "RAR 压缩包",
    "7z": "7z 压缩包",
    "damaged": "已损坏或不完整的文件（例如没有下载或复制完整）",
    "unknown": "已损坏的文件或其他程序的文件",
}
_CONVERTIBLE = ("xlsb", "ods", "html", "xml2003")  # Excel/WPS can open these and save them as .xlsx
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"'
)


class UnreadableFile(PeiyuError):
    """The file cannot be read. The message names the file, says what is wrong and what the clerk can do."""


@dataclass(frozen=True)
class Sheet:
    """Cells as the spreadsheet shows them: str, int, float, bool, datetime.date/datetime/time, or None.

    Rows keep their positions (rows[2] is Excel row 3, leading empty rows and columns are kept); all rows have the
    same width; trailing fully-empty rows and columns are trimmed. CSV cells stay strings.
    """

    name: str
    rows: list[list[object]]


@dataclass(frozen=True)
class Limits:
    """The safety limits; tests pass smaller ones."""

    file_mb: float = MAX_FILE_MB
    unpacked_mb: float = MAX_UNPACKED_MB
    ratio: float = MAX_RATIO
    cells: int = MAX_CELLS


def sheet_names(path: str | os.PathLike[str], *, limits: Limits | None = None) -> list[str]:
    """The worksheets in file order, hidden ones included; a CSV has one, named after the file."""
    with _opened(Path(path), limits or Limits()) as book:
        return book.names()


def has_sheet(path: str | os.PathLike[str], name: str) -> bool:
    """Whether a workbook has a worksheet of this name (hidden ones too); False for anything unreadable.

    How the app recognises its own files (报送包, 退回清单) by their hidden information sheet."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        return name in sheet_names(path)
    except UnreadableFile:
        return False


def read_sheet(path: str | os.PathLike[str], sheet: str | None = None, *, limits: Limits | None = None) -> Sheet:
    """The named worksheet, or by default the first visible one with data (else any with data, else the first)."""
    with _opened(Path(path), limits or Limits()) as book:
        names = book.names()
        if sheet is not None:
            if sheet not in names:
                raise UnreadableFile(
                    _message(Path(path), f"文件中没有名为“{sheet}”的工作表（现有：{'、'.join(names)}）")
                )
            return book.read(sheet)
        fallback: Sheet | None = None
        for name in names:
            found = book.read(name)
            if found.rows and book.visible(name):
                return found
            if fallback is None or (found.rows and not fallback.rows):
                fallback = found
        if fallback is None:
            raise UnreadableFile(_message(Path(path), "文件中没有工作表"))
        return fallback


def read_all(path: str | os.PathLike[str], *, limits: Limits | None = None) -> list[Sheet]:
    """Every worksheet in file order, empty and hidden ones included."""
    with _opened(Path(path), limits or Limits()) as book:
        return [book.read(name) for name in book.names()]


class _Book(Protocol):
    def names(self) -> list[str]: ...

    def visible(self, name: str) -> bool: ...

    def read(self, name: str) -> Sheet: ...


class _CalamineBook:
    def __init__(self, path: Path, workbook: calamine.CalamineWorkbook) -> None:
        self._path = path
        self._workbook = workbook
        with _reader_errors(path):
            self._meta = {m.name: m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet}

    def names(self) -> list[str]:
        return list(self._meta)

    def visible(self, name: str) -> bool:
        return self._meta[name].visible == calamine.SheetVisibleEnum.Visible

    def read(self, name: str) -> Sheet:
        with _reader_errors(self._path):
            raw = self._workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        # calamine gives 259.0 for a cell showing 259 and "" for an empty one
        rows: list[list[object]] = [
            [(int(v) if v.is_integer() else v) if type(v) is float else (None if v == "" else v) for v in row]
            for row in raw
        ]
        return Sheet(name, _tidy(rows))


class _CsvBook:
    def __init__(self, path: Path) -> None:
        self._path = path

    def names(self) -> list[str]:
        return [self._path.stem]

    def visible(self, name: str) -> bool:
        return True

    def read(self, name: str) -> Sheet:
        text = _decode(self._path, self._path.read_bytes())
        delimiter = _sniff_delimiter(text[:65536])
        try:
            rows: list[list[object]] = [
                [cell if cell != "" else None for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            ]
        except csv.Error as e:
            raise UnreadableFile(_message(self._path, f"CSV 文件格式有误，{_RESAVE}（{e}）")) from e
        return Sheet(name, _tidy(rows))


@contextmanager
def _opened(path: Path, limits: Limits) -> Iterator[_Book]:
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise UnreadableFile(_message(path, f"无法识别的文件类型 {ext or '（无扩展名）'}，支持 {' '.join(SUPPORTED)}"))
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        size = path.stat().st_size
        if size > limits.file_mb * _MB:
            raise UnreadableFile(
                _message(
                    path,
                    f"文件过大（{size / _MB:.1f}MB，上限 {limits.file_mb:g}MB），请删除不需要的工作表或拆分成几个文件后再导入",
                )
            )
        if size == 0:
            raise UnreadableFile(_message(path, "文件是空的（0 字节），请确认选对了文件"))
        kind = _content_kind(path)
        if kind == "encrypted":
            raise UnreadableFile(_message(path, _ENCRYPTED))
        if kind == "text" and ext == ".csv":
            yield _CsvBook(path)
            return
        if kind not in ("xlsx", "xls"):
            raise UnreadableFile(_message(path, _mismatch(ext, kind)))
        if kind == "xlsx":
            _check_zip(path, size, limits)
        with _reader_errors(path):
            if (kind, ext) in (("xlsx", ".xlsx"), ("xlsx", ".xlsm"), ("xls", ".xls")):
                workbook = calamine.CalamineWorkbook.from_path(path)
            else:
                with path.open("rb") as fh:
                    workbook = calamine.CalamineWorkbook.from_filelike(fh)
        with workbook:
            yield _CalamineBook(path, workbook)
    except OSError as e:
        raise UnreadableFile(_message(path, _os_reason(e))) from e


def _mismatch(ext: str, kind: str) -> str:
    if ext == ".xls" and kind in ("html", "xml2003"):
        what = "网页（HTML）格式的表格（常见于从业务系统导出的文件）" if kind == "html" else "Excel 2003 XML 表格"
        return f"文件扩展名是 .xls，但内容其实是{_spaced(what)}，{_RESAVE}"
    if ext == ".xls" and kind == "text":
        return "文件扩展名是 .xls，但内容其实是文本（CSV 等）格式，请把扩展名改为 .csv 后再导入"
    expected = "CSV 文本表格" if ext == ".csv" else "Excel 文件"
    advice = _RESAVE if kind in _CONVERTIBLE else "请确认选对了文件"
    return f"文件扩展名是 {ext}，但内容不是 {expected}（可能是{_spaced(_WHAT[kind])}），{advice}"


def _spaced(text: str) -> str:
    """A space between Chinese and a following Latin word, as in 可能是 PDF 文档."""
    return " " + text if text[:1].isascii() else text


def _content_kind(path: Path) -> str:
    """What the bytes are, whatever the extension says: xlsx, xls, encrypted, text or a key of _WHAT."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError):
            return "damaged"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "mimetype" in names and "content.xml" in names:
            return "ods"
        return "docx" if "word/document.xml" in names else "pptx" if "ppt/presentation.xml" in names else "zip"
    if head.startswith(_OLE2_MAGIC):
        # stream names in the OLE2 directory are UTF-16LE; without olefile a byte search finds them
        encrypted, workbook, book, word = (
            n.encode("utf-16-le") for n in ("EncryptedPackage", "Workbook", "Book\0", "WordDocument")
        )
        found = _file_contains(path, [encrypted, workbook, book, word])
        if encrypted in found:
            return "encrypted"
        if workbook in found or book in found:
            return "xls"
        return "doc" if word in found else "ole"
    for magic, kind in (
        (b"%PDF", "pdf"),
        (b"\x89PNG", "image"),
        (b"\xff\xd8\xff", "image"),
        (b"GIF8", "image"),
        (b"Rar!", "rar"),
        (b"7z\xbc\xaf", "7z"),
    ):
        if head.startswith(magic):
            return kind
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\0" in head:
        return "unknown"
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()[:2048].lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in start:
        return "html"
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in start:
        return "xml2003"
    return "text"


def _file_contains(path: Path, needles: list[bytes]) -> set[bytes]:
    """Which needles occur in the file, read 1 MB at a time."""
    found: set[bytes] = set()
    keep = max(len(n) for n in needles) - 1
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_MB):
            buf = tail + chunk
            found.update(n for n in needles if n in buf)
            tail = buf[-keep:]
    return found


def _check_zip(path: Path, size: int, limits: Limits) -> None:
    """Refuse zip bombs and absurd used ranges from the zip's directory and each sheet's first bytes."""
    bomb = _message(path, "文件解压后过大，可能已损坏或是恶意文件")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > limits.unpacked_mb * _MB:
                raise UnreadableFile(bomb)
            if unpacked > _RATIO_FLOOR_MB * _MB and unpacked > limits.ratio * size:
                raise UnreadableFile(bomb)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with zf.open(info) as fh:
                        head = fh.read(65536)
                    _check_dimension(path, head, limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        ValueError,
        RuntimeError,
        EOFError,
    ) as e:  # RuntimeError covers unsupported features
        raise UnreadableFile(_message(path, f"文件已损坏（压缩结构无效），{_RESAVE}（{e}）")) from e


def _check_dimension(path: Path, head: bytes, limits: Limits) -> None:
    found = _DIMENSION.search(head)
    if found is None:
        return
    col, row = (found[3], found[4]) if found[3] else (found[1], found[2])
    cells = _column_number(col.decode()) * int(row)
    if cells > limits.cells:
        used = found.group(0).rsplit(b'"', 2)[1].decode()
        raise UnreadableFile(
            _message(
                path,
                f"有工作表的使用范围过大（{used}，约 {cells:,} 个单元格），可能是表格边缘有误填的内容；"
                "请在 Excel/WPS 中删除多余的行和列后另存，再导入",
            )
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@contextmanager
def _reader_errors(path: Path) -> Iterator[None]:
    """Any failure inside calamine becomes UnreadableFile; its own text is kept in parentheses."""
    try:
        yield
    except calamine.PasswordError as e:
        raise UnreadableFile(_message(path, _ENCRYPTED)) from e
    except OSError as e:
        raise UnreadableFile(_message(path, _os_reason(e))) from e
    except BaseException as e:
        # a Rust panic arrives as pyo3's PanicException, which derives from BaseException
        if not isinstance(e, Exception) and type(e).__name__ != "PanicException":
            raise
        raise UnreadableFile(
            _message(path, f"文件内容已损坏或格式不受支持，{_RESAVE}（{type(e).__name__}: {e}）")
        ) from e


def _os_reason(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "找不到文件，可能已被移动或删除"
    if isinstance(e, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(e, PermissionError):
        return "没有权限读取文件（可能正被其他程序占用），请关闭占用它的程序后重试"
    return f"无法打开文件（{e.strerror or e}）"


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 with BOM, UTF-16 with BOM, else strict UTF-8, else GB18030 (a superset of the GBK Excel writes)."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_message(path, f"无法识别文件的文字编码，{_RESAVE}，或另存为 UTF-8 编码的 CSV"))


def _sniff_delimiter(sample: str) -> str:
    """Comma, tab or semicolon, judged on the first lines; comma when unsure."""
    lines = sample.splitlines()[:20]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;").delimiter
    except csv.Error:
        return ","
    first = next((line for line in lines if line.strip()), "")
    return delimiter if delimiter in first or "," not in first else ","


def _tidy(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty rows and columns and pad ragged rows with None, in place."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    while width and all(len(row) < width or row[width - 1] is None for row in rows):
        width -= 1
    for i, row in enumerate(rows):
        if len(row) != width:
            rows[i] = row[:width] + [None] * (width - len(row))
    return rows


def _message(path: Path, reason: str) -> str:
    return f"无法读取“{path.name}”：{reason}"
