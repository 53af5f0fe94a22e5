"""人才服务's metric for targets (`openpark.core.targets`): within a period, the hires agreed at the
fairs held, the trainees or those certified of the trainings begun, or the apprentices who finished
出师 (`what`)."""
from datetime import date

from django.db.models import Sum
from django.urls import reverse

from openpark.core import targets

from .choices import ApprenticeshipOutcome
from .models import Apprenticeship, FairBooth, SkillsTraining
from .services import of_live_enterprises

WHAT = {
    "hires": "招聘会达成就业意向人数",
    "trainees": "技能培训人数",
    "certified": "技能培训取证人数",
    "graduated": "名师带高徒出师人数",
}


def param_fields() -> dict:
    return {"what": targets.choice_param("统计内容", list(WHAT.items()), needed=True)}


def check_params(params: dict) -> dict:
    targets.unknown_params(params, param_fields())
    what = params.get("what")
    if not isinstance(what, str) or what not in WHAT:  # a list or an object is no choice either
        raise ValueError(f"请选择统计内容：{'、'.join(WHAT.values())}。")
    return {"what": params["what"]}


def count(start: date, end: date, params: dict) -> int:
    what = params["what"]
    if what == "hires":
        rows = of_live_enterprises(FairBooth.objects.filter(fair__held_on__range=(start, end), fair__is_deleted=False))
        return rows.aggregate(total=Sum("hires"))["total"] or 0
    if what in ("trainees", "certified"):
        rows = of_live_enterprises(SkillsTraining.objects.filter(started_on__range=(start, end)))
        return rows.aggregate(total=Sum(what))["total"] or 0
    return of_live_enterprises(Apprenticeship.objects.filter(outcome=ApprenticeshipOutcome.GRADUATED,
                                                             finished_on__range=(start, end))).count()


def url(start: date, end: date, params: dict) -> str:
    span = {"hires": ("talent:fairbooth_list", "held"), "trainees": ("talent:skillstraining_list", "started"),
            "certified": ("talent:skillstraining_list", "started"),
            "graduated": ("talent:apprenticeship_list", "finished")}
    name, field = span[params["what"]]
    extra = "outcome=graduated&" if params["what"] == "graduated" else ""
    return f"{reverse(name)}?{extra}{field}_from={start.isoformat()}&{field}_to={end.isoformat()}"


def describe(params: dict) -> str:
    return WHAT.get(params.get("what"), "")


def register() -> None:
    targets.register_metric(targets.Metric(
        "talent.count", "人才服务人数", "人", count, module="talent", check_params=check_params, url=url,
        describe=describe, param_fields=param_fields))
