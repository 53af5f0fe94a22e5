"""An evaluation scheme as data: groups, indicators and their scoring methods, bonus and penalty
items, 不定等 rules and classification. Schemes are JSON; `parse` checks one and turns it into
the dataclasses the engine runs, with every problem named in Chinese.

Conventions:
- An indicator's `cap` and `floor` are multiples of its weight: cap 1.5 means the indicator
  scores at most 1.5 × weight; floor 0 (the default) means it never scores below 0. No cap: null.
- Benchmark methods: `fixed` (a number), `group_average` and `industry_average` (k × Σ numerator /
  Σ denominator over the group's graded enterprises, or those of the same industry division, that
  have both numerator and denominator), `best` (the best value in the group), and `minmax`
  (20 + 80 × (x − min)/(max − min) percent of the weight).
- A lower-is-better indicator scores (2 − value / benchmark) × weight under benchmark methods.
- Missing data: `zero` scores 0, `group_average` scores the average score of the group's graded
  enterprises that have the indicator, `penalty` scores −points (a deduction, below the floor).
- An indicator's `unit` names what its value is in ("万元/亩"). An indicator without one, or in
  "%", divides two amounts of one unit (研发经费 / 营业收入): a share, written as a percentage.
- Bonus and penalty items name a flag of the input. In the platform the flags are "high_tech"
  (a high-tech certificate valid in the year), "tag:<标签>" for each tag of the enterprise,
  e.g. "tag:专精特新", and "chain:<产业链>" for each chain it is in, e.g. "chain:汽车配件" (also
  named "tag:汽车配件", as when chains were tags); in a file, a yes/no column per item.
"""
import json
from dataclasses import dataclass, field
from importlib import resources

INPUT_FIELDS = {
    "land": "用地面积", "tax": "实缴税收", "revenue": "营业收入", "value_added": "工业增加值",
    "energy": "综合能耗", "electricity": "用电量", "emissions": "主要污染物排放量", "rd": "研发经费",
    "employees": "年平均职工人数",
}
MEMBERSHIPS = {"above_scale": "规上企业", "below_scale": "规下企业"}
METHODS = ("fixed", "group_average", "industry_average", "best", "minmax")
MISSING_RULES = ("zero", "group_average", "penalty")
CLASSES = ("A", "B", "C", "D")
PRESETS = ("jiangsu-6", "huangyan-2022", "huaian-2024")
MAX_PRODUCTION_YEARS = 50  # 投产不满 N 年不定等: N counts back from the evaluated year
SHARE_UNITS = ("", "%")  # the units of an indicator that is a share (see the conventions above)
MAX_NUMBER = 1e9  # no weight, benchmark or score of a scheme comes near; larger ones overflow the scores


def grade_label(grade: str) -> str:
    """A class as written everywhere: "A 类"; 不定等 as it is; none: 未定等."""
    if not grade:
        return "未定等"
    return f"{grade} 类" if grade in CLASSES else grade


class SchemeError(ValueError):
    """A scheme that cannot run; the message lists every problem, in Chinese."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    numerator: str
    denominator: str
    weight: float
    method: str
    benchmark: float | None = None  # the number of `fixed`
    k: float = 1.0  # the multiple of `group_average` and `industry_average`
    higher_is_better: bool = True
    cap: float | None = None
    floor: float = 0.0
    missing: str = "zero"
    missing_points: float = 0.0
    unit: str = ""

    @property
    def benchmark_text(self) -> str:
        """The fixed benchmark as written (`indicator_figure`): a share's as a percentage."""
        return indicator_figure(self.benchmark, self.unit)


def indicator_figure(value, unit: str, places: int = 2) -> str:
    """An indicator's value (or benchmark) as pages and reports write it: a share as a percentage
    with two decimals (0.043 → "4.30%"), any other with thousands separators and `places`
    decimals; "—" for none, "∞" for an infinite one."""
    if value is None:
        return "—"
    if value > 1e300:  # no benchmark to divide by
        return "∞"
    if unit in SHARE_UNITS:
        return f"{value * 100:,.2f}%"
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    membership: str
    indicators: tuple[Indicator, ...]
    min_land: float = 0.0


@dataclass(frozen=True)
class Item:
    flag: str
    label: str
    points: float


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...] = ()
    cap: float | None = None


@dataclass(frozen=True)
class Band:
    grade: str
    min_score: float | None  # None: everything below the bands above


