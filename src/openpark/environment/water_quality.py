"""Surface-water quality classes by GB 3838-2002 (Table 1), graded as 环办〔2011〕22号
(地表水环境质量评价办法（试行）) prescribes. Pure: no models, no database.

    python -m openpark.environment.water_quality --input samples.xlsx --output classes.csv

The command line reads xlsx, xls, ods or csv: one sample a row, 样品编号, an optional 水体类型
(河流; 湖库, 湖泊 or 水库), and the parameters as columns under their Table 1 names or the lab's
(COD, CODMn, NH3-N, TP, DO, Cr6+ …), with or without a unit ("氨氮（mg/L）", "汞(μg/L)": μg/L,
ng/L and counts per 100 mL are converted). It writes the same rows with 水质类别, 水质状况 and
超标项目 added, as xlsx or csv (UTF-8 with a BOM, formulas neutralised). A file with any bad cell or
unknown column writes nothing: the message names sheet, row and column, and the exit code is 2.

One table of limits (`PARAMETERS`) and one home for each rule. The rules are written once, with
operators that work the same on a number and on a numpy array (`_classes`, `_multiples`), so the
scalar functions (`parameter_class`, `sample_class`, `exceedances`, `assess`) and the vectorised
path (`grade_table`, for a million samples at once) cannot disagree.

The rules, and the choices made where the sources leave room:

- A parameter's class is the best class whose limit its value meets: value ≤ limit, value ≥ limit
  for dissolved oxygen, 6 ≤ pH ≤ 9 for classes I–V. Worse than class V is 劣V. pH outside 6–9 is
  劣V (GB 3838-2002 gives pH one range for all five classes).
- Total phosphorus takes the lake and reservoir limits when the water is 湖库, the river limits
  otherwise.
- A sample's class is its worst parameter's (single-factor method) over the parameters that count:
  Table 1 without water temperature, total nitrogen and faecal coliform (环办〔2011〕22号: 水温、总氮、
  粪大肠菌群 are graded separately, as a reference). Total nitrogen and faecal coliform still get a
  class of their own; they neither set the sample's class nor appear among its exceedances.
  Water temperature has no class in Table 1 (its limit is a change against the natural state) and
  is not graded.
- A value below the detection limit ("ND", "未检出", "<0.01", "0.01L") is recorded as such and
  meets class I for its parameter: the lab found less than it can measure. The exception is
  dissolved oxygen, whose limits are minimums: oxygen below detection is anoxic water, 劣V. pH
  cannot be below detection. A missing value (empty cell, "-", "/") is skipped.
- Exceedances (超标项目) are the counting parameters worse than class III. Each comes with its
  multiple of the class III limit, 超标倍数 = (C − S) / S, as 环办〔2011〕22号 defines it; that
  document computes no multiple for water temperature, pH and dissolved oxygen, so pH and
  dissolved oxygen are listed by name alone. They are listed in Table 1 order, in full-width
  brackets as Chinese text writes them: "氨氮（0.85 倍）、总磷（1.20 倍）".
- Qualitative grade (水质状况) of a class: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染.
- A river (or basin) with more than 5 sections is graded by the shares of its sections' classes
  (`river_grade`): I–III ≥ 90 % 优; 75–90 % 良好; under 75 % with 劣V under 20 % 轻度污染; 劣V 20–40 %
  中度污染; 劣V ≥ 40 % 重度污染. With 5 sections or fewer, `river_grade_of_sections` does what the
  same document prescribes for a river with few sections: it averages each parameter's
  concentration over the sections (arithmetic mean), grades that mean as one sample and gives the
  grade of its class. A value below detection counts in the mean as half its detection limit
  (0 when the limit is not written), the usual rule of Chinese monitoring statistics; when every
  section is below detection the mean is below detection too. (Copies of 环办〔2011〕22号 apply the
  share method from 5 sections up, "5个（含5个）以上"; the domain notes, like summaries such as
  Shenzhen's, say "more than 5", which is followed here. `SHARE_METHOD_MIN_SECTIONS` holds the
  choice.)
"""
import argparse
import csv
import errno
import io
import math
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction
from pathlib import Path

import numpy as np

from openpark.core import importing
from openpark.core.exports import neutralised
from openpark.core.importing import Column, ImportFileError, ImportSpec

# ---------------------------------------------------------------- classes, water types, grades


class WaterClass(IntEnum):
    """The water-quality classes of GB 3838-2002, best first; 劣V is worse than V."""

    I = 1  # noqa: E741 (the class's own name)
    II = 2
    III = 3
    IV = 4
    V = 5
    WORSE_THAN_V = 6

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


# Index = class number; 0 stands for "no class" (no value) in the vectorised path.
CLASS_LABELS = ("", "I", "II", "III", "IV", "V", "劣V")
GRADES = ("", "优", "优", "良好", "轻度污染", "中度污染", "重度污染")


class WaterType(Enum):
    RIVER = "河流"
    LAKE = "湖库"


WATER_TYPE_NAMES = {"河流": WaterType.RIVER, "河道": WaterType.RIVER, "湖库": WaterType.LAKE,
                    "湖泊": WaterType.LAKE, "水库": WaterType.LAKE}


def water_type_of(value) -> WaterType:
    """河流 or 湖库 from a WaterType or its Chinese name (湖泊 and 水库 are 湖库); empty is 河流."""
    if isinstance(value, WaterType):
        return value
    text = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return WaterType.RIVER
    if text not in WATER_TYPE_NAMES:
        raise ValueError(f"“{text}”不是有效的水体类型（可填：{'、'.join(WATER_TYPE_NAMES)}）")
    return WATER_TYPE_NAMES[text]


