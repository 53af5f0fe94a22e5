"""招商's metrics for targets (`openpark.core.targets`): the target companies put on the year's list
(or those of them at a contact status, 已签约 say) and the projects that reached a stage."""
from datetime import date

from django.urls import reverse

from openpark.core import targets

from .choices import ContactStatus, Stage
from .models import Project, TargetCompany

REACHABLE = (Stage.SIGNED, Stage.LAND, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING)


def check_company_params(params: dict) -> dict:
    targets.unknown_params(params, company_param_fields())
    status = params.get("status")
    if status in (None, ""):
        return {}
    if status not in ContactStatus.values:
        raise ValueError(f"对接状态须为：{'、'.join(str(label) for label in ContactStatus.labels)}。")
    return {"status": status}


def target_companies(start: date, end: date, params: dict) -> int:
    """The target companies on the lists of the period's years (with the given contact status)."""
    companies = TargetCompany.objects.filter(year__gte=start.year, year__lte=end.year)
    if params.get("status"):
        companies = companies.filter(contact_status=params["status"])
    return companies.count()


def target_companies_url(start: date, end: date, params: dict) -> str:
    url = reverse("investment:targetcompany_list")
    query = [f"year={start.year}"] if start.year == end.year else []
    if params.get("status"):
        query.append(f"contact_status={params['status']}")
    return url + ("?" + "&".join(query) if query else "")


def check_stage_params(params: dict) -> dict:
    targets.unknown_params(params, stage_param_fields())
    if params.get("stage") not in REACHABLE:
        names = "、".join(str(Stage(stage).label) for stage in REACHABLE)
        raise ValueError(f"须指定阶段，可选：{names}。")
    return {"stage": params["stage"]}


def projects_reaching(start: date, end: date, params: dict) -> int:
    """The projects whose stage `params["stage"]` was reached (its actual date) within the period."""
    return Project.objects.filter(stage_dates__stage=params["stage"], stage_dates__actual_on__gte=start,
                                  stage_dates__actual_on__lte=end).distinct().count()


def projects_reaching_url(start: date, end: date, params: dict) -> str:
    return reverse("investment:project_list") + f"?reached={params['stage']}&reached_since={start.year}"


def describe_company_params(params: dict) -> str:
    return f"对接状态：{ContactStatus(params['status']).label}" if params.get("status") else ""


def describe_stage_params(params: dict) -> str:
    return f"阶段：{Stage(params['stage']).label}" if params.get("stage") in Stage.values else ""


def company_param_fields() -> dict:
    return {"status": targets.choice_param("对接状态", ContactStatus.choices)}


def stage_param_fields() -> dict:
    return {"stage": targets.choice_param("阶段", [(stage.value, stage.label) for stage in REACHABLE], needed=True)}


def register() -> None:
    targets.register_metric(targets.Metric(
        "investment.target_companies", "目标企业数", "家", target_companies, module="investment",
        check_params=check_company_params, url=target_companies_url,
        describe=describe_company_params, param_fields=company_param_fields))
    targets.register_metric(targets.Metric(
        "investment.projects_reaching", "项目到达阶段数（签约、开工、竣工等）", "个", projects_reaching,
        module="investment", check_params=check_stage_params, url=projects_reaching_url,
        describe=describe_stage_params, param_fields=stage_param_fields))
