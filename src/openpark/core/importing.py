"""Spreadsheet import framework: read xlsx/xls/xlsb/ods/csv, match headers (units included), convert cells,
report errors back into the uploaded workbook, and write templates and exports that import back unchanged.

Pure: no models, no database. Every app describes its sheet with an ImportSpec.
"""
import csv
import io
import math
import re
import string
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import PurePath
from xml.etree import ElementTree

import xlsxwriter
from python_calamine import CalamineWorkbook, PasswordError
from xlsxwriter.utility import xl_col_to_name

from . import uscc
from .codes import normalise_code, normalise_industry_code
from .limits import FIRST_DATE, LAST_DATE
from .text import INVISIBLE, visible_line

__all__ = [
    "CellError", "Column", "ColumnHint", "ImportFileError", "ImportSpec", "ParseResult", "ParsedRow",
    "UnmatchedColumn", "error_report_xlsx", "export_xlsx", "header_key", "header_keys", "match_columns",
    "normalise_header", "parse_cell", "parse_rows", "read_workbook", "split_unit", "template_xlsx", "unit_factor",
    "uncalculated_formulas",
]

KINDS = {
    "text": "文本",
    "code": "代码",
    "industry": "行业代码",
    "uscc": "统一社会信用代码",
    "decimal": "数字",
    "int": "整数",
    "date": "日期",
    "bool": "是否",
    "choice": "可选值",
}
ERROR_HEADER = "错误说明"
ERROR_SHEET = "错误"
ERROR_TITLES = ("工作表", "行号", "列名", ERROR_HEADER)
INSTRUCTIONS_SHEET = "填写说明"
INSTRUCTIONS_TITLES = ("列名", "是否必填", "类型", "单位", "可选值", "其他可用列名")
HEADER_SEARCH_ROWS = 10
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods) and OLE2 (xls): a workbook named .csv
_ONE = Decimal(1)
SAMPLE_VALUES = 3  # values quoted for a column that matches no field
SAMPLE_LENGTH = 30


# ---------------------------------------------------------------- spec


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    kind: str = "text"
    unit: str = ""
    synonyms: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    decimal_places: int = 4
    # Written by an export for the reader (a company's name beside its code, a record's state) and
    # read past by an import: its header is known, so the column is not "unmatched", but its values
    # never reach the importer.
    read_only: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.field!r}: unknown kind {self.kind!r}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Column {self.field!r}: a choice column needs choices")

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass(frozen=True)
class ColumnHint:
    """Where the values of a column this sheet does not take belong, e.g. 用地面积 on the enterprise
    sheet: the land ledger. `importer` names the import that takes them, for a link."""

    headers: tuple[str, ...]
    message: str
    importer: str = ""


@dataclass(frozen=True)
class ImportSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    key: str
    # False when one key may appear on several rows (one enterprise, several periods); the importer
    # then checks for repeated rows itself.
    unique_key: bool = True
    # Shown next to a column that matches no field; a header that is also a column's name never gets one.
    hints: tuple[ColumnHint, ...] = ()

    def __post_init__(self):
        fields = [column.field for column in self.columns]
        if len(set(fields)) != len(fields):
            raise ValueError(f"ImportSpec {self.name!r}: duplicate fields")
        if self.key not in fields or not self.key_column.required:
            raise ValueError(f"ImportSpec {self.name!r}: key {self.key!r} must be a required column")
        _ = self._lookup  # built now so that two columns claiming one header fail when the spec is defined

    @property
    def key_column(self) -> Column:
        return next(column for column in self.columns if column.field == self.key)

    @cached_property
    def _lookup(self) -> dict[str, Column]:
        """Normalised header name -> column, for labels and synonyms (synonyms given with a unit also by name)."""
        lookup: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.label, *column.synonyms):
                for key in header_keys(name):
                    if lookup.setdefault(key, column) is not column:
                        raise ValueError(f"ImportSpec {self.name!r}: header {name!r} names two columns")
        return lookup

    @cached_property
    def _hints(self) -> dict[str, ColumnHint]:
        """Normalised header name -> hint; the first hint naming a header wins."""
        hints: dict[str, ColumnHint] = {}
        for hint in self.hints:
            for name in hint.headers:
                for key in header_keys(name):
                    hints.setdefault(key, hint)
        return hints

    def hint_for(self, header) -> ColumnHint | None:
        """The hint for a header that matches no column, if the spec has one."""
        for key in header_keys(header):
            if key in self._hints:
                return self._hints[key]
        return None

    def lookup_with(self, column_map: dict[str, str] | None) -> dict[str, Column]:
        """The header lookup with `column_map` (header -> field, chosen by the user for one file) added
        as extra synonyms. Entries naming no column, or a header a column already answers to, are
        left out: the spec's own names always win."""
        if not column_map:
            return self._lookup
        by_field = {column.field: column for column in self.columns}
        lookup = dict(self._lookup)
        for header, name in column_map.items():
            column = by_field.get(name)
            keys = header_keys(header) - {""}
            if column is None or not keys or keys & self._lookup.keys():
                continue
            for key in keys:
                lookup.setdefault(key, column)
        return lookup


@dataclass
class CellError:
    sheet: str
    row: int
    column: str
    value: object
    reason: str


@dataclass
class ParsedRow:
    sheet: str
    row: int
    values: dict[str, object]


@dataclass
class UnmatchedColumn:
    """A column of the file that no field answers to: its values would not be imported."""

    sheet: str
    row: int  # the header's spreadsheet row number
    index: int  # 0-based position in the sheet
    header: str  # as written; "" for values under no header
    samples: list[str]  # the first few distinct values, as the user sees them
    count: int  # non-blank cells below the header
    hint: ColumnHint | None = None

    @property
    def letter(self) -> str:
        """The spreadsheet column letter ("A", "AB")."""
        return xl_col_to_name(self.index)


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[CellError]
    columns: list[Column]
    unmatched: list[UnmatchedColumn] = dataclass_field(default_factory=list)
    # (header as written, field) for each header matched through the column map rather than by name
    mapped: list[tuple[str, str]] = dataclass_field(default_factory=list)
    # {(sheet, field): header as written}, to name a field's column as the file does
    headers: dict[tuple[str, str], str] = dataclass_field(default_factory=dict)
    # Rows with a bad cell, their cells that could be read (None for the bad ones): the later
    # checks still run on them, so that the report names every problem of a row at once.
    refused: list[ParsedRow] = dataclass_field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValueError):
    """The upload cannot be read at all; the message is meant for the user."""


