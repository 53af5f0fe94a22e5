"""亩均评价's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms, services
from .api import serializers
from .models import DisposalCase, GradePolicy, LowEfficiencyRule, Result, Run, SchemeVersion
from .views import disposal_panel, enterprise_panel, result_panel, run_panel, scheme_panel

MODULE = "evaluation"

scheme_pages = ModelPages(
    SchemeVersion, filterset_class=filters.SchemeVersionFilterSet, form_class=forms.SchemeVersionForm,
    list_columns=["name", "version", "title", "shipped", "note"], panels=[scheme_panel], prefix="schemes/",
    detail_fields=["name", "version", "title", "shipped", "note", "updated_at"],
    # Read-only in the API: a scheme is edited on its page, which checks it.
    api=Api("schemes", serializer=serializers.SchemeVersionSerializer, read_only=True),
    menu=Menu(MODULE, "评价方案", order=50, park_wide=True),
)
run_pages = ModelPages(
    Run, filterset_class=filters.RunFilterSet, form_class=forms.RunForm,
    list_columns=["title", "year", "scheme", "state", "updated_at"], panels=[run_panel], prefix="runs/",
    detail_fields=["title", "year", "scheme", "state", "note", "updated_at"], select_related=["scheme"],
    api=Api("runs", serializer=serializers.RunSerializer, read_only=True),
    menu=Menu(MODULE, "评价批次", order=10, park_wide=True),
)


class ResultPages(ModelPages):
    def scoped(self, user):
        """Enterprise users see their results once the run is published."""
        return services.visible_results(Result.objects.all(), user)

    def listed_queryset(self, user, params):
        """Unless a column is chosen to sort by: the latest run first, in it the graded enterprises
        by group and rank (规上, then 规下), then the 不定等, then those not evaluated."""
        queryset = super().listed_queryset(user, params)
        return queryset if self.sort_key(params, user) else queryset.order_by(*services.STANDING_ORDER)

    def list_columns_for(self, user, params) -> list:
        """With a run chosen, its name would be the same on every row: the column goes."""
        columns = super().list_columns_for(user, params)
        return [c for c in columns if c.name != "run"] if params.get("run") else columns


result_pages = ResultPages(
    Result, filterset_class=filters.ResultFilterSet, actions=("list", "detail", "history"), prefix="results/",
    list_columns=["run", "enterprise", "group_label", "rank", "total", "grade", "adjusted_label", "reason",
                  "missing_label"],
    export_columns=["run", "uscc", "enterprise", "group_label", "land", "tax", "revenue", "value_added", "energy",
                    "electricity", "emissions", "rd", "employees", "bonus", "penalty", "total", "rank",
                    "grade", "adjustment_text", "reason", "missing_label"],
    detail_fields=["run", "enterprise", "group_label", "industry_label", "production_started_on",
                   "land", "tax", "revenue", "value_added", "energy", "electricity", "emissions", "rd", "employees",
                   "bonus", "penalty", "total", "rank", "grade", "reason"],
    select_related=["run", "enterprise"], panels=[result_panel], search_fields=(),
    api=Api("results", serializer=serializers.ResultSerializer, read_only=True, ordering=("total", "rank", "grade"),
            select_related=("enterprise",)),
    menu=Menu(MODULE, "评价结果", order=20),
)
disposal_pages = ModelPages(
    DisposalCase, filterset_class=filters.DisposalCaseFilterSet, form_class=forms.DisposalCaseForm,
    list_columns=["enterprise", "year", "route", "area_mu", "deadline", "officer", "state", "overdue",
                  "tax_per_mu_before", "tax_per_mu_after"],
    panels=[disposal_panel], prefix="disposals/", select_related=["enterprise"], attachments=True,
    # The state changes only through the case page's actions.
    api=Api("disposals", serializer=serializers.DisposalCaseSerializer, select_related=("enterprise",)),
    menu=Menu(MODULE, "处置案", order=40, park_wide=True),
)
rule_pages = ModelPages(
    LowEfficiencyRule, list_columns=["tax_per_mu_below", "industry_share_below", "growth_target_pct"],
    form_fields=["tax_per_mu_below", "industry_share_below", "growth_target_pct"], prefix="low-efficiency/rule/",
    actions=("list", "detail", "edit", "history"),
)
policy_pages = ModelPages(
    GradePolicy, list_columns=["grade", "text"], form_fields=["grade", "text"], prefix="policies/",
    actions=("list", "detail", "add", "edit", "history"), search_fields=("text",),
    menu=Menu(MODULE, "等级政策", order=60, park_wide=True),
)
add_panel(Enterprise, enterprise_panel)
