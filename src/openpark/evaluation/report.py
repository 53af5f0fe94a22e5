"""The per-enterprise 亩均效益体检报告 as a PDF, from plain data (no Django).

Chinese text is set in the CJK font the platform ships, embedded as a subset (`openpark.core.pdf`),
so that the report prints and archives the same everywhere; its text can be extracted (searched,
copied, read aloud). Every page names the issuing body and carries "第 n 页 / 共 N 页"; a table
that runs onto the next page repeats its header, and no heading or chart is left alone at the
foot of a page.
"""
import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from openpark.core.pdf import FONT, font, markup, needs_markup, numbered_canvas

from .scheme import SHARE_UNITS, grade_label, indicator_figure

RADAR_MINIMUM = 3  # a radar needs three axes or more; with fewer indicators the report draws bars
SERIES = (("本企业", "#1F5FA8"), ("组内平均", "#E07B24"), ("行业平均", "#5B9E4D"))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=12)
NOTE = ParagraphStyle("note", parent=SMALL, spaceBefore=1.5 * mm, textColor=colors.HexColor("#444444"))
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=1 * mm)
SUBTITLE = ParagraphStyle("subtitle", parent=BODY, fontSize=10, leading=15, alignment=TA_CENTER, spaceAfter=4 * mm,
                          textColor=colors.HexColor("#444444"))
PARK = ParagraphStyle("park", parent=SUBTITLE, spaceAfter=0)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm,
                         keepWithNext=True)