# ---------------------------------------------------------------- reading


def read_workbook(data: bytes, filename: str) -> list[tuple[str, list[list]]]:
    """(sheet name, rows) for each sheet; rows keep their spreadsheet positions (row 1 is index 0)."""
    extension = PurePath(filename or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise ImportFileError(
            f"不支持的文件格式“{extension or filename}”，请上传 xlsx、xls、xlsb、ods 或 csv 文件。"
        )
    if not data:
        raise ImportFileError("文件为空。")
    if extension == ".csv" and not data.startswith(_WORKBOOK_MAGIC):
        sheets = [(PurePath(filename).stem, _read_csv(data))]
    else:
        sheets = _read_calamine(data)
    if not any(_has_value(rows) for _, rows in sheets):
        raise ImportFileError("文件中没有任何数据：每张工作表都是空的。")
    return sheets


def _has_value(rows: list[list]) -> bool:
    return any(_blank_to_none(cell) is not None for row in rows for cell in row)


def _read_calamine(data: bytes) -> list[tuple[str, list[list]]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # Without skip_empty_area=False calamine drops leading empty rows and columns, shifting row numbers.
        sheets = [
            (sheet, workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
            for sheet in workbook.sheet_names
        ]
    except PasswordError:
        raise ImportFileError("文件设置了密码，请取消密码保护后再上传。") from None
    except Exception:  # calamine parses untrusted bytes; any failure means the file cannot be read
        raise ImportFileError("无法读取文件：文件已损坏，或扩展名与实际格式不符。请用 Excel 另存为 xlsx 后再上传。") from None
    if data.startswith(b"PK\x03\x04"):
        _refuse_uncalculated_formulas(data)
    return sheets


# ---------------------------------------------------------------- formulas without a result
#
# A formula cell is read at the result the spreadsheet saved with it: what Excel, WPS or LibreOffice
# showed when the file was saved. A file written by a program may hold formulas with no saved result
# (openpyxl never writes one, xlsxwriter on request): calamine reads such a cell as empty, and a
# figure would silently go missing, so the whole file is refused, naming each such cell. Only the
# xlsx family keeps formulas as text to look at; the sheets' XML is scanned for a formula tag first,
# in chunks, and read cell by cell (streaming) only when it has one.

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_CELL_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")
_SCAN_CHUNK = 1 << 20
UNCALCULATED_SHOWN = 5  # cells named in the message; the rest are counted


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, path of its XML in the archive), in the workbook's order."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return []
    targets = {element.get("Id"): element.get("Target", "") for element in relations.iter()
               if _local(element.tag) == "Relationship"}
    parts = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        relation = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
        target = targets.get(relation)
        if target:
            parts.append((element.get("name", ""), target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return parts


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


# A sheet's rows and cells, as the XML writes them (cells never nest; any namespace prefix): read
# with a regular expression over the streamed text, several times faster than an XML parser on a
# sheet of formulas.
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>"
                          rb"|<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.DOTALL)
_ATTRIBUTE = re.compile(rb"""\b(r|t)\s*=\s*["']([^"']*)["']""")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?v>)", re.DOTALL)


_CELL_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)>\s*$")
_CELL_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")
_ROW_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?row>")


class _Uncounted(Exception):
    """A formula cell that does not say where it is."""


def _uncalculated_cells(archive: zipfile.ZipFile, part: str) -> list[tuple[int, str]]:
    """(row number, column letters) of each formula cell of the sheet saved without a result: no
    <v>, or an empty one that is not a text result ("" is a formula's result only as t="str").

    Only formulas are looked at: the text is streamed in whole rows, each formula tag found, and
    its cell read around it (<f> is a cell's first child, so the cell's tag is just before it); its
    place is its "r", which every spreadsheet writes. A cell without one has the sheet read cell
    by cell to count it."""
    found, pending = [], b""
    try:
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(_SCAN_CHUNK)
                text = pending + chunk
                if chunk:
                    ends = [row.end() for row in _ROW_CLOSE.finditer(text)]
                    if not ends:
                        pending = text
                        continue
                    text, pending = text[:ends[-1]], text[ends[-1]:]
                found += _uncalculated_in(text)
                if not chunk:
                    return found
    except _Uncounted:
        return list(_uncalculated_cells_counted(archive, part))


def _uncalculated_in(text: bytes) -> list[tuple[int, str]]:
    found = []
    for formula in _FORMULA_TAG.finditer(text):
        start = formula.start()
        opening = _CELL_OPEN.search(text, max(0, text.rfind(b"<", 0, start)), start)
        closing = _CELL_CLOSE.search(text, start)
        if opening is None or closing is None:
            raise _Uncounted
        attributes = dict(_ATTRIBUTE.findall(opening.group(1)))
        value = _VALUE.search(text, start, closing.start())
        if value is None or (not value.group(1) and attributes.get(b"t") != b"str"):
            cell = _CELL_REFERENCE.match(attributes.get(b"r", b"").decode("ascii", "replace"))
            if cell is None:
                raise _Uncounted
            found.append((int(cell.group(2)), cell.group(1)))
    return found


def _uncalculated_cells_counted(archive: zipfile.ZipFile, part: str):
    """`_uncalculated_cells` of a sheet whose formula cells do not all say where they are ("r" is
    optional): every row and cell is read, to count their places."""
    rows, row_attributes, cells, previous, pending = 0, b"", 0, b"", b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            text = pending + chunk
            end = 0
            # A row or cell cut by the chunk's end does not match: it is read again with the next chunk.
            for match in _ROW_OR_CELL.finditer(text):
                row, attributes, content = match.groups()
                end = match.end()
                if row is not None:
                    rows, row_attributes, cells, previous = rows + 1, row, 0, b""
                    continue
                cells += 1
                if content and (b"<f" in content or b":f" in content) and _FORMULA_TAG.search(content):
                    value = _VALUE.search(content)
                    found = dict(_ATTRIBUTE.findall(attributes))
                    if value is None or (not value.group(1) and found.get(b"t") != b"str"):
                        yield _place(found, row_attributes, rows, previous, cells)
                previous = attributes
            if not chunk:
                return
            pending = text[end:]


def _place(found: dict, row_attributes: bytes, rows: int, previous: bytes, cells: int) -> tuple[int, str]:
    cell = _CELL_REFERENCE.match(found.get(b"r", b"").decode("ascii", "replace"))
    if cell:
        return int(cell.group(2)), cell.group(1)
    row = dict(_ATTRIBUTE.findall(row_attributes)).get(b"r", b"")
    before = _CELL_REFERENCE.match(dict(_ATTRIBUTE.findall(previous)).get(b"r", b"").decode("ascii", "replace"))
    column = xl_col_to_name(_column_index(before.group(1)) + 1) if before else xl_col_to_name(cells - 1)
    return (int(row) if row.isdigit() else rows), column


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def uncalculated_formulas(data: bytes) -> list[tuple[str, int, str]]:
    """(sheet, row number, column letters) of each formula cell of an xlsx/xlsm saved without its
    result; [] for a file that is not of the xlsx family."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        found = []
        for sheet, part in _sheet_parts(archive):
            if part in archive.NameToInfo and _has_formula(archive, part):
                found += [(sheet, row, column) for row, column in _uncalculated_cells(archive, part)]
        return found
    except (zipfile.BadZipFile, ElementTree.ParseError, zlib.error, EOFError, OSError, ValueError, KeyError):
        return []  # calamine read the file: what cannot be looked into here is taken as it read it


def _refuse_uncalculated_formulas(data: bytes) -> None:
    found = uncalculated_formulas(data)
    if not found:
        return
    cells = "、".join(f"工作表“{sheet}”第 {row} 行 {column} 列" for sheet, row, column in found[:UNCALCULATED_SHOWN])
    more = f"等 {len(found)} 个单元格" if len(found) > UNCALCULATED_SHOWN else ""
    raise ImportFileError(
        f"{cells}{more}是公式，没有计算结果（文件可能由程序生成），无法导入。"
        "请在 Excel 中打开文件后保存，或将公式单元格复制后“选择性粘贴为数值”，再重新导入；本次未导入任何数据。"
    )


def _read_csv(data: bytes) -> list[list]:
    text = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportFileError("无法读取 CSV 文件：格式不正确。") from None


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别 CSV 文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 xlsx。")


# ---------------------------------------------------------------- headers and units

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
_BRACKETED_UNIT = re.compile(r"^(.+?)[(\[【](?:单位:?)?([^()\[\]【】]*)[)\]】]$")
_SLASH_UNIT = re.compile(r"^(.+)/([^/]+)$")
_REQUIRED_MARK = re.compile(r"^[*※]+|[*※]+$|[(\[【](?:必填|必填项|选填|可选)[)\]】]$")


def normalise_header(text) -> str:
    """NFKC (full-width → half-width, so （）→ ()), drop all whitespace, lower-case ASCII."""
    return _compact(text).translate(_ASCII_LOWER)


def _compact(text) -> str:
    """normalise_header without lower-casing."""
    text = unicodedata.normalize("NFKC", _text(text)).translate(_INVISIBLE)
    return "".join(text.split())


def header_keys(name) -> set[str]:
    """The normalised headers a column name answers to: the name, and without its unit if it has a known one."""
    keys = {header_key(name)}
    bare, unit = split_unit(name)
    if unit and _known_unit(unit):
        keys.add(bare)
    return keys


def header_key(text) -> str:
    """normalise_header, also dropping required/optional marks such as "*" and "（必填）"."""
    return _REQUIRED_MARK.sub("", normalise_header(text))


def split_unit(header) -> tuple[str, str]:
    """(name, unit), both normalised: "营业收入（元）", "营业收入(元)", "营业收入（单位：元）", "营业收入/元".

    A trailing "/x" counts as a unit only when x is a known unit, so that "名称/地址" stays one name.
    """
    name, unit = _split_unit_raw(header)
    return name.translate(_ASCII_LOWER), unit.translate(_ASCII_LOWER)


def _split_unit_raw(header) -> tuple[str, str]:
    """split_unit without lower-casing, to quote the unit in messages as the user wrote it."""
    text = _REQUIRED_MARK.sub("", _compact(header))
    match = _BRACKETED_UNIT.match(text)
    if match:
        return match.group(1), match.group(2)
    match = _SLASH_UNIT.match(text)
    if match and _known_unit(match.group(2).translate(_ASCII_LOWER)):
        return match.group(1), match.group(2)
    return text, ""


def _units(base: str, table: dict[str, str]) -> dict[str, tuple[str, Decimal]]:
    return {unit: (base, Decimal(factor)) for unit, factor in table.items()}


# unit (normalised) -> (dimension, how many canonical units one of it is)
_UNITS: dict[str, tuple[str, Decimal]] = {
    **_units("money", {"元": "0.0001", "千元": "0.1", "万元": "1", "百万元": "100", "亿元": "10000"}),
    **_units("area", {
        "平方米": "0.0015", "平米": "0.0015", "m2": "0.0015", "亩": "1", "公顷": "15", "hm2": "15",
        "万平方米": "15", "平方公里": "1500", "平方千米": "1500", "km2": "1500",
    }),
    **_units("electricity", {
        "千瓦时": "0.0001", "kwh": "0.0001", "度": "0.0001", "兆瓦时": "0.1", "mwh": "0.1",
        "万千瓦时": "1", "万kwh": "1", "万度": "1", "亿千瓦时": "10000",
    }),
    **_units("coal", {
        "千克标准煤": "0.001", "kgce": "0.001", "吨标准煤": "1", "吨标煤": "1", "tce": "1",
        "万吨标准煤": "10000", "万吨标煤": "10000", "万tce": "10000",
    }),
    **_units("mass", {"千克": "0.001", "公斤": "0.001", "kg": "0.001", "吨": "1", "万吨": "10000"}),
    **_units("people", {"人": "1", "万人": "10000"}),
}


def _known_unit(unit: str) -> bool:
    return unit in _UNITS


def unit_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """Factor turning a value in from_unit into to_unit; None if not convertible. "" means the canonical unit."""
    source, target = normalise_header(from_unit), normalise_header(to_unit)
    if not source or source == target:
        return _ONE
    if source not in _UNITS or target not in _UNITS:
        return None
    (source_dimension, source_size), (target_dimension, target_size) = _UNITS[source], _UNITS[target]
    if source_dimension != target_dimension:
        return None
    return source_size / target_size


def match_columns(
    header_row: list, spec: ImportSpec, sheet: str, row: int = 1, lookup: dict[str, Column] | None = None
) -> tuple[dict[int, tuple[Column, Decimal]], list[CellError]]:
    """File column index -> (column, unit factor); errors for missing required, duplicate and unconvertible columns.

    row is the header's spreadsheet row number, used in the errors; lookup, the header names to
    match (`ImportSpec.lookup_with`), by default the spec's own.
    """
    lookup = spec._lookup if lookup is None else lookup
    mapping: dict[int, tuple[Column, Decimal]] = {}
    errors: list[CellError] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header_row):
        match = _match_header(cell, lookup)
        if match is None:
            continue
        column, unit = match
        text = _header_text(cell)
        if column.field in seen:
            first = seen[column.field]
            reason = f"列“{text}”重复" if header_key(first) == header_key(text) else f"列“{text}”与列“{first}”重复"
            errors.append(CellError(sheet, row, text, cell, reason))
            continue
        seen[column.field] = text
        factor = _column_factor(column, unit)
        if factor is None:
            errors.append(CellError(sheet, row, text, cell, f"列“{text}”的单位“{unit}”无法换算为“{column.unit}”"))
            continue
        mapping[index] = (column, factor)
    for column in spec.columns:
        if column.required and column.field not in seen:
            errors.append(CellError(sheet, row, "", "", f"缺少必填列“{column.header}”"))
    return mapping, errors


def _match_header(cell, lookup: dict[str, Column]) -> tuple[Column, str] | None:
    """(column, unit as written) for a header cell, or None for blank and unknown headers."""
    key = header_key(cell)
    if not key:
        return None
    name, unit = _split_unit_raw(cell)
    bare = name.translate(_ASCII_LOWER)
    if unit and bare in lookup:
        column = lookup[bare]
        # A whole-header synonym such as "企业名称(全称)" wins over an unconvertible bracket.
        if key in lookup and _column_factor(column, unit) is None:
            return lookup[key], ""
        return column, unit
    if key in lookup:
        return lookup[key], ""
    return None


def _column_factor(column: Column, unit: str) -> Decimal | None:
    if not column.unit:
        return _ONE  # a bracket after a unitless column is an annotation, e.g. "企业名称（全称）"
    return unit_factor(unit, column.unit)


def _header_text(cell) -> str:
    return _text(cell).strip()


# ---------------------------------------------------------------- cells


def parse_cell(column: Column, value, factor: Decimal = _ONE) -> object:
    """The cell as the column's python value (None when empty), or ValueError with the reason in Chinese."""
    value = _blank_to_none(value)
    return None if value is None else _converter(column, factor)(value)


def _blank_to_none(value):
    """None for empty and whitespace-only cells, strings stripped, other values unchanged."""
    if type(value) is str:
        return visible_line(value) or None
    return value


# A cell's zero-width and direction-control characters (`text.INVISIBLE`) are dropped, so that a name
# copied with them matches the record it names.
_HAS_INVISIBLE = re.compile(f"[{INVISIBLE}]")


@lru_cache(maxsize=1024)
def _converter(column: Column, factor: Decimal) -> Callable[[object], object]:
    """The column's conversion of a non-blank cell, built once per (column, unit factor)."""
    return _CONVERTERS[column.kind](column, factor)


def _text(value) -> str:
    """A cell as the text the user sees."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is float:
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if kind is bool:
        return "是" if value else "否"
    if kind is datetime:
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _check_length(column: Column, text: str) -> str:
    if column.max_length is not None and len(text) > column.max_length:
        raise ValueError(f"长度不能超过 {column.max_length} 个字符（现为 {len(text)} 个）")
    return text


def _text_converter(column: Column, factor: Decimal):
    limit = column.max_length

    def convert(value):
        text = value if type(value) is str else _text(value).strip()
        return text if limit is None or len(text) <= limit else _check_length(column, text)

    return convert


def _code_converter(column: Column, factor: Decimal):
    def convert(value):
        return _check_length(column, normalise_code(_text(value)))

    return convert


def _industry_converter(column: Column, factor: Decimal):
    """A GB/T 4754 code as stored ("C3670", "Ｃ３６７０" and 3670 are "3670")."""
    def convert(value):
        return _check_length(column, normalise_industry_code(value))

    return convert


# A code already in its stored form: 8 digits, then 10 characters of the GB 32100 alphabet.
_CANONICAL_USCC = re.compile(r"[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}")
_USCC_ALPHABET = {c: i for i, c in enumerate("0123456789ABCDEFGHJKLMNPQRTUWXY")}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_converter(column: Column, factor: Decimal):
    alphabet, weights = _USCC_ALPHABET, _USCC_WEIGHTS

    def convert(value):
        # Fast path for a code as stored (normalising it changes nothing) with a right check digit;
        # anything else, and every error message, goes through uscc.validate.
        if type(value) is str and _CANONICAL_USCC.fullmatch(value):
            total = sum(alphabet[c] * w for c, w in zip(value, weights))
            if alphabet[value[17]] == -total % 31:
                return value
        return uscc.validate(_text(value))

    return convert


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Government statistics write a dash for "not applicable"; in number and date columns it means empty.
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "－", "/", "／"})
_NUMBER_JUNK = str.maketrans({",": None, "，": None, " ": None, "\u3000": None, "\u2212": "-"})


# Commas in a number are thousands separators only where they group every three digits
# ("12,345.6"); any other comma ("0,5", "12,34") may be a decimal comma and is refused rather
# than dropped, which would read 0,5 as five.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def _check_grouping(value: str) -> None:
    text = unicodedata.normalize("NFKC", value).replace(" ", "").replace("\u3000", "")
    if not _GROUPED.fullmatch(text):
        raise ValueError(f"“{value.strip()}”中的逗号不是千位分隔：小数请用小数点（如 0.5，不要写 0,5），"
                         "千位分隔须每三位一个逗号")


def _to_decimal(value) -> Decimal:
    kind = type(value)
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"“{value}”不是数字")
        return Decimal(format(value, ".15g"))  # Excel keeps 15 significant digits; drops binary noise
    if kind is int:
        return Decimal(value)
    if kind is str:
        if "," in value or "，" in value:
            _check_grouping(value)
        text = value.translate(_NUMBER_JUNK)
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text).translate(_NUMBER_JUNK)
        if _NUMBER.fullmatch(text):
            return Decimal(text)
    elif isinstance(value, Decimal) and value.is_finite():
        return value
    raise ValueError(f"“{_text(value)}”不是数字")


def _decimal_converter(column: Column, factor: Decimal):
    exponent = Decimal(1).scaleb(-column.decimal_places)
    scale = None if factor == _ONE else factor

    def convert(value):
        if value in _PLACEHOLDERS:
            return None
        number = _to_decimal(value)
        if scale is not None:
            number *= scale
        try:
            return number.quantize(exponent, ROUND_HALF_UP)
        except InvalidOperation:
            raise ValueError(f"“{_text(value)}”超出数值范围") from None

    return convert


def _int_converter(column: Column, factor: Decimal):
    scale = None if factor == _ONE else factor

    def convert(value):
        if scale is None and type(value) is float and value.is_integer():
            return int(value)
        if value in _PLACEHOLDERS:
            return None
        number = _to_decimal(value)
        if scale is not None:
            number *= scale
        if number.adjusted() > 18:  # int() of "1e999999999" would not finish
            raise ValueError(f"“{_text(value)}”超出数值范围")
        if number != number.to_integral_value():
            raise ValueError(f"“{_text(value)}”不是整数")
        return int(number)

    return convert


_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
_DATE_FORMS = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def _date_from_number(value: float) -> date:
    if value.is_integer() and 10000000 <= value <= 99999999:  # 20210305 typed as a number
        return _date_from_text(str(int(value)))
    # A bare year such as 2021 would otherwise silently become a date in 1905.
    if 1 <= value <= _MAX_SERIAL and not (value.is_integer() and FIRST_DATE.year <= value <= LAST_DATE.year):
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError


def _date_from_text(text: str) -> date:
    text = unicodedata.normalize("NFKC", text).strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month, day = map(int, match.groups())
            return date(year, month, day)
    raise ValueError


def _date_converter(column: Column, factor: Decimal):
    def convert(value):
        kind = type(value)
        if kind is date:
            return value
        if kind is datetime:
            return value.date()
        if value in _PLACEHOLDERS:
            return None
        try:
            if kind is float or kind is int:
                return _date_from_number(float(value))
            if kind is str:
                return _date_from_text(value)
        except (ValueError, OverflowError):
            pass
        raise ValueError(f"“{_text(value)}”不是有效日期")

    return convert


_BOOLS = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "t"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "×", "✗", "✘", "无", "f"), False),
}


def _bool_converter(column: Column, factor: Decimal):
    def convert(value):
        if type(value) is bool:
            return value
        result = _BOOLS.get(value)
        if result is None:
            result = _BOOLS.get(normalise_header(value))
        if result is None:
            raise ValueError(f"“{_text(value)}”不是有效的是否值（可填：是、否）")
        return result

    return convert


def _choice_converter(column: Column, factor: Decimal):
    exact, lookup = {}, {}
    for value, label in column.choices:
        exact.setdefault(value, value)
        exact.setdefault(label, value)
        lookup.setdefault(normalise_header(value), value)
        lookup.setdefault(normalise_header(label), value)
    allowed = _allowed_values(column)

    def convert(value):
        result = exact.get(value) if type(value) is str else None
        if result is None:
            result = lookup.get(normalise_header(value))
        if result is None:
            raise ValueError(f"“{_text(value)}”不是可选值（可选：{allowed}）")
        return result

    return convert


_CONVERTERS = {
    "text": _text_converter,
    "code": _code_converter,
    "industry": _industry_converter,
    "uscc": _uscc_converter,
    "decimal": _decimal_converter,
    "int": _int_converter,
    "date": _date_converter,
    "bool": _bool_converter,
    "choice": _choice_converter,
}


# ---------------------------------------------------------------- rows


def parse_rows(
    sheets: list[tuple[str, list[list]]], spec: ImportSpec, column_map: dict[str, str] | None = None
) -> ParseResult:
    """Every sheet with a header row; only rows without errors are returned, and all errors are collected.

    column_map (header -> field) names, for this file, columns whose headers the spec does not know.
    Columns that no field answers to are listed in `unmatched`, with a few of their values.
    """
    lookup = spec.lookup_with(column_map)
    result = ParseResult(rows=[], errors=[], columns=[])
    seen_keys: dict[object, tuple[str, int]] = {}
    headers = _header_rows(sheets, spec, lookup)
    for sheet, rows, header_index in headers:
        _parse_table(sheet, rows, header_index, spec, lookup, seen_keys, result)
    if not headers:
        reason = f"未找到表头：第一行应包含“{spec.key_column.label}”等列名"
        result.errors.append(CellError("", 0, "", "", reason))
    return result


def _header_rows(sheets, spec: ImportSpec, lookup: dict[str, Column]) -> list[tuple[str, list[list], int]]:
    """(sheet, rows, header row index) of each sheet to read: those whose header names the key column.

    When no sheet does, the sheets' rows naming the most columns, so that the user is told which
    columns were not recognised (the key among them) and can name them, rather than only that no
    header was found."""
    tables = [(sheet, rows) for sheet, rows in sheets if not _generated(rows)]
    found = [(sheet, rows, index) for sheet, rows in tables
             if (index := _find_header(rows, spec.key_column, lookup)) is not None]
    if found:
        return found
    return [(sheet, rows, index) for sheet, rows in tables if (index := _best_header(rows, lookup)) is not None]


def _parse_table(sheet, rows, header_index, spec, lookup, seen_keys, result: ParseResult) -> None:
    header_row = rows[header_index]
    mapping, errors = match_columns(header_row, spec, sheet, header_index + 1, lookup)
    result.errors.extend(errors)
    for index, (column, _) in mapping.items():
        if column.read_only:
            continue
        if column not in result.columns:
            result.columns.append(column)
        result.headers[(sheet, column.field)] = _header_text(header_row[index])
    if lookup is not spec._lookup:
        _note_mapped(header_row, mapping, spec, result)
    unmatched = _unmatched_columns(sheet, rows, header_index, lookup, spec)
    result.unmatched += unmatched
    present = {column.field for column, _ in mapping.values()}
    # Without a required column the rows are still checked, but not handed on: the file cannot be
    # imported, and what comes next may rely on every required value being there.
    complete = all(column.field in present for column in spec.columns if column.required)
    plan = _plan(header_row, mapping)
    data_rows = _parse_sheet(sheet, rows, header_index, plan, spec, seen_keys, result, keep_rows=complete)
    if data_rows == 0:
        if any(column.count for column in unmatched):
            reason = f"工作表“{sheet}”中识别出的列没有任何数据：数据都在未能识别的列中，请为这些列指定对应字段"
        else:
            reason = f"工作表“{sheet}”只有表头，没有数据行"
        result.errors.append(CellError(sheet, header_index + 1, "", "", reason))


def _note_mapped(header_row: list, mapping: dict[int, tuple[Column, Decimal]], spec: ImportSpec, result) -> None:
    """Record the headers matched through the column map (the spec's own names would not match them)."""
    noted = {header for header, _ in result.mapped}
    for index, (column, _) in sorted(mapping.items()):
        text = _header_text(header_row[index])
        if _match_header(text, spec._lookup) is None and text not in noted:
            result.mapped.append((text, column.field))
            noted.add(text)


def _unmatched_columns(sheet, rows, header_index, lookup, spec: ImportSpec) -> list[UnmatchedColumn]:
    """The columns no field answers to, left to right: those with a header, and those with values
    under no header. A column with neither is not one."""
    header_row = rows[header_index]
    below = range(header_index + 1, len(rows))
    width = max(len(header_row), max((len(rows[i]) for i in below), default=0))
    unmatched = []
    for index in range(width):
        cell = header_row[index] if index < len(header_row) else None
        if _match_header(cell, lookup) is not None:
            continue
        header = _header_text(cell)
        samples, count = _column_values(rows, below, index)
        if header or count:
            unmatched.append(UnmatchedColumn(sheet, header_index + 1, index, header, samples, count,
                                             spec.hint_for(header) if header else None))
    return unmatched


def _column_values(rows: list[list], below: range, index: int) -> tuple[list[str], int]:
    """(the first few distinct values, how many cells are filled) of one column below its header."""
    samples: list[str] = []
    count = 0
    for number in below:
        row = rows[number]
        value = _blank_to_none(row[index]) if index < len(row) else None
        if value is None:
            continue
        count += 1
        if len(samples) < SAMPLE_VALUES:
            text = _text(value)
            text = text if len(text) <= SAMPLE_LENGTH else text[: SAMPLE_LENGTH - 1] + "…"
            if text not in samples:
                samples.append(text)
    return samples, count


def _generated(rows: list[list]) -> bool:
    """Our own "填写说明" and "错误" sheets, which list column names and would pass for headers, when re-uploaded."""
    first = tuple(rows[0]) if rows else ()
    return any(first[: len(titles)] == titles for titles in (ERROR_TITLES, INSTRUCTIONS_TITLES))


def _find_header(rows: list[list], key: Column, lookup: dict[str, Column]) -> int | None:
    """The first row naming the key column, among the first rows."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for cell in row:
            match = _match_header(cell, lookup)
            if match is not None and match[0] is key:
                return index
    return None


def _best_header(rows: list[list], lookup: dict[str, Column]) -> int | None:
    """The first of the first rows naming the most columns; None when none names any."""
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in row if _match_header(cell, lookup) is not None)
        if count > best_count:
            best, best_count = index, count
    return best


def _plan(header_row: list, mapping: dict[int, tuple[Column, Decimal]]) -> list[tuple]:
    """(file index, field, required, converter, header text) per matched column."""
    return [
        (index, column.field, column.required, _converter(column, factor), _header_text(header_row[index]))
        for index, (column, factor) in sorted(mapping.items()) if not column.read_only
    ]


def _parse_sheet(sheet, rows, header_index, plan, spec, seen_keys, result, keep_rows=True) -> int:
    """Rows below the header into result; seen_keys (key -> first sheet and row) is shared by all sheets.
    Returns how many data rows there were (rows with a value in a column of the spec)."""
    key_field = spec.key
    key_position = next((position for position, name, *_ in plan if name == key_field), None)
    data_rows = 0
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        width = len(cells)
        number = index + 1
        values = {}
        errors = []
        missing = []
        filled = False
        for position, name, required, convert, header in plan:
            raw = cells[position] if position < width else None
            value = raw  # _blank_to_none, inlined: 1M+ cells
            if type(raw) is str:
                value = raw.strip()
                if not value.isascii() and _HAS_INVISIBLE.search(value):
                    value = visible_line(value)
                value = value or None
            if value is not None:
                try:
                    value = convert(value)
                except ValueError as exc:
                    errors.append(CellError(sheet, number, header, raw, str(exc)))
                    filled = True
                    values[name] = None  # unread: the row's other checks go on without it
                    continue
            if value is None:
                if required:
                    missing.append(CellError(sheet, number, header, "" if raw is None else raw, "必填项为空"))
            else:
                filled = True
            values[name] = value
        if not filled:
            continue  # blank rows, and footers outside the spec columns ("填表人：…")
        data_rows += 1
        errors.extend(missing)
        key = values.get(key_field) if spec.unique_key else None
        if key is not None:
            duplicate = _duplicate_key(seen_keys, key, cells[key_position], sheet, number, spec)
            if duplicate:
                errors.append(duplicate)
        if errors:
            result.errors.extend(errors)
            if keep_rows:
                result.refused.append(ParsedRow(sheet, number, values))
        elif keep_rows:
            result.rows.append(ParsedRow(sheet, number, values))
    return data_rows


def _duplicate_key(seen_keys, key, raw, sheet, number, spec) -> CellError | None:
    first = seen_keys.setdefault(key, (sheet, number))
    if first == (sheet, number):
        return None
    first_sheet, first_row = first
    where = f"第 {first_row} 行" if first_sheet == sheet else f"工作表“{first_sheet}”第 {first_row} 行"
    return CellError(sheet, number, "", raw, f"{spec.key_column.label}“{key}”与{where}重复")


# ---------------------------------------------------------------- writing

_SHEET_NAME_JUNK = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_DATE_FORMAT = "yyyy-mm-dd"


class _Formats:
    """The few cell formats of one workbook, created once."""

    def __init__(self, workbook):
        self.date = workbook.add_format({"num_format": _DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.time = workbook.add_format({"num_format": "hh:mm:ss"})
        self.duration = workbook.add_format({"num_format": "[h]:mm:ss"})
        self.header = workbook.add_format({"bg_color": "#E8EEF7", "border": 1})
        self.required = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        self.error = workbook.add_format({"bg_color": "#FFC7CE"})
        self.error_date = workbook.add_format({"bg_color": "#FFC7CE", "num_format": _DATE_FORMAT})
        self.error_text = workbook.add_format({"font_color": "#9C0006", "text_wrap": True})
        self.text = workbook.add_format({"num_format": "@"})


def safe_workbook(target, **options) -> xlsxwriter.Workbook:
    """An xlsx workbook in which text stays text: a name typed as "=HYPERLINK(…)" or a URL is
    written as the string it is, never as a formula or a link that runs when the file is opened."""
    return xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False, **options})


def _new_workbook() -> tuple[io.BytesIO, xlsxwriter.Workbook, _Formats]:
    buffer = io.BytesIO()
    # Not "in_memory": xlsxwriter then silently turns constant_memory off and holds every cell until close().
    workbook = safe_workbook(buffer, constant_memory=True)
    return buffer, workbook, _Formats(workbook)


def _close(buffer: io.BytesIO, workbook) -> bytes:
    workbook.close()
    return buffer.getvalue()


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, unique ignoring case."""
    base = (_text(name).translate(_SHEET_NAME_JUNK).strip("'") or "Sheet")[:31]
    candidate, counter = base, 1
    while candidate.lower() in taken:
        counter += 1
        suffix = f"({counter})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _write_cell(sheet, row: int, col: int, value, formats: _Formats, cell_format=None) -> None:
    """Write a value read from a workbook back as the same kind of cell."""
    kind = type(value)
    if value is None or (kind is str and not value):
        if cell_format is not None:
            sheet.write_blank(row, col, None, cell_format)
    elif kind is str:
        sheet.write_string(row, col, value, cell_format)
    elif kind is bool:
        sheet.write_boolean(row, col, value, cell_format)
    elif kind in (int, float) and math.isfinite(value):
        sheet.write_number(row, col, value, cell_format)
    elif kind is date:
        _write_date(sheet, row, col, value, formats.date if cell_format is None else formats.error_date)
    elif isinstance(value, (date, time, timedelta)) and _excel_can_hold(value):
        sheet.write_datetime(row, col, value, _date_format(value, formats, cell_format))
    else:
        sheet.write_string(row, col, _text(value), cell_format)


def _excel_can_hold(value) -> bool:
    return not isinstance(value, date) or value.year >= 1900


def _date_format(value, formats: _Formats, cell_format):
    if cell_format is not None:
        return formats.error_date if isinstance(value, date) else cell_format
    if isinstance(value, datetime):
        return formats.date if value.time() == time() else formats.datetime
    if isinstance(value, date):
        return formats.date
    return formats.time if isinstance(value, time) else formats.duration


def error_report_xlsx(sheets: list[tuple[str, list[list]]], errors: list[CellError]) -> bytes:
    """The uploaded workbook with an extra "错误说明" column; errors not tied to a data row go to a first "错误" sheet."""
    buffer, workbook, formats = _new_workbook()
    headers = {sheet: _guess_header_row(rows) for sheet, rows in sheets}
    sizes = {sheet: len(rows) for sheet, rows in sheets}
    by_row: dict[tuple[str, int], list[CellError]] = {}
    general: list[CellError] = []
    for error in errors:
        header = headers.get(error.sheet)
        if header is None or not header < error.row <= sizes[error.sheet]:
            general.append(error)
        else:
            by_row.setdefault((error.sheet, error.row), []).append(error)
    taken: set[str] = set()
    if general:
        _write_general_errors(workbook.add_worksheet(_sheet_name(ERROR_SHEET, taken)), general, formats)
    for sheet, rows in sheets:
        worksheet = workbook.add_worksheet(_sheet_name(sheet, taken))
        _write_sheet_with_errors(worksheet, sheet, rows, headers[sheet], by_row, formats)
    return _close(buffer, workbook)


def _guess_header_row(rows: list[list]) -> int:
    """1-based row number of the header: the first row with the most text cells among the first rows."""
    best, best_count = 1, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in row if type(cell) is str and cell.strip())
        if count > best_count:
            best, best_count = index + 1, count
    return best


def _write_general_errors(worksheet, errors: list[CellError], formats: _Formats) -> None:
    for col, title in enumerate(ERROR_TITLES):
        worksheet.write_string(0, col, title, formats.required)
    worksheet.set_column(0, 2, 16)
    worksheet.set_column(3, 3, 60)
    for row, error in enumerate(errors, start=1):
        worksheet.write_string(row, 0, error.sheet)
        if error.row > 0:
            worksheet.write_number(row, 1, error.row)
        worksheet.write_string(row, 2, error.column)
        worksheet.write_string(row, 3, _reason(error))


def _write_sheet_with_errors(worksheet, sheet, rows, header_row, by_row, formats) -> None:
    width = max((len(row) for row in rows), default=0)
    header_cells = rows[header_row - 1] if rows else []
    columns = {_header_text(cell): col for col, cell in enumerate(header_cells) if _header_text(cell)}
    worksheet.set_column(width, width, 60)
    if not rows:
        worksheet.write_string(0, width, ERROR_HEADER, formats.required)
    for index, cells in enumerate(rows):
        number = index + 1
        row_errors = by_row.get((sheet, number), ())
        marked = {columns.get(error.column) for error in row_errors}
        for col, value in enumerate(cells):
            _write_cell(worksheet, index, col, value, formats, formats.error if col in marked else None)
        if number == header_row:
            worksheet.write_string(index, width, ERROR_HEADER, formats.required)
        elif row_errors:
            worksheet.write_string(index, width, "；".join(map(_reason, row_errors)), formats.error_text)


def _reason(error: CellError) -> str:
    reason = error.reason.rstrip("。")
    return f"{error.column}：{reason}" if error.column else reason


def template_xlsx(spec: ImportSpec) -> bytes:
    """An empty sheet with the header row (required headers bold) and a "填写说明" sheet describing each column."""
    buffer, workbook, formats = _new_workbook()
    taken: set[str] = set()
    worksheet = workbook.add_worksheet(_sheet_name(spec.title, taken))
    _write_header(worksheet, spec, formats)
    _write_instructions(workbook.add_worksheet(_sheet_name(INSTRUCTIONS_SHEET, taken)), spec, formats)
    return _close(buffer, workbook)


def _write_header(worksheet, spec: ImportSpec, formats: _Formats) -> None:
    for col, column in enumerate(spec.columns):
        worksheet.write_string(0, col, column.header, formats.required if column.required else formats.header)
        # Text columns formatted as text so Excel keeps codes' leading zeros and long digit strings.
        text_format = formats.text if column.kind in ("text", "code", "industry", "uscc") else None
        date_format = formats.date if column.kind == "date" else None
        worksheet.set_column(col, col, max(12, min(40, len(column.header) * 2 + 2)), text_format or date_format)
    worksheet.freeze_panes(1, 0)


def _write_instructions(worksheet, spec: ImportSpec, formats: _Formats) -> None:
    for col, title in enumerate(INSTRUCTIONS_TITLES):
        worksheet.write_string(0, col, title, formats.required)
    worksheet.set_column(0, 0, 28)
    worksheet.set_column(1, 3, 12)
    worksheet.set_column(4, 5, 40)
    for row, column in enumerate(spec.columns, start=1):
        cells = (
            column.header,
            "是" if column.required else "否",
            KINDS[column.kind],
            column.unit,
            _allowed_values(column),
            "、".join(column.synonyms),
        )
        for col, text in enumerate(cells):
            worksheet.write_string(row, col, text)


def _allowed_values(column: Column) -> str:
    if column.kind == "bool":
        return "是、否"
    return "、".join(label for _, label in column.choices) if column.kind == "choice" else ""


def export_xlsx(spec: ImportSpec, rows: Iterable[dict]) -> bytes:
    """Rows keyed by field under the template's header row, written so that the file imports back unchanged."""
    buffer, workbook, formats = _new_workbook()
    worksheet = workbook.add_worksheet(_sheet_name(spec.title, set()))
    _write_header(worksheet, spec, formats)
    writers = [
        (col, column.field, _export_writer(worksheet, column, formats)) for col, column in enumerate(spec.columns)
    ]
    for row, values in enumerate(rows, start=1):
        get = values.get
        for col, name, write in writers:
            value = get(name)
            if value is not None:
                write(row, col, value)
    return _close(buffer, workbook)


def _export_writer(worksheet, column: Column, formats: _Formats) -> Callable[[int, int, object], object]:
    kind = column.kind
    if kind in ("decimal", "int"):
        write_number = worksheet.write_number
        return lambda row, col, value: write_number(row, col, float(value))
    if kind == "date":
        return lambda row, col, value: _write_date(worksheet, row, col, value, formats.date)
    if kind == "bool":
        return lambda row, col, value: worksheet.write_string(row, col, "是" if value else "否")
    if kind == "choice":
        labels = dict(column.choices)
        return lambda row, col, value: worksheet.write_string(row, col, labels.get(value, _text(value)))
    # write_string of "" writes nothing, as wanted for empty text.
    return lambda row, col, value: worksheet.write_string(row, col, _text(value))


_SERIAL_FROM = date(1900, 3, 1)  # from here on Excel's serial is plain day counting (no 1900-02-29)


def _write_date(worksheet, row: int, col: int, value, date_format) -> None:
    """A date cell (datetimes keep only the date); the serial is computed here because xlsxwriter's is slow."""
    if isinstance(value, datetime):
        value = value.date()
    if type(value) is date and value >= _SERIAL_FROM:
        worksheet.write_number(row, col, (value - _EXCEL_EPOCH).days, date_format)
    elif isinstance(value, date) and value.year >= 1900:
        worksheet.write_datetime(row, col, value, date_format)
    else:
        worksheet.write_string(row, col, _text(value))
