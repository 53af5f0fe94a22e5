"""The evaluation's tiles on the park cockpit: the classes of the last published run and the park's
亩均税收 against its growth target, and the map of enterprises coloured by their 亩均 class (a
colouring the enterprise map gets from this app)."""
from django.db.models import Count
from django.urls import reverse

from openpark.core import cockpit
from openpark.enterprises import map as enterprise_map

from . import services
from .choices import Grade, RunState
from .models import LowEfficiencyRule, Result, Run

GRADE_COLOURS = (("A 类", "#2e9d4f"), ("B 类", "#1d5fa8"), ("C 类", "#e07b00"), ("D 类", "#c4302b"),
                 ("不定等", "#7d4fb3"), ("未纳入", "#8c5a3c"), ("未参评", "#9aa5b1"))
NOT_EVALUATED = "未参评"
NOT_GRADED = "未纳入"


def last_published_run(year: int | None = None) -> Run | None:
    """The latest published run (of `year` when given)."""
    runs = Run.objects.filter(state=RunState.PUBLISHED)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-pk").first()


def grade_counts(run: Run) -> dict[str, int]:
    """How many enterprises of the run are in each class (the adjusted class where adjusted)."""
    counts = dict(Result.objects.filter(run=run).exclude(grade="").values_list("grade").annotate(n=Count("pk"))
                  .order_by())
    return {grade: counts.get(grade, 0) for grade in Grade.values}


def results_url(run: Run, grade: str = "") -> str:
    return reverse("evaluation:result_list") + f"?run={run.pk}" + (f"&grade={grade}" if grade else "")


def evaluation_panel(year: int) -> cockpit.Panel:
    run = last_published_run()
    if run is None:
        return cockpit.Panel(note="尚无已发布的评价批次", url=reverse("evaluation:run_list"))
    labels = dict(Grade.choices)
    figures = [cockpit.Figure(str(labels[grade]), count, "家", 0, results_url(run, grade))
               for grade, count in grade_counts(run).items()]
    current, previous, growth = services.park_growth(run)
    target = LowEfficiencyRule.current().growth_target_pct
    low_url = reverse("evaluation:low_efficiency") + f"?run={run.pk}"
    met = growth is not None and growth >= float(target)
    figures.append(cockpit.Figure(
        "园区亩均税收", current, "万元/亩", 2, low_url, growth, "较上年",
        status="" if growth is None else ("excellent" if met else "alarm"),
        note=f"目标增幅 {cockpit.number_text(target, 2)}%，{'已达到' if met else '未达到'}" if growth is not None
        else f"目标增幅 {cockpit.number_text(target, 2)}%，上年无评价数据"))
    return cockpit.Panel(tuple(figures), f"{run.year} 年", run.get_absolute_url(), items=((str(run), run.get_absolute_url()),))


def map_panel(year: int) -> cockpit.Panel:
    run = last_published_run()
    if run is None:
        return None
    return cockpit.Panel(
        period=f"{run.year} 年", url=reverse("enterprises:map"), template="evaluation/cockpit_map.html",
        context={"data_url": reverse("enterprises:map_data"), "colour": "grade", "year": run.year},
        scripts=("vendor/leaflet/leaflet.js", "js/enterprise-map.js"), styles=("vendor/leaflet/leaflet.css",),
        wide=False)


def last_run_year() -> int | None:
    """The map's 亩均 colouring opens at the year of the last published run."""
    run = last_published_run()
    return run.year if run is not None else None


def categorise(enterprises: list, year: int) -> dict[int, str]:
    """Each enterprise's class in the year's published run: "A 类"…"不定等", 未纳入 (in the run, not
    graded) or 未参评 (not in it, or no run of the year is published)."""
    run = last_published_run(year)
    grades = dict(Result.objects.filter(run=run).values_list("enterprise_id", "grade")) if run else {}
    labels = dict(Grade.choices)
    categories = {}
    for enterprise in enterprises:
        grade = grades.get(enterprise.pk)
        categories[enterprise.pk] = NOT_EVALUATED if grade is None else str(labels[grade]) if grade else NOT_GRADED
    return categories


def register() -> None:
    cockpit.register(cockpit.Tile("evaluation", "亩均评价", 30, "evaluation.view_result", evaluation_panel))
    cockpit.register(cockpit.Tile("evaluation-map", "企业亩均等级分布", 90,
                                  ("evaluation.view_result", "enterprises.view_enterprise"), map_panel))
    enterprise_map.register_colouring(enterprise_map.Colouring(
        "grade", "亩均等级", "evaluation.view_result", categorise, GRADE_COLOURS, default_year=last_run_year))
