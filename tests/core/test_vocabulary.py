"""The vocabulary every app shares lives in core, once: the years the platform accepts and the
units of money. A year field, the API's year parameter, the sheet's 规上年份 and the map's year box
all take their bounds from `openpark.core.limits`."""
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse

from openpark.core import limits
from openpark.core.limits import FIRST_YEAR, LAST_YEAR, in_year_range, year_validators
from openpark.core.units import WAN_PER_YI
from openpark.economy.growth import to_yi

SOURCE = Path(limits.__file__).resolve().parents[1]
YEAR_FIELDS = {"year", "since"}


def test_no_app_writes_the_year_bounds_itself():
    typed = [f"{path.relative_to(SOURCE)}:{number}"
             for path in sorted(SOURCE.rglob("*")) if path.suffix in {".py", ".html", ".js"}
             and "migrations" not in path.parts and "vendor" not in path.parts and path.name != "limits.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(rf"\b({FIRST_YEAR}|{LAST_YEAR})\b", line)]
    assert typed == []


def test_every_year_field_has_the_shared_bounds():
    fields = [field for model in apps.get_models() if model._meta.app_label in
              {"enterprises", "economy", "evaluation", "investment", "environment"}
              for field in model._meta.concrete_fields if field.name in YEAR_FIELDS]
    assert len(fields) >= 6
    for field in fields:
        bounds = {type(v): v.limit_value for v in field.validators if isinstance(v, (MinValueValidator, MaxValueValidator))}
        assert bounds == {MinValueValidator: FIRST_YEAR, MaxValueValidator: LAST_YEAR}, field
    assert year_validators() is not year_validators()  # a field's list is its own
    assert in_year_range(FIRST_YEAR) and in_year_range(LAST_YEAR) and not in_year_range(LAST_YEAR + 1)


def test_money_units():
    assert to_yi(WAN_PER_YI * 3) == 3


@pytest.mark.django_db
def test_the_map_and_the_api_take_the_same_bounds(make_user, client_for, api_for):
    page = client_for(make_user("economy")).get(reverse("enterprises:map")).content.decode()
    assert f'min="{FIRST_YEAR}" max="{LAST_YEAR}"' in page
    api = api_for(make_user("economy"))
    assert api.get("/api/economy/figures/", {"year": LAST_YEAR + 1}).status_code == 400
    assert api.get("/api/economy/figures/", {"year": LAST_YEAR}).status_code == 200
