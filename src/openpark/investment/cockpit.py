"""招商's tile on the park cockpit: projects signed, started and completed this year and since 2017,
with their investment, the year's target companies against their goal, and what is stuck (stale
projects, problems past their deadline), as the pipeline and target pages count them."""
from django.db.models import Max
from django.urls import reverse

from openpark.core import cockpit

from . import services
from .forms import SinceForm
from .models import StageDate

STAGE_LABELS = {"signed": "签约", "started": "开工", "completed": "竣工"}


def latest_year(year: int) -> int | None:
    """The latest year up to `year` in which a project reached a stage."""
    return StageDate.objects.filter(actual_on__year__lte=year).aggregate(latest=Max("actual_on__year"))["latest"]


def pipeline_url(since: int) -> str:
    return reverse("investment:pipeline") + f"?since={since}"


def reached_url(stage: str, since: int) -> str:
    """The project list of exactly the projects a figure counts: those that reached `stage` since `since`."""
    return reverse("investment:project_list") + f"?reached={stage}&reached_since={since}"


def investment_panel(year: int) -> cockpit.Panel:
    shown, note = cockpit.year_shown(year, latest_year(year))
    since = SinceForm.DEFAULT
    figures = []
    for start, prefix in (((shown, f"{shown} 年"),) if shown else ()) + ((since, f"{since} 年以来"),):
        for key, counted in services.summary(start).items():
            figures.append(cockpit.Figure(f"{prefix}{STAGE_LABELS[key]}", counted["count"], "个", 0,
                                          reached_url(key, start),
                                          note=f"总投资 {cockpit.number_text(counted['investment_yi'], 2)} 亿元"))
    targets = services.target_progress(year)
    if targets["goal"] or targets["listed"]:
        goal = f"目标 {cockpit.number_text(targets['goal'])} 家" if targets["goal"] else "未设年度目标"
        figures.append(cockpit.Figure(
            f"{year} 年目标企业已签约", targets["reached"]["signed"], "家", 0,
            reverse("investment:target_progress") + f"?year={year}",
            note=f"{goal}，已列入 {targets['listed']:,} 家，已走访 {targets['reached']['visited']:,} 家"))
    stale = services.stale_projects().count()
    overdue = services.overdue_problems().count()
    figures += [
        cockpit.Figure("停滞项目", stale, "个", 0, pipeline_url(since) + "#stale", status="alarm" if stale else "",
                       note=f"超过 {services.stale_days()} 天无进展"),
        cockpit.Figure("逾期未解决问题", overdue, "个", 0, pipeline_url(since) + "#overdue", status="alarm" if overdue else ""),
    ]
    return cockpit.Panel(tuple(figures), f"{shown} 年" if shown else f"{year} 年", pipeline_url(since), note)


def register() -> None:
    cockpit.register(cockpit.Tile("investment", "招商引资", 40, "investment.view_project", investment_panel))
