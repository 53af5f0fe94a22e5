"""The indicators every park reports on, as shipped (loaded by a migration, editable afterwards).

Thresholds are on the year-on-year growth of the park figure, in percent: an indicator whose
growth is past its alarm threshold (below it when higher is better, above it otherwise) is
flagged on the dashboard; past the excellent threshold it is marked excellent.
"""
from dataclasses import dataclass
from decimal import Decimal

WAN_YUAN = "万元"


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str
    frequency: str
    department: str
    definition: str
    alarm: Decimal | None = Decimal("0")
    excellent: Decimal | None = Decimal("15")
    higher_is_better: bool = True
    source: str = "manual"
    order: int = 0
    aliases: str = ""
    reporters: str = "above_scale"  # or "all": who is expected to report it (see choices.Reporters)


def _d(value: str) -> Decimal:
    return Decimal(value)


SHIPPED: tuple[Definition, ...] = (
    Definition("gross_industrial_output", "工业总产值", WAN_YUAN, "monthly", "统计局",
               "工业企业在报告期内生产的以货币形式表现的工业最终产品和提供工业劳务活动的总价值量，1—N月累计。"),
    Definition("main_business_revenue", "营业收入", WAN_YUAN, "monthly", "统计局",
               "企业经营主要业务和其他业务所确认的收入总额（原主营业务收入口径），1—N月累计。"),
    Definition("profit", "利润", WAN_YUAN, "monthly", "统计局", "利润总额，1—N月累计。",
               excellent=_d("20")),
    Definition("profit_and_tax", "利税", WAN_YUAN, "monthly", "统计局",
               "利润总额与应交增值税、税金及附加之和，1—N月累计。", excellent=_d("20")),
    Definition("tax_paid", "实缴税收", WAN_YUAN, "monthly", "税务局",
               "企业实际入库的各项税收（不含海关代征），1—N月累计。", source="feed", reporters="all"),
    Definition("industrial_value_added", "工业增加值", WAN_YUAN, "quarterly", "统计局",
               "工业生产活动的最终成果，按季度核算，1—N月累计。", excellent=_d("10")),
    Definition("fixed_asset_investment", "固定资产投资", WAN_YUAN, "monthly", "发改局",
               "计划总投资500万元及以上项目完成的投资额，1—N月累计。", excellent=_d("20")),
    Definition("manufacturing_investment", "制造业投资", WAN_YUAN, "monthly", "发改局",
               "固定资产投资中属于制造业（GB/T 4754 门类C）的部分，1—N月累计。", excellent=_d("20")),
    Definition("technical_renovation_investment", "技改投资", WAN_YUAN, "monthly", "工信局",
               "工业企业技术改造投资，1—N月累计。", excellent=_d("20")),
    Definition("energy_consumption", "综合能耗", "吨标准煤", "annual", "发改局",
               "企业年度综合能源消费量，按等价值折算为标准煤。",
               alarm=_d("5"), excellent=_d("-5"), higher_is_better=False),
    Definition("electricity_consumption", "用电量", "万千瓦时", "monthly", "供电公司",
               "企业用电量，1—N月累计。", alarm=None, excellent=None, source="feed", reporters="all"),
    Definition("pollutant_emissions", "主要污染物排放量", "吨", "annual", "生态环境局",
               "化学需氧量、氨氮、二氧化硫、氮氧化物排放量之和。",
               alarm=_d("0"), excellent=_d("-5"), higher_is_better=False),
    Definition("rd_expenditure", "R&D经费", WAN_YUAN, "annual", "科技局",
               "研究与试验发展经费内部支出。", excellent=_d("20")),
    Definition("average_employees", "年平均职工人数", "人", "annual", "统计局",
               "报告期内平均拥有的从业人员数。", alarm=_d("-5"), excellent=_d("5")),
    Definition("export_value", "出口额", WAN_YUAN, "monthly", "商务局",
               "企业自营出口额（折人民币），1—N月累计。", alarm=_d("-5")),
    Definition("high_tech_output", "高新技术产业产值", WAN_YUAN, "monthly", "科技局",
               "按高新技术产业统计目录核定的产品产值，1—N月累计。"),
    Definition("invoiced_sales", "开票销售", WAN_YUAN, "monthly", "税务局",
               "企业开具增值税发票的销售额（税务部门口径的营业收入），规上、规下企业都有；规下企业的亩均销售收入"
               "即按此计算，1—N月累计。", source="feed", reporters="all"),
)
# Other column names the departments' sheets use for each indicator.
ALIASES = {
    "gross_industrial_output": "工业总产值（当年价）、总产值、工业产值",
    "main_business_revenue": "主营业务收入、营业收入合计、销售收入",
    "profit": "利润总额",
    "profit_and_tax": "利税总额",
    "tax_paid": "实缴税金、入库税收、实缴税额、纳税总额",
    "industrial_value_added": "增加值",
    "fixed_asset_investment": "固投、固定资产投资额",
    "manufacturing_investment": "制造业投资额",
    "technical_renovation_investment": "技术改造投资、工业技改投资",
    "energy_consumption": "综合能源消费量、能源消费量、能耗",
    "electricity_consumption": "总用电量、工业用电量、用电",
    "pollutant_emissions": "污染物排放量、排放量",
    "rd_expenditure": "研发经费、研发投入、R&D经费内部支出",
    "average_employees": "从业人员平均人数、平均职工人数、平均从业人数",
    "export_value": "出口总额、自营出口额",
    "high_tech_output": "高新技术产业产值（当年价）、高新产值",
    "invoiced_sales": "开票销售收入、开票收入、应税销售收入",
}
INVOICED_SALES = "invoiced_sales"
SHIPPED = tuple(
    Definition(**{**d.__dict__, "order": (i + 1) * 10, "aliases": ALIASES[d.code]}) for i, d in enumerate(SHIPPED)
)

OUTPUT = "gross_industrial_output"
HIGH_TECH_OUTPUT = "high_tech_output"


def ship(model) -> int:
    """Create the shipped indicators that are missing (by code) with `model` (a migration's
    historical model or the real one); existing ones, perhaps edited by the park, stay as they are.
    Their other names come with `ship_aliases`, as the field came in a later migration."""
    have = set(model._default_manager.values_list("code", flat=True))
    # A migration before the field came (0002) has no reporters; `ship_reporters` sets them then.
    with_reporters = any(f.name == "reporters" for f in model._meta.fields)
    missing = [
        model(code=d.code, name=d.name, unit=d.unit, frequency=d.frequency, department=d.department,
              definition=d.definition, alarm_threshold=d.alarm, excellent_threshold=d.excellent,
              higher_is_better=d.higher_is_better, source=d.source, order=d.order,
              **({"reporters": d.reporters} if with_reporters else {}))
        for d in SHIPPED if d.code not in have
    ]
    model._default_manager.bulk_create(missing)
    return len(missing)


def ship_reporters(model) -> int:
    """The shipped indicators that every enterprise reports (tax, power): so marked."""
    return model._default_manager.filter(code__in=[d.code for d in SHIPPED if d.reporters == "all"]).update(
        reporters="all")


def ship_aliases(model) -> int:
    """Give the shipped indicators their other names where the park has set none."""
    updated = 0
    for definition in SHIPPED:
        updated += model._default_manager.filter(code=definition.code, aliases="").update(aliases=definition.aliases)
    return updated

# The headline figures of the dashboard, in the order parks publish them.
KEY_INDICATORS = (
    "gross_industrial_output", "main_business_revenue", "profit_and_tax", "profit", "fixed_asset_investment",
    "manufacturing_investment",
)