def grade(water_class) -> str:
    """水质状况 of a class: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染."""
    return GRADES[WaterClass(water_class)]


# ---------------------------------------------------------------- GB 3838-2002 Table 1

AT_MOST, AT_LEAST, RANGE = "at most", "at least", "range"


@dataclass(frozen=True)
class Parameter:
    key: str
    name: str  # as GB 3838-2002 Table 1 names it
    limits: tuple[float, ...]  # classes I..V (RANGE: the one range of I–V)
    rule: str = AT_MOST
    lake_limits: tuple[float, ...] | None = None  # for 湖库, when they differ
    counts: bool = True  # toward the sample's class (and its exceedances)
    has_multiple: bool = True  # 超标倍数 is computed
    synonyms: tuple[str, ...] = ()
    unit: str = "mg/L"
    most: float | None = None  # the largest value taken; by default MOST_TIMES_LIMIT times its largest limit

    @property
    def ceiling(self) -> float:
        """The largest value accepted: no river, lake or outfall water measures more (a larger one is
        a wrong unit or a typing error, and would overflow the exceedance multiple)."""
        if self.most is not None:
            return self.most
        return max((*self.limits, *(self.lake_limits or ()))) * MOST_TIMES_LIMIT

    @property
    def below_detection_class(self) -> int:
        """The class of a value below the detection limit: I, but 劣V for dissolved oxygen."""
        return WaterClass.WORSE_THAN_V if self.rule == AT_LEAST else WaterClass.I


# Untreated sewage holds a few hundred times a class V limit (COD 400 mg/L is ten times 40); ten
# thousand times is beyond any water, however polluted.
MOST_TIMES_LIMIT = 10_000
PARAMETERS = (
    Parameter("ph", "pH", (6, 9), rule=RANGE, has_multiple=False, unit="无量纲", most=14,
              synonyms=("pH值", "酸碱度")),
    Parameter("dissolved_oxygen", "溶解氧", (7.5, 6, 5, 3, 2), rule=AT_LEAST, has_multiple=False, most=50,
              synonyms=("DO",)),
    Parameter("permanganate_index", "高锰酸盐指数", (2, 4, 6, 10, 15),
              synonyms=("CODMn", "COD-Mn", "COD_Mn", "高锰酸钾指数", "IMn")),
    Parameter("cod", "化学需氧量", (15, 15, 20, 30, 40), synonyms=("COD", "CODCr", "COD-Cr", "COD_Cr")),
    Parameter("bod5", "五日生化需氧量", (3, 3, 4, 6, 10), synonyms=("BOD5", "BOD", "BOD-5", "生化需氧量")),
    Parameter("ammonia_nitrogen", "氨氮", (0.15, 0.5, 1.0, 1.5, 2.0),
              synonyms=("NH3-N", "NH3N", "NH3_N", "NH4-N", "NH4+-N", "氨氮(以N计)")),
    Parameter("total_phosphorus", "总磷", (0.02, 0.1, 0.2, 0.3, 0.4),
              lake_limits=(0.01, 0.025, 0.05, 0.1, 0.2), synonyms=("TP", "总磷(以P计)")),
    Parameter("total_nitrogen", "总氮", (0.2, 0.5, 1.0, 1.5, 2.0), counts=False,
              synonyms=("TN", "总氮(以N计)")),
    Parameter("copper", "铜", (0.01, 1.0, 1.0, 1.0, 1.0), synonyms=("Cu", "总铜")),
    Parameter("zinc", "锌", (0.05, 1.0, 1.0, 2.0, 2.0), synonyms=("Zn", "总锌")),
    Parameter("fluoride", "氟化物", (1.0, 1.0, 1.0, 1.5, 1.5), synonyms=("F-", "氟化物(以F-计)", "氟离子")),
    Parameter("selenium", "硒", (0.01, 0.01, 0.01, 0.02, 0.02), synonyms=("Se", "总硒")),
    Parameter("arsenic", "砷", (0.05, 0.05, 0.05, 0.1, 0.1), synonyms=("As", "总砷")),
    Parameter("mercury", "汞", (0.00005, 0.00005, 0.0001, 0.001, 0.001), synonyms=("Hg", "总汞")),
    Parameter("cadmium", "镉", (0.001, 0.005, 0.005, 0.005, 0.01), synonyms=("Cd", "总镉")),
    Parameter("chromium_vi", "铬（六价）", (0.01, 0.05, 0.05, 0.05, 0.1),
              synonyms=("六价铬", "Cr6+", "Cr(VI)", "CrVI", "Cr(6+)", "铬(Ⅵ)")),
    Parameter("lead", "铅", (0.01, 0.01, 0.05, 0.05, 0.1), synonyms=("Pb", "总铅")),
    Parameter("cyanide", "氰化物", (0.005, 0.05, 0.2, 0.2, 0.2), synonyms=("CN-", "总氰化物", "氰化物(以CN-计)")),
    Parameter("volatile_phenol", "挥发酚", (0.002, 0.002, 0.005, 0.01, 0.1),
              synonyms=("挥发性酚", "挥发性酚类", "挥发酚类", "挥发酚(以苯酚计)")),
    Parameter("petroleum", "石油类", (0.05, 0.05, 0.05, 0.5, 1.0), synonyms=("石油", "矿物油")),
    Parameter("anionic_surfactant", "阴离子表面活性剂", (0.2, 0.2, 0.2, 0.3, 0.3),
              synonyms=("LAS", "阴离子合成洗涤剂", "阴离子洗涤剂")),
    Parameter("sulfide", "硫化物", (0.05, 0.1, 0.2, 0.5, 1.0), synonyms=("S2-", "硫化物(以S2-计)")),
    Parameter("faecal_coliform", "粪大肠菌群", (200, 2000, 10000, 20000, 40000), counts=False, unit="个/L",
              synonyms=("粪大肠菌群数", "粪大肠杆菌", "耐热大肠菌群", "fecal coliform", "faecal coliform")),
)
PARAMETER = {parameter.key: parameter for parameter in PARAMETERS}
COUNTED = tuple(parameter for parameter in PARAMETERS if parameter.counts)