@dataclass(frozen=True)
class Scheme:
    name: str
    version: int
    title: str
    groups: tuple[Group, ...]
    bonus: Items = Items()
    penalty: Items = Items()
    utilities_undetermined: bool = True
    new_production_years: int | None = 2
    exemptions: dict[str, str] = field(default_factory=dict)  # code -> reason
    classification: str = "quota"
    quotas: tuple[tuple[str, float], ...] = (("A", 0.2), ("B", 0.4), ("C", 0.35), ("D", 0.05))
    bands: tuple[Band, ...] = ()
    tie_break: str = "tax_per_mu"  # the indicator whose value orders equal totals (descending)
    industry_digits: int = 2  # the industry of industry_average: 2 = GB/T 4754 division (大类)

    @property
    def indicator_keys(self) -> list[str]:
        """Every indicator of every group, in order, once."""
        return list(dict.fromkeys(i.key for g in self.groups for i in g.indicators))

    def indicator(self, key: str) -> Indicator:
        return next(i for g in self.groups for i in g.indicators if i.key == key)


def preset(name: str) -> dict:
    """A shipped scheme, as the JSON data it is stored as."""
    if name not in PRESETS:
        raise SchemeError(f"没有名为“{name}”的预置方案（可选：{'、'.join(PRESETS)}）")
    return json.loads(resources.files("openpark.evaluation").joinpath(f"data/{name}.json").read_text("utf-8"))


def parse(data: dict) -> Scheme:
    """The scheme of `data`, or SchemeError listing every problem."""
    problems: list[str] = []
    reader = _Reader(problems)
    scheme = reader.scheme(data if isinstance(data, dict) else {})
    if not isinstance(data, dict):
        problems.insert(0, "方案应为一个 JSON 对象")
    if problems:
        raise SchemeError("评价方案有误：" + "；".join(dict.fromkeys(problems)))
    return scheme


