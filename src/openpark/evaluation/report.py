"""The per-enterprise 亩均效益体检报告 as a PDF, from plain data (no Django).

Chinese text uses STSong-Light, one of the standard CJK fonts every PDF reader has, so that the
report renders on a machine with no fonts installed and the file stays small; its text can be
extracted (searched, copied, read aloud).
"""
import io
from dataclasses import dataclass, field

from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=13, leading=20, spaceBefore=4 * mm, spaceAfter=2 * mm)
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
    adjustment: str = ""


def render(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, title=f"{data.enterprise} 亩均效益体检报告",
                                 author="OpenPark 开源园区治理平台")
    document.build(_story(data))
    return buffer.getvalue()


def _story(data: ReportData) -> list:
    story = [
        Paragraph(f"{data.year} 年度亩均效益体检报告", TITLE),
        _table([["企业名称", data.enterprise], ["统一社会信用代码", data.code], ["评价方案", data.scheme],
                ["组别", data.group or "未纳入评价"], ["总分", _number(data.total)],
                ["组内排名", f"{data.rank} / {data.graded}" if data.rank else "—"],
                ["评价等级", data.grade or "未定等"]], widths=(45 * mm, 125 * mm), header=False),
    ]
    if data.reason:
        story.append(Paragraph(f"说明：{data.reason}", BODY))
    if data.adjustment:
        story.append(Paragraph(f"定档调档：{data.adjustment}", BODY))
    if data.indicators:
        story += [Paragraph("指标得分", HEADING), _indicator_table(data), Spacer(1, 3 * mm), _radar(data)]
        story.append(Paragraph(f"加分 {_number(data.bonus)}，减分 {_number(data.penalty)}。", BODY))
    story += [Paragraph("本等级适用的政策", HEADING), Paragraph(data.policy or "（尚未配置本等级的政策说明。）", BODY)]
    story += [Paragraph("迈向更高等级", HEADING), Paragraph(_next_class_text(data), BODY)]
    if data.history:
        story += [Paragraph("历年评价等级", HEADING),
                  _table([["年度", "等级"], *[[str(year), grade or "—"] for year, grade in data.history]],
                         widths=(40 * mm, 40 * mm))]
    return story


def _table(rows, widths, header=True) -> Table:
    table = Table(rows, colWidths=widths)
    style = TableStyle(TABLE_STYLE.getCommands())
    if not header:
        style.add("BACKGROUND", (0, 0), (-1, 0), colors.white)
        style.add("ALIGN", (1, 0), (-1, -1), "LEFT")
    table.setStyle(style)
    return table


def _indicator_table(data: ReportData) -> Table:
    rows = [["指标", "指标值", "权重", "得分", "组内平均得分", "行业平均得分"]]
    for line in data.indicators:
        name = f"{line.name}（{line.unit}）" if line.unit else line.name
        rows.append([name, _number(line.value, 4), _number(line.weight), _number(line.score),
                     _number(line.group_average), _number(line.industry_average)])
    return _table(rows, widths=(58 * mm, 26 * mm, 16 * mm, 20 * mm, 26 * mm, 26 * mm))


def _radar(data: ReportData) -> Drawing:
    """Each indicator's score as a share of its weight: the enterprise against its group."""
    drawing = Drawing(170 * mm, 80 * mm)
    chart = SpiderChart()
    chart.x, chart.y, chart.width, chart.height = 45 * mm, 5 * mm, 70 * mm, 70 * mm
    share = lambda score, weight: 0 if score is None or not weight else max(0.0, score / weight)  # noqa: E731
    chart.data = [[share(i.score, i.weight) for i in data.indicators],
                  [share(i.group_average, i.weight) for i in data.indicators]]
    chart.labels = [i.name for i in data.indicators]
    chart.strandLabels.fontName = FONT
    chart.spokeLabels.fontName = FONT
    chart.spokeLabels.fontSize = 8
    chart.strands[0].strokeColor = colors.HexColor("#1F5FA8")
    chart.strands[0].fillColor = colors.Color(0.12, 0.37, 0.66, alpha=0.25)
    chart.strands[1].strokeColor = colors.HexColor("#E07B24")
    chart.strands[1].fillColor = None
    drawing.add(chart)
    drawing.add(String(120 * mm, 70 * mm, "蓝：本企业  橙：组内平均", fontName=FONT, fontSize=8))
    return drawing


def _next_class_text(data: ReportData) -> str:
    if data.target is None:
        return "已在最高等级，请保持。" if data.grade == "A" else "本企业未参与定等，无此测算。"
    routes = []
    if data.extra_tax is not None:
        routes.append(f"实缴税收增加 {data.extra_tax:,.2f} 万元")
    if data.land_released is not None:
        routes.append(f"退出（盘活）用地 {data.land_released:,.2f} 亩")
    if not routes:
        return f"按本方案，仅靠增加税收或退出用地都无法达到 {data.target} 类，需要全面提升各项指标。"
    return (f"按本方案重新测算（基准随本企业数据一并变化），其他条件不变时，{'，或'.join(routes)}，"
            f"即可达到 {data.target} 类。")


def _number(value, places: int = 2) -> str:
    if value is None:
        return "—"
    if value == float("inf"):
        return "∞"
    return f"{value:,.{places}f}"