def parameter_of(parameter) -> Parameter:
    """A Parameter from itself, its key ("ammonia_nitrogen") or its Table 1 name ("氨氮")."""
    if isinstance(parameter, Parameter):
        return parameter
    found = PARAMETER.get(parameter) or next((p for p in PARAMETERS if p.name == parameter), None)
    if found is None:
        raise KeyError(f"GB 3838-2002 表 1 中没有“{parameter}”")
    return found


# ---------------------------------------------------------------- one value as a lab writes it


@dataclass(frozen=True)
class Measurement:
    """A measured value; `below_detection` for "ND", "<0.01", "0.01L" (the detection limit, when
    written, in `value`)."""

    value: float | None
    below_detection: bool = False


ONE = Decimal(1)
_DECIMAL = r"(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
_PLAIN = re.compile(rf"[+-]?{_DECIMAL}")
_BELOW_WORDS = ("nd", "n.d.", "n.d", "未检出", "未检测到", "低于检出限", "小于检出限", "检出限以下", "<dl", "bdl")
_BELOW_WITH_LIMIT = re.compile(
    rf"(?:[<≤]|小于|低于)({_DECIMAL})"  # <0.01, ＜0.01, 小于0.01
    rf"|({_DECIMAL})l"  # 0.01L, as Chinese labs write "below the limit 0.01"
    rf"|(?:nd|未检出)\(?[<≤]?({_DECIMAL})\)?"  # ND(0.01), 未检出(<0.01), ND0.01
)
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "\\"})
_JUNK = str.maketrans({" ": None, "\u3000": None, "\u2212": "-", "＜": "<"})
# Thousands grouped beyond doubt: two groups or more ("12,345,678"), or a group and a decimal point
# ("1,234.5"). "1,500" is not read: a decimal comma (1.5) and a thousands one (1500) write it alike.
_SURELY_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:(?:,\d{3}){2,}(?:\.\d*)?|,\d{3}\.\d*)")


def without_commas(text: str, written) -> str:
    """The number text with its thousands commas dropped when they cannot be anything else
    ("1,234.5", "12,345,678"); ValueError in Chinese for any other comma ("0,5", "12,34", "1,500",
    "0,05L"), never read as a thousands separator (which would make 0,5 five). Full-width commas
    are commas (after NFKC)."""
    if "," not in text:
        return text
    if _SURELY_GROUPED.fullmatch(text):
        return text.replace(",", "")
    raise ValueError(f"“{str(written).strip()}”含有逗号：请用小数点“.”，不要用逗号（如 0.5，不要写 0,5；"
                     "千位也不要加逗号）")


def parse_measurement(value, scale: Decimal = ONE) -> Measurement | None:
    """A cell as a Measurement; None when empty ("", "-", "/"). ValueError (in Chinese) for
    anything else that is not a number. `scale` turns the cell's unit into the standard's (0.001
    for μg/L), in decimal arithmetic so that 0.05 μg/L is exactly the limit 0.00005 mg/L."""
    if value is None or isinstance(value, Measurement):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{'是' if value else '否'}”不是数值")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None
        return Measurement(_checked(number, value, scale))
    if not isinstance(value, str):
        raise ValueError(f"“{value}”不是数值")
    text = without_commas(unicodedata.normalize("NFKC", value).translate(_JUNK).strip().lower(), value)
    if not text or text in _PLACEHOLDERS:
        return None
    if _PLAIN.fullmatch(text):
        return Measurement(_checked(text, value, scale))
    if text in _BELOW_WORDS:
        return Measurement(None, below_detection=True)
    match = _BELOW_WITH_LIMIT.fullmatch(text)
    if match:
        limit = next(group for group in match.groups() if group is not None)
        return Measurement(_checked(limit, value, scale), below_detection=True)
    raise ValueError(f"“{value.strip()}”不是数值（低于检出限可写作 ND、未检出、<0.01 或 0.01L）")


def _checked(number: float | str, written, scale: Decimal) -> float:
    """The number (a float, or its text), scaled; a float is scaled as the 15 significant digits
    Excel shows of it. Unscaled, a float stays exactly as given."""
    if scale != ONE:
        number = float(Decimal(format(number, ".15g") if isinstance(number, float) else number) * scale)
    number = float(number)
    if not math.isfinite(number):
        raise ValueError(f"“{written}”不是有限的数值")
    if number < 0:
        raise ValueError(f"“{written}”是负数，浓度不能为负")
    return number


