"""The demo's 智改数转 figures (chengnan-facts.yaml) and the enterprise page's panel."""
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from openpark.transformation import demo
from openpark.transformation.models import Certification, TransformationProject
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_facts_figures():
    EnterpriseFactory.create_batch(90)
    summary = io.StringIO()
    demo.load(summary)
    today = timezone.localdate()
    year = today.year
    assert demo.figures(year) == {"cloud_enterprises_three_or_four_star": 20,
                                  "smart_workshops_taizhou_level_or_above": 3}
    assert Certification.objects.filter(kind="smart_workshop").count() == 24
    assert Certification.objects.filter(kind="smart_line").count() == 80
    # 2022–2025 (the plan's 20 workshops and 80 lines): workshops met, lines close but short.
    if year > demo.PLAN_END:
        in_plan = Certification.objects.filter(certified_on__year__range=(2022, 2025))
        assert in_plan.filter(kind="smart_workshop").count() == 21
        assert in_plan.filter(kind="smart_line").count() == 74
    # Nothing is dated after the day the demo is loaded.
    assert not Certification.objects.filter(certified_on__gt=today).exists()
    assert not TransformationProject.objects.filter(diagnosed_on__gt=today).exists()
    assert f"改造项目 {TransformationProject.objects.count()} 个" in summary.getvalue()
    # Investments vary (not in fixed steps) and subsidies are not all one rate.
    projects = list(TransformationProject.objects.all())
    assert len({p.investment % 25 for p in projects}) > 10
    assert len({(p.subsidy_applied / p.investment).quantize(Decimal("0.01")) for p in projects}) >= 4
    assert set(TransformationProject.objects.values_list("state", flat=True)) == {
        "approved", "in_progress", "completed", "terminated"}
    assert Certification.objects.filter(certified_on__year=2022).exists()
    # Each record keeps the model's rules, and of 上云 each enterprise holds one current level.
    for certification in Certification.objects.all():
        certification.clean_fields()
        certification.clean()
    for project in TransformationProject.objects.all():
        project.full_clean()
    superseded = Certification.objects.filter(superseded_by__isnull=False)
    assert superseded.count() == 11 and all(c.ended_on == c.superseded_by.certified_on for c in superseded)
    output = io.StringIO()
    demo.load(output)  # again: nothing more
    assert "未重复生成" in output.getvalue()


def test_the_enterprise_page_lists_certifications_and_projects(make_user, client_for):
    enterprise = EnterpriseFactory()
    Certification.objects.create(enterprise=enterprise, kind="smart_workshop", issuing_level="taizhou",
                                 certified_on=date(2025, 6, 1))
    TransformationProject.objects.create(enterprise=enterprise, name="数字化车间项目", year=2025, investment=100)
    page = client_for(make_user("industry")).get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]))
    text = page.content.decode()
    assert 'id="enterprise-certifications"' in text and "智能车间" in text and "泰州市级" in text
    assert "数字化车间项目" in text and "立项" in text
