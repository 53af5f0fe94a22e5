"""经济运行's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms
from .api import serializers
from .importers import fact_importer
from .models import CityFigure, Fact, Indicator
from .views import economy_panel

MODULE = "economy"

indicator_pages = ModelPages(
    Indicator, filterset_class=filters.IndicatorFilterSet, form_class=forms.IndicatorForm,
    list_columns=["order", "code", "name", "unit", "frequency", "department", "source", "alarm_threshold",
                  "excellent_threshold", "higher_is_better"],
    api=Api("indicators", serializer=serializers.IndicatorSerializer),
    menu=Menu(MODULE, "指标定义", order=30),
)
fact_pages = ModelPages(
    Fact, filterset_class=filters.FactFilterSet, form_class=forms.FactForm,
    list_columns=["enterprise", "indicator", "year", "month", "value", "updated_at"],
    select_related=["enterprise", "indicator"], importer=fact_importer,
    api=Api("facts", serializer=serializers.FactSerializer, ordering=("year", "month", "value", "updated_at"),
            select_related=("enterprise", "indicator")),
    menu=Menu(MODULE, "企业指标数据", order=20),
)
city_figure_pages = ModelPages(
    CityFigure, filterset_class=filters.CityFigureFilterSet, form_class=forms.CityFigureForm,
    list_columns=["indicator", "year", "month", "value", "note"], select_related=["indicator"],
    prefix="city-figures/",
    api=Api("city-figures", serializer=serializers.CityFigureSerializer, select_related=("indicator",)),
    menu=Menu(MODULE, "全市参考值", order=40, park_wide=True),
)
add_panel(Enterprise, economy_panel)