def measurement(parameter, value, scale: Decimal = ONE) -> Measurement | None:
    """`parse_measurement`, with the parameter's own checks: pH between 0 and 14, never below
    detection."""
    parameter = parameter_of(parameter)
    found = parse_measurement(value, scale)
    if found is not None and parameter.rule == RANGE:
        if found.below_detection:
            raise ValueError(f"{parameter.name}不能记为未检出")
        if found.value > parameter.ceiling:
            raise ValueError(f"“{found.value:g}”不是有效的 pH 值（0–14）")
    if found is not None and found.value is not None and found.value > parameter.ceiling:
        unit = "" if parameter.unit == "无量纲" else f" {parameter.unit}"
        raise ValueError(f"“{found.value:g}”超出{parameter.name}的合理范围（不超过 {parameter.ceiling:,g}{unit}），"
                         "请核对数值和单位")
    return found


# ---------------------------------------------------------------- the rules, once for numbers and arrays


def _select(condition, when_true, when_false):
    """`when_true if condition else when_false`, element by element for an array condition."""
    if isinstance(condition, np.ndarray):
        return np.where(condition, when_true, when_false)
    return when_true if condition else when_false


def _failed(parameter: Parameter, value, limits) -> object:
    """How many classes' limits the value fails (0 for class I), limits being I..V."""
    if parameter.rule == AT_LEAST:
        return sum(value < limit for limit in limits)
    return sum(value > limit for limit in limits)


def _classes(parameter: Parameter, value, below, lake):
    """The class number (1–6) of `value`, 0 where there is no value (NaN, not below detection).
    `value` a float or a float array, `below` and `lake` bools or bool arrays alike."""
    if parameter.rule == RANGE:
        low, high = parameter.limits
        found = 1 + 5 * ((value < low) | (value > high))
    elif parameter.lake_limits is None:
        found = 1 + _failed(parameter, value, parameter.limits)
    else:
        found = 1 + _select(lake, _failed(parameter, value, parameter.lake_limits),
                            _failed(parameter, value, parameter.limits))
    return _select(below, parameter.below_detection_class, _select(value != value, 0, found))


def _multiples(parameter: Parameter, value, lake):
    """超标倍数 over the class III limit, (C − S) / S; meaningful only where the class is worse than III."""
    limit = parameter.limits[2]
    if parameter.lake_limits is not None:
        limit = _select(lake, parameter.lake_limits[2], limit)
    return (value - limit) / limit


def _exceeds(parameter: Parameter, water_class) -> object:
    """Whether a parameter's class makes it an exceedance (超标项目): it counts and is worse than III."""
    return parameter.counts and water_class > WaterClass.III


def _hundredths(multiple):
    """A multiple in hundredths, rounded half to even: the two decimals a report shows (a float or an array)."""
    return np.rint(multiple * 100)


def exceedance_label(parameter, multiple=None) -> str:
    """"氨氮（0.85 倍）"; the name alone for pH and dissolved oxygen, which have no multiple."""
    parameter = parameter_of(parameter)
    if not parameter.has_multiple or multiple is None:
        return parameter.name
    hundredths = _hundredths(multiple)
    if not abs(hundredths) < LARGEST_EXACT_HUNDREDTHS:  # beyond whole hundredths: as the number writes itself
        return f"{parameter.name}（{float(multiple):.2f} 倍）"
    hundredths = int(hundredths)
    return f"{parameter.name}（{hundredths // 100}.{hundredths % 100:02d} 倍）"


EXCEEDANCE_SEPARATOR = "、"
# The multiples in hundredths that the vectorised path writes as int64 (2**53: exact as floats, too).
LARGEST_EXACT_HUNDREDTHS = 2.0 ** 53


# ---------------------------------------------------------------- one sample at a time


@dataclass(frozen=True)
class Exceedance:
    parameter: Parameter
    multiple: float | None  # None for pH and dissolved oxygen

    @property
    def label(self) -> str:
        return exceedance_label(self.parameter, self.multiple)


@dataclass(frozen=True)
class Assessment:
    classes: dict[str, WaterClass]  # every parameter with a value, by key
    water_class: WaterClass | None  # None when no counting parameter has a value
    exceedances: list[Exceedance]

    @property
    def grade(self) -> str:
        return grade(self.water_class) if self.water_class else ""

    @property
    def exceedance_text(self) -> str:
        return EXCEEDANCE_SEPARATOR.join(item.label for item in self.exceedances)


def parameter_class(parameter, value, water_type=WaterType.RIVER) -> WaterClass | None:
    """The class of one value (a number, "ND", "<0.01", "0.01L" …) of one parameter; None when
    the value is missing."""
    parameter = parameter_of(parameter)
    found = measurement(parameter, value)
    if found is None:
        return None
    number = math.nan if found.value is None else found.value
    lake = water_type_of(water_type) is WaterType.LAKE
    return WaterClass(int(_classes(parameter, number, found.below_detection, lake)))


def assess(values: Mapping, water_type=WaterType.RIVER) -> Assessment:
    """Every parameter's class, the sample's class and its exceedances. `values` maps parameters
    (keys or Table 1 names) to values as `parameter_class` takes them."""
    lake = water_type_of(water_type) is WaterType.LAKE
    given = {parameter_of(name).key: value for name, value in values.items()}
    classes, exceedances = {}, []
    for parameter in PARAMETERS:
        found = measurement(parameter, given.get(parameter.key))
        if found is None:
            continue
        number = math.nan if found.value is None else found.value
        water_class = WaterClass(int(_classes(parameter, number, found.below_detection, lake)))
        classes[parameter.key] = water_class
        if _exceeds(parameter, water_class):
            multiple = None
            if parameter.has_multiple:
                multiple = float(_multiples(parameter, number, lake))
            exceedances.append(Exceedance(parameter, multiple))
    counted = [classes[p.key] for p in COUNTED if p.key in classes]
    return Assessment(classes, max(counted) if counted else None, exceedances)


