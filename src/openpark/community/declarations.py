"""新就业群体's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages, SharedPages
from openpark.core.registry import Api, Menu

from . import filters, forms
from .importers import station_importer, worker_importer
from .models import (
    Activity, Case, CaseCategory, CaseTimeLimit, Department, LedgerEntry, Open311Key, Organisation, Participation,
    Redemption, Reward, Station, StationInspection, VolunteerTeam, Worker,
)
from .standards import CHECKLIST_FIELDS
from .case_panels import case_check_panel, case_position_panel, department_panel, worker_cases_panel
from .views import activity_panel, inspection_panel, station_panel, team_members_panel, team_panel, worker_panel

MODULE = "community"
# The stations, the activities and the catalogue are what every worker may look up (no one's
# personal records): shared pages, seen whole by whoever may view them, a grid worker included.


organisation_pages = ModelPages(
    Organisation, filterset_class=filters.OrganisationFilterSet, form_class=forms.OrganisationForm,
    prefix="organisations/", list_columns=["name", "kind", "parent", "officers", "founded_on"],
    detail_fields=["name", "kind", "parent", "covered_enterprises", "officers", "founded_on", "note"],
    select_related=["parent"],
    api=Api("organisations", fields=tuple(forms.ORGANISATION_FIELDS), select_related=("parent",),
            prefetch_related=("covered_enterprises",)),
    menu=Menu(MODULE, "组织", order=10, park_wide=True),
)
worker_pages = ModelPages(
    Worker, filterset_class=filters.WorkerFilterSet, form_class=forms.WorkerForm, prefix="workers/",
    list_columns=["name", "employer", "job_type", "party_member", "union_member", "grid_worker", "station", "points",
                  "hours"],
    detail_fields=["name", "employer", "job_type", "party_member", "union_member", "grid_worker", "grid", "station", "teams",
                   "consent_on", "user", "points", "hours", "note"],
    select_related=["employer", "station", "grid"], panels=[worker_panel, worker_cases_panel], search_fields=("name",), importer=worker_importer,
    api=Api("workers", fields=(*forms.WORKER_FIELDS, "points", "hours"),
            read_only_fields=("points", "hours", "created_at", "updated_at"),
            select_related=("employer", "station", "grid"), prefetch_related=("teams",)),
    menu=Menu(MODULE, "从业人员", order=20, park_wide=True),
)
station_pages = SharedPages(
    Station, filterset_class=filters.StationFilterSet, form_class=forms.StationForm, prefix="stations/",
    list_columns=["name", "tier", "kind", "address", "hours", "facility_names"],
    detail_fields=["name", "tier", "kind", "organisation", "address", "longitude", "latitude", "hours",
                   "facility_names", "note"],
    select_related=["organisation"], importer=station_importer, panels=[station_panel, inspection_panel],
    api=Api("stations", fields=tuple(forms.STATION_FIELDS), select_related=("organisation",)),
    menu=Menu(MODULE, "服务站点", order=40),
    list_links=[("服务站点地图", "community:map", "community.view_station")],
)
# An inspection of a station is no one's personal record: seen whole, like the stations.
inspection_pages = SharedPages(
    StationInspection, filterset_class=filters.StationInspectionFilterSet, form_class=forms.StationInspectionForm,
    prefix="inspections/", list_columns=["inspected_on", "station", "inspector", "result_text", "rectify_by"],
    detail_fields=["station", "inspected_on", "inspector", *CHECKLIST_FIELDS, "result_text", "rectify_by", "note"],
    select_related=["station"], search_fields=("station__name", "inspector"),
    api=Api("station-inspections", fields=(*forms.INSPECTION_FIELDS, "result_text", "failed_items"),
            read_only_fields=("result_text", "failed_items", "created_at", "updated_at"),
            select_related=("station",)),
    menu=Menu(MODULE, "驿站检查", order=45),
)
team_pages = ModelPages(
    VolunteerTeam, filterset_class=filters.VolunteerTeamFilterSet, form_class=forms.VolunteerTeamForm,
    prefix="teams/", list_columns=["name", "organisation", "leader", "founded_on"], select_related=["organisation"],
    panels=[team_members_panel, team_panel],
    api=Api("teams", fields=tuple(forms.TEAM_FIELDS), select_related=("organisation",)),
    menu=Menu(MODULE, "志愿队伍", order=50, park_wide=True),
)
activity_pages = SharedPages(
    Activity, filterset_class=filters.ActivityFilterSet, form_class=forms.ActivityForm, prefix="activities/",
    list_columns=["held_on", "title", "kind", "place", "organiser", "hours", "points"],
    select_related=["organiser", "station", "team"], panels=[activity_panel],
    api=Api("activities", fields=tuple(forms.ACTIVITY_FIELDS), select_related=("organiser", "station", "team")),
    menu=Menu(MODULE, "活动", order=60),
)
participation_pages = ModelPages(
    Participation, filterset_class=filters.ParticipationFilterSet, form_class=forms.ParticipationForm,
    prefix="participations/", list_columns=["activity", "worker", "attended", "note"],
    select_related=["activity", "worker"],
    api=Api("participations", fields=tuple(forms.PARTICIPATION_FIELDS), select_related=("activity", "worker")),
    menu=Menu(MODULE, "活动报名", order=65, park_wide=True),
)
ledger_pages = ModelPages(
    LedgerEntry, filterset_class=filters.LedgerEntryFilterSet, actions=("list", "detail"), prefix="ledger/",
    list_columns=["on", "worker", "kind", "points", "hours", "expires_on", "reason"],
    detail_fields=["worker", "kind", "points", "hours", "on", "expires_on", "reason", "source", "ref", "created_at"],
    select_related=["worker"], default_sort="-pk", count_rows=False,
    api=Api("ledger", fields=("worker", "kind", "points", "hours", "on", "expires_on", "reason", "source", "ref",
                              "created_at"), read_only=True, select_related=("worker",)),
    menu=Menu(MODULE, "积分流水", order=70, park_wide=True),
)
reward_pages = SharedPages(
    Reward, filterset_class=filters.RewardFilterSet, form_class=forms.RewardForm, prefix="rewards/",
    list_columns=["name", "points", "stock", "limit_per_person", "is_active"],
    api=Api("rewards", fields=tuple(forms.REWARD_FIELDS)),
    menu=Menu(MODULE, "兑换品", order=80),
)
redemption_pages = ModelPages(
    Redemption, filterset_class=filters.RedemptionFilterSet, form_class=forms.RedemptionForm, prefix="redemptions/",
    actions=("list", "detail", "add", "edit", "history"),
    list_columns=["requested_on", "worker", "reward", "quantity", "points", "state"],
    detail_fields=["worker", "reward", "quantity", "points", "requested_on", "state", "note"],
    select_related=["worker", "reward"],
    api=Api("redemptions", fields=(*forms.REDEMPTION_FIELDS, "points", "requested_on", "state"),
            read_only_fields=("points", "requested_on", "state", "created_at", "updated_at"),
            select_related=("worker", "reward")),
    menu=Menu(MODULE, "积分兑换", order=90, park_wide=True),
)


# 随手拍 and grid cases --------------------------------------------------------------------------

department_pages = ModelPages(
    Department, filterset_class=filters.DepartmentFilterSet, form_class=forms.DepartmentForm, prefix="departments/",
    list_columns=["name", "kind", "phone", "is_active"], panels=[department_panel],
    api=Api("departments", fields=tuple(forms.DEPARTMENT_FIELDS), prefetch_related=("grids",)),
    menu=Menu(MODULE, "处置部门", order=120, park_wide=True),
)
# The categories are the park's vocabulary: whoever may report or handle a case sees them all.
category_pages = SharedPages(
    CaseCategory, filterset_class=filters.CaseCategoryFilterSet, form_class=forms.CaseCategoryForm,
    prefix="case-categories/",
    list_columns=["order", "name", "code", "group", "department", "urgency", "points", "anonymous_allowed",
                  "is_active"],
    select_related=["department"],
    api=Api("case-categories", fields=tuple(forms.CATEGORY_FIELDS), select_related=("department",)),
    menu=Menu(MODULE, "问题类别", order=125, park_wide=True),
)
time_limit_pages = SharedPages(
    CaseTimeLimit, filterset_class=filters.CaseTimeLimitFilterSet, form_class=forms.CaseTimeLimitForm,
    prefix="case-time-limits/", list_columns=["applies_to", "stage", "urgency", "amount", "unit"],
    detail_fields=["applies_to", "stage", "urgency", "amount", "unit"],
    select_related=["category"],
    api=Api("case-time-limits", fields=tuple(forms.TIME_LIMIT_FIELDS), select_related=("category",)),
    menu=Menu(MODULE, "处置时限", order=130, park_wide=True),
)
CASE_DETAIL = ["number", "category", "urgency", "state", "description", "media_url", "address", "longitude", "latitude",
               "location_source", "grid", "department", "channel", "reporter_name", "reporter_phone", "anonymous",
               "reported_at", "duplicate_of", "handled_by", "resolution", "resolution_note", "closed_at",
               "satisfaction", "evaluation_note", "returns", "reworks", "extensions", "extension_days"]
case_pages = ModelPages(
    Case, filterset_class=filters.CaseFilterSet, form_class=forms.CaseForm, prefix="cases/",
    actions=("list", "detail", "add", "edit", "history"),
    list_columns=["number", "reported_at", "category", "urgency", "grid", "department", "state", "overdue"],
    detail_fields=CASE_DETAIL, select_related=["category", "grid", "department"], default_sort="-reported_at",
    attachments=True, panels=[case_check_panel, case_position_panel],
    api=Api("cases", fields=(*forms.CASE_FIELDS, *[f for f in CASE_DETAIL if f not in forms.CASE_FIELDS]),
            read_only_fields=tuple(f for f in CASE_DETAIL if f not in forms.CASE_FIELDS),
            select_related=("category", "grid", "department", "duplicate_of", "handled_by")),
    menu=Menu(MODULE, "随手拍案件", order=110),
)
open311_key_pages = ModelPages(
    Open311Key, filterset_class=filters.Open311KeyFilterSet, form_class=forms.Open311KeyForm, prefix="open311-keys/",
    actions=("list", "detail", "edit", "history"),
    list_columns=["name", "prefix", "is_active", "issued_by", "last_used_at"],
    detail_fields=["name", "prefix", "is_active", "issued_by", "last_used_at", "created_at"],
    menu=Menu(MODULE, "Open311 接口密钥", order=140, park_wide=True),
    list_links=[("签发密钥", "community:open311_key_issue", "community.add_open311key")],
)