TABLE_STYLE = TableStyle([
    ("FONT", (0, 0), (-1, -1), FONT, 9.5),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#B8C4D6")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


@dataclass
class IndicatorLine:
    name: str
    unit: str
    value: float | None
    score: float
    weight: float
    group_average: float | None
    industry_average: float | None
    benchmark: float | None = None  # the value the indicator was scored against (none for min–max)

    @property
    def label(self) -> str:
        """The name with its unit; a share's unit is its percent sign, on each figure."""
        return f"{self.name}（{self.unit}）" if self.unit not in SHARE_UNITS else self.name

    def figures(self, places: int = 2) -> tuple[str, str]:
        """The value and the benchmark as written (`indicator_figure`)."""
        return indicator_figure(self.value, self.unit, places), indicator_figure(self.benchmark, self.unit, places)

    @property
    def value_text(self) -> str:
        return self.figures()[0]

    @property
    def benchmark_text(self) -> str:
        return self.figures()[1]


@dataclass
class ReportData:
    enterprise: str
    code: str
    year: int
    scheme: str
    group: str
    total: float | None
    rank: int | None
    graded: int
    grade: str
    reason: str
    indicators: list[IndicatorLine]
    bonus: float = 0.0
    penalty: float = 0.0
    policy: str = ""
    target: str | None = None
    extra_tax: float | None = None
    land_released: float | None = None
    history: list[tuple[int, str]] = field(default_factory=list)
    adjustment: str = ""  # the one sentence that states a manual adjustment and its reason
    park: str = ""
    issuer: str = ""
    issued_on: date | None = None


def render(data: ReportData) -> bytes:
    font()  # registered on first use, not when the platform starts
    buffer = io.BytesIO()
    issuer = data.issuer or "OpenPark 开源园区治理平台"
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=18 * mm, title=f"{data.enterprise} {data.year} 年度亩均效益体检报告",
                                 author=issuer, subject="亩均效益体检报告", creator="OpenPark 开源园区治理平台", lang="zh-CN")
    footer = f"{issuer}　{data.enterprise} {data.year} 年度亩均效益体检报告"
    document.build(_story(data), canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _story(data: ReportData) -> list:
    issued = data.issued_on or date.today()
    story = [Paragraph(markup(f"{data.year} 年度亩均效益体检报告"), TITLE)]
    if data.park:
        story.append(Paragraph(markup(data.park), PARK))
    story += [
        Paragraph(markup(f"出具单位：{data.issuer or '—'}　出具日期：{issued.year} 年 {issued.month} 月 {issued.day} 日"),
                  SUBTITLE),
        KeepTogether(_table([["企业名称", _cell(data.enterprise)], ["统一社会信用代码", data.code],
                             ["评价方案", _cell(data.scheme)], ["组别", data.group or "未纳入评价"],
                             ["总分", _number(data.total)],
                             ["组内排名", f"{data.rank} / {data.graded}" if data.rank else "—"],
                             ["评价等级", grade_label(data.grade)]],
                            widths=(45 * mm, 129 * mm), header=False)),
    ]
    if data.reason:
        story.append(Paragraph(markup(f"说明：{data.reason}"), BODY))
    if data.adjustment:
        story.append(Paragraph(markup(data.adjustment), BODY))
    if data.indicators:
        story += [Paragraph("指标得分", HEADING), _indicator_table(data),
                  Paragraph(markup(f"加分 {_number(data.bonus)}，减分 {_number(data.penalty)}。基准值为本指标计分所比照的值"
                                   "（组内或行业平均、固定值或组内最优）；最低最高值法计分的指标无单一基准值。"), NOTE),
                  Spacer(1, 3 * mm), KeepTogether([Paragraph("指标得分对比", HEADING), chart(data.indicators)])]
    story += [KeepTogether([Paragraph("本等级适用的政策", HEADING),
                            Paragraph(markup(data.policy or "（尚未配置本等级的政策说明。）"), BODY)])]
    story += [KeepTogether([Paragraph("迈向更高等级", HEADING), Paragraph(markup(_next_class_text(data)), BODY)])]
    if data.history:
        story += [KeepTogether([Paragraph("历年评价等级", HEADING),
                                _table([["年度", "等级"], *[[str(year), grade_label(grade)] for year, grade in data.history]],
                                       widths=(40 * mm, 40 * mm))])]
    return story


def _cell(text) -> Paragraph:
    return Paragraph(markup(text), SMALL)


def _table(rows, widths, header=True) -> Table:
    # The header row repeats on every page the table runs onto; rows are never split. A text
    # with a character the embedded font lacks is set as a Paragraph, in the fonts `markup` gives.
    rows = [[_cell(cell) if isinstance(cell, str) and needs_markup(cell) else cell for cell in row] for row in rows]
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = TableStyle(TABLE_STYLE.getCommands())
    if not header:
        style.add("BACKGROUND", (0, 0), (-1, 0), colors.white)
        style.add("ALIGN", (1, 0), (-1, -1), "LEFT")
    table.setStyle(style)
    return table


def _indicator_table(data: ReportData) -> Table:
    rows = [["指标", "指标值", "基准值", "权重", "得分", "组内平均得分", "行业平均得分"]]
    for line in data.indicators:
        rows.append([_cell(line.label), *line.figures(4), _number(line.weight),
                     _number(line.score), _number(line.group_average), _number(line.industry_average)])
    return _table(rows, widths=(50 * mm, 22 * mm, 22 * mm, 14 * mm, 18 * mm, 24 * mm, 24 * mm))


def share(score, weight) -> float | None:
    """A score as a percentage of its weight: the common scale of the charts."""
    return None if score is None or not weight else round(max(0.0, score / weight) * 100, 1)


def chart(lines: list[IndicatorLine]) -> Drawing:
    """The enterprise against its group and industry: a radar with three indicators or more, bars below."""
    series = [[share(getattr(line, name), line.weight) for line in lines]
              for name in ("score", "group_average", "industry_average")]
    return _radar(lines, series) if len(lines) >= RADAR_MINIMUM else _bars(lines, series)


def _radar(lines, series) -> Drawing:
    drawing = Drawing(174 * mm, 82 * mm, initialFontName=FONT)
    spider = SpiderChart()
    spider.x, spider.y, spider.width, spider.height = 45 * mm, 8 * mm, 70 * mm, 70 * mm
    spider.data = [[value or 0 for value in values] for values in series]
    spider.labels = [line.name for line in lines]
    spider.strandLabels.fontName = FONT
    spider.spokeLabels.fontName = FONT
    spider.spokeLabels.fontSize = 8
    for index, (_name, colour) in enumerate(SERIES):
        spider.strands[index].strokeColor = colors.HexColor(colour)
        spider.strands[index].fillColor = colors.Color(0.12, 0.37, 0.66, alpha=0.2) if index == 0 else None
    drawing.add(spider)
    _legend(drawing, 0)
    return drawing


def _bars(lines, series) -> Drawing:
    height = 16 * mm + 14 * mm * len(lines)
    drawing = Drawing(174 * mm, height, initialFontName=FONT)
    bars = HorizontalBarChart()
    bars.x, bars.y, bars.width, bars.height = 42 * mm, 10 * mm, 120 * mm, height - 16 * mm
    # ReportLab draws categories and bars bottom to top: the first indicator on top, and in each
    # the enterprise's bar above its averages.
    bars.data = [[value or 0 for value in reversed(values)] for values in reversed(series)]
    for index, (_name, colour) in enumerate(reversed(SERIES)):
        bars.bars[index].fillColor = colors.HexColor(colour)
        bars.bars[index].strokeColor = None
    bars.categoryAxis.categoryNames = [line.name for line in reversed(lines)]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 8.5
    bars.categoryAxis.labels.dx = -2 * mm
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(100, *(value or 0 for values in series for value in values))
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.labelTextFormat = "%d%%"
    bars.barLabelFormat = "%.1f%%"
    bars.barLabels.fontName = FONT
    bars.barLabels.fontSize = 7
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 1.5 * mm
    drawing.add(bars)
    _legend(drawing, 0)
    return drawing


def _legend(drawing: Drawing, y: float) -> None:
    x = 45 * mm
    for name, colour in SERIES:
        drawing.add(Rect(x, y + 0.5 * mm, 3 * mm, 3 * mm, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 4.5 * mm, y + 0.8 * mm, name, fontName=FONT, fontSize=8))
        x += 24 * mm
    drawing.add(String(x + 4 * mm, y + 0.8 * mm, "（得分占权重的百分比）", fontName=FONT, fontSize=8,
                       fillColor=colors.HexColor("#666666")))


def _next_class_text(data: ReportData) -> str:
    if data.target is None:
        if data.grade == "A":
            return "已在最高等级，请保持。"
        return "本企业等级经定档调档确定，不作测算。" if data.adjustment else "本企业未参与定等，无此测算。"
    routes = []
    if data.extra_tax is not None:
        routes.append(f"实缴税收增加 {data.extra_tax:,.2f} 万元")
    if data.land_released is not None:
        routes.append(f"退出（盘活）用地 {data.land_released:,.2f} 亩")
    if not routes:
        return f"按本方案，仅靠增加税收或退出用地都无法达到 {grade_label(data.target)}，需要全面提升各项指标。"
    return (f"按本方案重新测算（基准随本企业数据一并变化），其他条件不变时，{'，或'.join(routes)}，"
            f"即可达到 {grade_label(data.target)}。")


def _number(value, places: int = 2) -> str:
    if value is None:
        return "—"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{places}f}"