def sample_class(values: Mapping, water_type=WaterType.RIVER) -> WaterClass | None:
    """The sample's class: its worst counting parameter's (single-factor method)."""
    return assess(values, water_type).water_class


def exceedances(values: Mapping, water_type=WaterType.RIVER) -> list[Exceedance]:
    """The counting parameters worse than class III, in Table 1 order, with their multiples."""
    return assess(values, water_type).exceedances


# ---------------------------------------------------------------- many samples at once


@dataclass
class GradedTable:
    """The vectorised result: class numbers 1–6 (0 = no value / nothing to grade)."""

    classes: dict[str, np.ndarray]  # int8 per parameter given
    water_class: np.ndarray  # int8 per sample
    multiples: dict[str, np.ndarray]  # float per counting parameter with a multiple; NaN where not over III
    exceeds: dict[str, np.ndarray] = field(default_factory=dict)  # bool per counting parameter

    def __len__(self) -> int:
        return len(self.water_class)

    def labels(self) -> np.ndarray:
        """"I" … "劣V" per sample, "" where nothing was graded."""
        return np.array(CLASS_LABELS, dtype=object)[self.water_class]

    def grades(self) -> np.ndarray:
        return np.array(GRADES, dtype=object)[self.water_class]

    def exceedance_texts(self) -> np.ndarray:
        """超标项目 per sample: "氨氮（0.85 倍）、总磷（1.20 倍）", or "" (numpy strings, written as
        `exceedance_label` writes one)."""
        text = np.dtypes.StringDType()
        texts = np.full(len(self), "", dtype=text)
        for parameter in COUNTED:
            if parameter.key not in self.exceeds:
                continue
            rows = np.flatnonzero(self.exceeds[parameter.key])
            if not rows.size:
                continue
            if parameter.has_multiple:
                multiples = self.multiples[parameter.key][rows]
                with np.errstate(over="ignore"):  # a huge multiple's hundredths are infinite: written below
                    hundredths = _hundredths(multiples)
                exact = np.abs(hundredths) < LARGEST_EXACT_HUNDREDTHS
                hundredths = np.where(exact, hundredths, 0).astype(np.int64)
                labels = (f"{parameter.name}（" + (hundredths // 100).astype(text) + "."
                          + np.strings.zfill((hundredths % 100).astype(text), 2) + " 倍）")
                if not exact.all():  # beyond int64: written one by one, as `exceedance_label` writes them
                    labels[~exact] = [exceedance_label(parameter, m) for m in multiples[~exact].tolist()]
            else:
                labels = np.full(rows.size, exceedance_label(parameter), dtype=text)
            before = texts[rows]
            texts[rows] = np.where(before == "", labels, before + EXCEEDANCE_SEPARATOR + labels)
        return texts


def lake_mask(water_types, n: int) -> np.ndarray:
    """True for 湖库 samples: from one WaterType (or name) for all, a bool array, or an array of names."""
    if isinstance(water_types, np.ndarray) and water_types.dtype == bool:
        return water_types
    if water_types is None or isinstance(water_types, (str, WaterType)):
        return np.full(n, water_type_of(water_types) is WaterType.LAKE)
    names = np.asarray(water_types, dtype=object)
    kinds = {name: water_type_of(name) is WaterType.LAKE for name in set(names.tolist())}
    return np.fromiter((kinds[name] for name in names.tolist()), dtype=bool, count=len(names))


def grade_table(columns: Mapping[str, np.ndarray], water_types=WaterType.RIVER,
                below_detection: Mapping[str, np.ndarray] | None = None) -> GradedTable:
    """Grade many samples at once. `columns` maps parameter keys to float arrays (NaN = no value);
    `below_detection` maps keys to bool arrays (True = below the detection limit, whatever the
    value); `water_types` is one water type for all or one per sample. Same answers as `assess`."""
    columns = {parameter_of(name).key: np.asarray(values, dtype=float) for name, values in columns.items()}
    below_detection = {parameter_of(name).key: np.asarray(values, dtype=bool)
                       for name, values in (below_detection or {}).items()}
    given = [*columns.values(), *below_detection.values()]
    if given:
        n = len(given[0])
    else:  # no parameter at all: nothing to grade in each sample
        n = 0 if isinstance(water_types, (str, WaterType, type(None))) else len(water_types)
    lake = lake_mask(water_types, n)
    no = np.zeros(n, dtype=bool)
    classes, multiples, exceeds = {}, {}, {}
    water_class = np.zeros(n, dtype=np.int8)
    for parameter in PARAMETERS:
        if parameter.key not in columns and parameter.key not in below_detection:
            continue
        value = columns.get(parameter.key, np.full(n, np.nan))
        below = below_detection.get(parameter.key, no)
        found = _classes(parameter, value, below, lake).astype(np.int8)
        classes[parameter.key] = found
        if parameter.counts:
            np.maximum(water_class, found, out=water_class)
            over = _exceeds(parameter, found)
            exceeds[parameter.key] = over
            if parameter.has_multiple:
                multiples[parameter.key] = np.where(over, _multiples(parameter, value, lake), np.nan)
    return GradedTable(classes, water_class, multiples, exceeds)


# ---------------------------------------------------------------- rivers

SHARE_METHOD_MIN_SECTIONS = 6  # "more than 5 sections"
SHARE_METHOD = "断面水质类别比例法"
MEAN_METHOD = "断面浓度均值法"


def river_grade(classes: Sequence) -> str:
    """水质状况 of a river from its sections' classes, by their shares (more than 5 sections; see
    the module's notes). Sections without a class are left out."""
    graded = [WaterClass(c) for c in classes if c]
    if len(graded) < SHARE_METHOD_MIN_SECTIONS:
        raise ValueError(f"断面少于 {SHARE_METHOD_MIN_SECTIONS} 个（现有 {len(graded)} 个），应按各断面浓度均值评价")
    good = Fraction(sum(c <= WaterClass.III for c in graded), len(graded))
    worst = Fraction(sum(c == WaterClass.WORSE_THAN_V for c in graded), len(graded))
    if good >= Fraction(90, 100):
        return "优"
    if good >= Fraction(75, 100):
        return "良好"
    if worst < Fraction(20, 100):
        return "轻度污染"
    if worst < Fraction(40, 100):
        return "中度污染"
    return "重度污染"


@dataclass(frozen=True)
class RiverGrade:
    grade: str
    method: str  # SHARE_METHOD or MEAN_METHOD
    water_class: WaterClass | None = None  # the class of the mean sample (MEAN_METHOD)
    mean: dict[str, Measurement] = field(default_factory=dict)  # the mean sample (MEAN_METHOD)


def river_grade_of_sections(sections: Sequence[Mapping], water_type=WaterType.RIVER) -> RiverGrade:
    """水质状况 of a river from its sections' samples (one mapping of values per section): by the
    shares of their classes with more than 5 sections, else by the class of the mean sample."""
    graded = [assess(section, water_type).water_class for section in sections]
    if sum(1 for c in graded if c) >= SHARE_METHOD_MIN_SECTIONS:
        return RiverGrade(river_grade(graded), SHARE_METHOD)
    mean = mean_sample(sections)
    water_class = assess(mean, water_type).water_class
    if water_class is None:
        raise ValueError("没有可评价的断面：各断面都没有参评项目的监测值")
    return RiverGrade(grade(water_class), MEAN_METHOD, water_class, mean)


def mean_sample(sections: Sequence[Mapping]) -> dict[str, Measurement]:
    """Each parameter's arithmetic mean over the sections that have a value; below detection
    counts as half its detection limit (0 when not written), and stays below detection when every
    section is."""
    values: dict[str, list[Measurement]] = {}
    for section in sections:
        for name, value in section.items():
            parameter = parameter_of(name)
            found = measurement(parameter, value)
            if found is not None:
                values.setdefault(parameter.key, []).append(found)
    mean = {}
    for key, found in values.items():
        if all(item.below_detection for item in found):
            limits = [item.value for item in found if item.value is not None]
            mean[key] = Measurement(max(limits) if limits else None, below_detection=True)
        else:
            numbers = [(item.value or 0) / 2 if item.below_detection else item.value for item in found]
            mean[key] = Measurement(math.fsum(numbers) / len(numbers))
    return mean


# ---------------------------------------------------------------- sheets in, sheets out

SAMPLE = Column("sample", "样品编号", required=True, synonyms=("样品号", "样品编码", "样品代码", "样品标识"))
WATER_TYPE = Column("water_type", "水体类型", synonyms=("水体类别", "水域类型"))
# Columns a lab sheet often carries besides Table 1: carried to the output, never graded.
OTHER_COLUMNS = (
    Column("section", "断面名称", synonyms=("断面", "监测断面", "点位名称", "点位", "监测点位", "采样点", "采样点位")),
    Column("water_body", "水体名称", synonyms=("河流名称", "河道名称", "湖库名称", "所在水体")),
    Column("sampled", "采样日期", synonyms=("采样时间", "监测日期", "监测时间", "日期")),
    Column("temperature", "水温", synonyms=("温度",)),
    Column("conductivity", "电导率"),
    Column("turbidity", "浊度"),
    Column("transparency", "透明度"),
    Column("chlorophyll", "叶绿素a", synonyms=("叶绿素",)),
    Column("suspended_solids", "悬浮物", synonyms=("SS",)),
    Column("note", "备注", synonyms=("说明",)),
)
RESULT_HEADERS = ("水质类别", "水质状况", "超标项目")
# The result columns of an earlier output, so that a result file can be graded again: replaced.
_PREVIOUS_RESULTS = tuple(Column(f"result_{n}", header) for n, header in enumerate(RESULT_HEADERS))
SPEC = ImportSpec(
    name="environment.water_quality", title="水质监测数据", key="sample", unique_key=False,
    columns=(SAMPLE, WATER_TYPE,
             *(Column(p.key, p.name, synonyms=p.synonyms) for p in PARAMETERS),
             *OTHER_COLUMNS, *_PREVIOUS_RESULTS),
)
OUTPUT_SUFFIXES = (".xlsx", ".csv")


# A column's unit (after the name, in brackets) -> what one of it is in the standard's unit.
CONCENTRATION_UNITS = {"mg/l": "1", "毫克/升": "1", "μg/l": "0.001", "ug/l": "0.001", "微克/升": "0.001",
                       "ng/l": "0.000001", "纳克/升": "0.000001"}
COUNT_UNITS = {"个/l": "1", "mpn/l": "1", "cfu/l": "1", "个/100ml": "10", "mpn/100ml": "10", "cfu/100ml": "10"}
_UNIT_AFTER_NAME = re.compile(r"^(.+?)\s*[/\s]\s*(" + "|".join(
    re.escape(unit) for unit in sorted({*CONCENTRATION_UNITS, *COUNT_UNITS}, key=len, reverse=True)) + r")$",
    re.IGNORECASE)


def unit_scale(parameter, header: str) -> Decimal:
    """What one unit of the column's header ("汞（μg/L）") is in the standard's (mg/L; 个/L for
    faecal coliform). A bracket without a slash is a note ("氨氮(NH3-N)", "pH（无量纲）"), not a
    unit. ValueError for a unit that cannot be converted."""
    parameter = parameter_of(parameter)
    _, unit = importing.split_unit(header)
    if "/" not in unit:
        return ONE
    units = COUNT_UNITS if parameter.unit == "个/L" else CONCENTRATION_UNITS if parameter.unit == "mg/L" else {}
    if unit not in units:
        raise ValueError(f"单位“{unit}”无法换算为{parameter.name}的单位“{parameter.unit}”")
    return Decimal(units[unit])


def read_sheets(data: bytes, filename: str) -> list:
    """The sheets of a lab's workbook (xlsx, xls, ods or csv), headers written "氨氮 mg/L" or
    "氨氮/mg/L" read as "氨氮(mg/L)": how the command line and the platform's import read a file."""
    return _units_in_brackets(importing.read_workbook(data, filename))


def _units_in_brackets(sheets):
    """Headers written "氨氮 mg/L" or "氨氮/mg/L" as "氨氮(mg/L)", so that they match their parameter."""
    fixed = []
    for sheet, rows in sheets:
        rows = list(rows)
        for index in range(min(importing.HEADER_SEARCH_ROWS, len(rows))):
            cells = [_bracketed(cell) for cell in rows[index]]
            if cells != rows[index]:
                rows[index] = cells
        fixed.append((sheet, rows))
    return fixed


def _bracketed(cell):
    if not isinstance(cell, str):
        return cell
    match = _UNIT_AFTER_NAME.match(unicodedata.normalize("NFKC", cell).strip())
    if not match or _PLAIN.fullmatch(match.group(1)):  # "0.5 mg/L" is a bad value, not a header
        return cell
    return f"{match.group(1)}({match.group(2)})"


class InputError(ValueError):
    """The input cannot be graded; the message lists every bad cell, in Chinese."""


@dataclass
class Samples:
    headers: list[str]  # the carried columns, as the file names them
    fields: list[str]
    rows: list[dict]  # field -> value as carried (a Measurement's number, or the text written)
    columns: dict[str, np.ndarray]
    below_detection: dict[str, np.ndarray]
    lake: np.ndarray


def read_samples(path: Path) -> Samples:
    """The samples of an xlsx, xls, ods or csv file: one a row, parameters as columns. InputError
    naming sheet, row and column of every bad cell and unknown column."""
    sheets = read_sheets(path.read_bytes(), path.name)
    parsed = importing.parse_rows(sheets, SPEC)
    errors = []
    for column in parsed.unmatched:
        where = f"第 {column.letter} 列"
        if column.header:
            errors.append(_describe(column.sheet, column.row, column.header,
                                    f"无法识别的列名（{where}）：不是 GB 3838-2002 表 1 的项目，也不是样品编号、水体类型等说明列"))
        else:
            errors.append(_describe(column.sheet, column.row, "", f"{where}有数据但没有列名"))
    errors += [_describe(e.sheet, e.row, e.column, e.reason) for e in parsed.errors]
    fields = [c.field for c in parsed.columns if not c.field.startswith("result_")]
    header_of, sheet_of = {}, {}
    for (sheet, name), text in parsed.headers.items():
        header_of.setdefault(name, text)
        sheet_of.setdefault(name, sheet)
    n = len(parsed.rows)
    columns = {p.key: np.full(n, np.nan) for p in PARAMETERS if p.key in fields}
    scales = {}
    for key in list(columns):
        try:
            scales[key] = unit_scale(key, header_of[key])
        except ValueError as exc:
            errors.append(_describe(sheet_of[key], 0, header_of[key], str(exc)))
            scales[key] = ONE
    below = {key: np.zeros(n, dtype=bool) for key in columns}
    lake = np.zeros(n, dtype=bool)
    rows = []
    for index, row in enumerate(parsed.rows):
        carried = {}
        for name in fields:
            value = row.values.get(name)
            if name in columns:
                try:
                    found = measurement(name, value, scales[name])
                except ValueError as exc:
                    errors.append(_describe(row.sheet, row.row, header_of[name], str(exc)))
                    continue
                if found is not None:
                    below[name][index] = found.below_detection
                    if found.value is not None:
                        columns[name][index] = found.value
                    # carried as written: a number in the column's own unit, text below detection
                    value = value if found.below_detection else parse_measurement(value).value
            elif name == "water_type":
                try:
                    value = water_type_of(value).value
                except ValueError as exc:
                    errors.append(_describe(row.sheet, row.row, header_of[name], str(exc)))
                    continue
                lake[index] = value == WaterType.LAKE.value
            carried[name] = value
        rows.append(carried)
    errors += repeated_samples(parsed.rows)
    if errors:
        raise InputError("\n".join(errors))
    order = [SAMPLE.field] + [name for name in fields if name != SAMPLE.field]
    return Samples([header_of[name] for name in order], order, rows, columns, below, lake)


def repeated_samples(rows) -> list[str]:
    """A message for each 样品编号 written on more than one row, naming its rows (a result file
    matched back by number would otherwise mix two samples)."""
    where = {}
    for row in rows:
        number = str(row.values.get(SAMPLE.field) or "").strip()
        if number:
            where.setdefault(number, []).append((row.sheet, row.row))
    messages = []
    for number, places in where.items():
        if len(places) > 1:
            sheets = {sheet for sheet, _ in places}
            text = (f"工作表“{places[0][0]}”第 {'、'.join(str(r) for _, r in places)} 行" if len(sheets) == 1
                    else "、".join(f"工作表“{sheet}”第 {r} 行" for sheet, r in places))
            messages.append(f"样品编号“{number}”重复：{text}，每个样品编号只能出现一次")
    return messages


def _describe(sheet: str, row: int, column: str, reason: str) -> str:
    where = f"工作表“{sheet}”第 {row} 行" if row else (f"工作表“{sheet}”" if sheet else "文件")
    return f"{where}{f'“{column}”列' if column else ''}：{reason}"


def result_rows(samples: Samples, table: GradedTable) -> tuple[list[str], list[list]]:
    """(headers, rows): the carried columns, then 水质类别, 水质状况 and 超标项目."""
    labels, grades, texts = table.labels(), table.grades(), table.exceedance_texts()
    rows = []
    for index, row in enumerate(samples.rows):
        graded = labels[index]
        rows.append([row.get(name) for name in samples.fields]
                    + [graded, grades[index] if graded else "无参评项目", texts[index]])
    return samples.headers + list(RESULT_HEADERS), rows


def output_bytes(suffix: str, headers: list[str], rows: list[list]) -> bytes:
    """The results as a csv (UTF-8 with a BOM, for Excel; formulas neutralised) or xlsx file."""
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows([[_csv_cell(cell) for cell in row] for row in rows])
        return buffer.getvalue().encode("utf-8-sig")
    buffer = io.BytesIO()
    workbook = importing.safe_workbook(buffer, constant_memory=True)
    sheet = workbook.add_worksheet("水质评价结果")
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(10, min(40, len(header) * 2 + 2)))
    for number, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, float):
                sheet.write_number(number, col, cell)
            elif cell not in (None, ""):
                sheet.write_string(number, col, str(cell))
    sheet.freeze_panes(1, 1)
    workbook.close()
    return buffer.getvalue()


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return format(cell, ".15g")  # 30000, not 30000.0; Excel's 15 significant digits
    return neutralised(cell)


