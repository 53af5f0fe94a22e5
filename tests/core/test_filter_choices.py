"""A list's filters narrow nothing until asked: an empty choice reads 全部, a yes-or-no filter
全部/是/否 (not Django's "---------" or "未知")."""
import re

import pytest
from django.urls import reverse

from openpark.evaluation.filters import ResultFilterSet
from openpark.evaluation.models import Result


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_a_yes_or_no_filter_reads_all_yes_no(db):
    form = ResultFilterSet({}, queryset=Result.objects.all()).form
    assert options(str(form["adjusted"]), "adjusted") == ["全部", "是", "否"]
    assert options(str(form["grade"]), "grade") == ["全部", "A 类", "B 类", "C 类", "D 类", "不定等"]


@pytest.mark.parametrize(("sent", "narrows"), [("", False), ("unknown", False), ("true", True), ("false", True)])
def test_a_yes_or_no_filter_narrows_only_when_asked(db, sent, narrows):
    filterset = ResultFilterSet({"adjusted": sent}, queryset=Result.objects.all())
    assert filterset.is_valid()
    assert (filterset.form.cleaned_data["adjusted"] is not None) is narrows


def test_the_list_page_offers_all_first(make_user, client_for):
    html = client_for(make_user("economy")).get(reverse("evaluation:result_list")).content.decode()
    assert options(html, "adjusted") == ["全部", "是", "否"]
    assert options(html, "group")[0] == "全部"
    assert "---------" not in html and "未知" not in html