class _Reader:
    """Reads a scheme's JSON into dataclasses, collecting problems instead of stopping at the first."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def number(self, data: dict, key: str, where: str, default=None, required=False, minimum=None, maximum=None):
        value = data.get(key, default)
        if value is None:
            if required:
                self.fail(f"{where}缺少“{key}”")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(f"{where}的“{key}”应为数字")
            return default
        if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also NaN and infinity
            self.fail(f"{where}的“{key}”应为绝对值不超过 {MAX_NUMBER:g} 的数字")
            return default
        if minimum is not None and value < minimum:
            self.fail(f"{where}的“{key}”不能小于 {minimum}")
        if maximum is not None and value > maximum:
            self.fail(f"{where}的“{key}”不能大于 {maximum}")
            return default
        return float(value)

    def text(self, data: dict, key: str, where: str, default: str = "", choices=None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (not value and not default):
            self.fail(f"{where}缺少“{key}”或不是文字")
            return default
        if choices is not None and value not in choices:
            self.fail(f"{where}的“{key}”只能是 {'、'.join(choices)}，现为“{value}”")
        return value

    def scheme(self, data: dict) -> Scheme:
        groups = tuple(self.group(g, n) for n, g in enumerate(self.items(data, "groups", "方案"), start=1))
        if not groups:
            self.fail("方案至少要有一个组别")
        keys = [g.key for g in groups]
        if len(set(keys)) != len(keys):
            self.fail("组别的 key 重复")
        classification = self.mapping(data, "classification", "方案")
        undetermined = self.mapping(data, "undetermined", "方案")
        mode = self.text(classification, "mode", "分类规则", default="quota", choices=("quota", "bands"))
        scheme = Scheme(
            name=self.text(data, "name", "方案"),
            version=int(self.number(data, "version", "方案", default=1, minimum=1) or 1),
            title=self.text(data, "title", "方案", default=data.get("name") or "评价方案"),
            groups=groups,
            bonus=self.item_list(self.mapping(data, "bonus", "方案"), "加分项"),
            penalty=self.item_list(self.mapping(data, "penalty", "方案"), "减分项"),
            utilities_undetermined=bool(undetermined.get("utilities", True)),
            new_production_years=self.new_production_years(undetermined),
            exemptions=self.exemptions(undetermined),
            classification=mode,
            quotas=self.quotas(classification) if mode == "quota" else (),
            bands=self.bands(classification) if mode == "bands" else (),
            tie_break=classification.get("tie_break", "tax_per_mu"),
            industry_digits=int(self.number(data, "industry_digits", "方案", default=2, minimum=1, maximum=4) or 2),
        )
        if groups and scheme.tie_break not in scheme.indicator_keys:
            self.fail(f"排名并列时依据的指标“{scheme.tie_break}”不在方案的指标中")
        return scheme

    def mapping(self, data: dict, key: str, where: str) -> dict:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            self.fail(f"{where}的“{key}”应为对象")
            return {}
        return value

    def items(self, data: dict, key: str, where: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.fail(f"{where}的“{key}”应为列表")
            return []
        return [v for v in value if isinstance(v, dict) or self.fail(f"{where}的“{key}”中每一项应为对象")]

    def group(self, data: dict, number: int) -> Group:
        where = f"第 {number} 个组别"
        indicators = tuple(self.indicator(i, f"{where}第 {n} 个指标")
                           for n, i in enumerate(self.items(data, "indicators", where), start=1))
        if not indicators:
            self.fail(f"{where}没有指标")
        keys = [i.key for i in indicators]
        if len(set(keys)) != len(keys):
            self.fail(f"{where}的指标 key 重复")
        return Group(
            key=self.text(data, "key", where), label=self.text(data, "label", where, default=f"组别{number}"),
            membership=self.text(data, "membership", where, choices=tuple(MEMBERSHIPS)),
            indicators=indicators, min_land=self.number(data, "min_land", where, default=0.0, minimum=0),
        )

    def indicator(self, data: dict, where: str) -> Indicator:
        method = self.mapping(data, "method", where)
        kind = self.text(method, "kind", f"{where}的计分方法", choices=METHODS)
        missing = self.mapping(data, "missing", where)
        indicator = Indicator(
            key=self.text(data, "key", where), name=self.text(data, "name", where),
            numerator=self.text(data, "numerator", where, choices=tuple(INPUT_FIELDS)),
            denominator=self.text(data, "denominator", where, choices=tuple(INPUT_FIELDS)),
            weight=self.number(data, "weight", where, required=True, minimum=0) or 0.0,
            method=kind,
            benchmark=self.number(method, "value", f"{where}的计分方法", required=kind == "fixed"),
            k=self.number(method, "k", f"{where}的计分方法", default=1.0),
            higher_is_better=data.get("direction", "higher") != "lower",
            cap=self.number(data, "cap", where),
            floor=self.number(data, "floor", where, default=0.0),
            missing=self.text(missing, "rule", f"{where}的缺失数据规则", default="zero", choices=MISSING_RULES),
            missing_points=self.number(missing, "points", f"{where}的缺失数据规则", default=0.0),
            unit=data.get("unit", ""),
        )
        if data.get("direction", "higher") not in ("higher", "lower"):
            self.fail(f"{where}的“direction”只能是 higher 或 lower")
        if kind == "fixed" and indicator.benchmark == 0:
            self.fail(f"{where}的基准值不能为 0")
        if indicator.cap is not None and indicator.cap < indicator.floor:
            self.fail(f"{where}的上限不能低于下限")
        return indicator

    def item_list(self, data: dict, where: str) -> Items:
        items = tuple(
            Item(flag=self.text(i, "flag", where), label=self.text(i, "label", where, default=i.get("flag") or "项目"),
                 points=self.number(i, "points", where, required=True, minimum=0) or 0.0)
            for i in self.items(data, "items", where)
        )
        return Items(items, self.number(data, "cap", where, minimum=0))

    def new_production_years(self, data: dict) -> int | None:
        value = self.number(data, "new_production_years", "不定等规则", default=2.0, minimum=0,
                            maximum=MAX_PRODUCTION_YEARS)
        return None if data.get("new_production_years", 2) is None else int(value)

    def exemptions(self, data: dict) -> dict[str, str]:
        return {
            self.text(e, "code", "不定等名单"): e.get("reason") or "列入不定等名单"
            for e in self.items(data, "exemptions", "不定等规则")
        }

    def quotas(self, data: dict) -> tuple[tuple[str, float], ...]:
        quotas = data.get("quotas") or {"A": 0.2, "B": 0.4, "C": 0.35, "D": 0.05}
        if not isinstance(quotas, dict) or not quotas:
            self.fail("按比例分类须给出各等级的比例")
            return ()
        pairs = tuple((grade, self.number(quotas, grade, "等级比例", required=True, minimum=0) or 0.0)
                      for grade in quotas)
        if abs(sum(share for _, share in pairs) - 1) > 1e-9:
            self.fail(f"各等级比例之和应为 1，现为 {sum(share for _, share in pairs):g}")
        return pairs

    def bands(self, data: dict) -> tuple[Band, ...]:
        bands = tuple(Band(self.text(b, "grade", "分数段"), self.number(b, "min", "分数段"))
                      for b in self.items(data, "bands", "分类规则"))
        if not bands or bands[-1].min_score is not None:
            self.fail("按分数段分类时，最后一段不设下限（min），用来收纳其余企业")
        return bands