# The operating system's errors as the command line tells them (the rest by their number).
OS_ERRORS = {
    errno.ENOENT: "目录不存在", errno.EACCES: "没有访问权限", errno.EPERM: "不允许此操作",
    errno.EISDIR: "这是一个目录，不是文件", errno.ENOTDIR: "路径中有一段不是目录", errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读", errno.ENAMETOOLONG: "文件名过长", errno.EBUSY: "文件正被占用",
    errno.EMFILE: "打开的文件过多", errno.EIO: "读写设备出错", errno.EDQUOT: "磁盘配额已满",
}


def os_error_text(exc: OSError, reading: bool = False) -> str:
    """An OS error in Chinese (a missing file when reading, a missing directory when writing)."""
    if exc.errno == errno.ENOENT and reading:
        return "文件不存在"
    return OS_ERRORS.get(exc.errno, f"系统错误（错误码 {exc.errno}）" if exc.errno else "系统错误")


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its usage, help and errors in Chinese."""

    ERRORS = (("the following arguments are required: ", "缺少参数："), ("unrecognized arguments: ", "无法识别的参数："),
              ("expected one argument", "需要一个值"), ("argument ", "参数 "))

    def format_usage(self):
        return super().format_usage().replace("usage: ", "用法：", 1)

    def format_help(self):
        return super().format_help().replace("usage: ", "用法：", 1).replace("options:", "选项：", 1)

    def error(self, message):
        for english, chinese in self.ERRORS:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(2, f"参数有误：{message}\n")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def main(argv=None) -> int:
    parser = ChineseArgumentParser(
        prog="python -m openpark.environment.water_quality", add_help=False,
        description="按 GB 3838-2002 评价地表水水质类别（不连数据库）：每行一个样品，各项目为列。")
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("--input", type=Path, required=True, help="监测数据（xlsx、xls、ods 或 csv）")
    parser.add_argument("--output", type=Path, required=True, help="评价结果（xlsx 或 csv）")
    args = parser.parse_args(argv)
    suffix = args.output.suffix.lower()
    try:
        if suffix not in OUTPUT_SUFFIXES:
            raise ImportFileError(f"结果文件须为 xlsx 或 csv：{args.output}")
        if _same_file(args.input, args.output):
            raise ImportFileError(f"结果文件不能与输入文件相同（会覆盖监测数据）：{args.output}")
        if not args.input.is_file():
            raise ImportFileError(f"找不到输入文件：{args.input}")
        samples = read_samples(args.input)
    except InputError as exc:
        print(f"输入文件有误，未作评价：\n{exc}", file=sys.stderr)
        return 2
    except ImportFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"无法读取输入文件“{args.input}”：{os_error_text(exc, reading=True)}", file=sys.stderr)
        return 2
    table = grade_table(samples.columns, samples.lake, samples.below_detection)
    content = output_bytes(suffix, *result_rows(samples, table))
    try:
        args.output.write_bytes(content)
    except OSError as exc:
        print(f"无法写出结果文件“{args.output}”：{os_error_text(exc)}", file=sys.stderr)
        return 2
    counts = [int((table.water_class == c).sum()) for c in WaterClass]
    print(f"已评价 {len(table)} 个样品："
          + "，".join(f"{c.label} 类 {count}" for c, count in zip(WaterClass, counts))
          + f"，无参评项目 {int((table.water_class == 0).sum())}。结果：{args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
