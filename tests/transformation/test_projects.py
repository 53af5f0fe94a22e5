"""智改数转项目: the subsidy rule on every path, and the state machine."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openpark.core.states import TransitionError
from openpark.transformation.models import TransformationProject

pytestmark = pytest.mark.django_db

DATA = {"name": "数字化车间改造", "year": 2026, "investment": "500", "equipment_investment": "300",
        "software_investment": "100", "network": "5g", "subsidy_applied": "50", "subsidy_received": "60"}


def test_received_subsidy_not_more_than_applied(enterprises):
    project = TransformationProject(enterprise=enterprises[0], **{**DATA, "investment": Decimal("500")})
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert refused.value.message_dict["subsidy_received"] == ["到位补助不能超过申请补助。"]
    project.subsidy_received = Decimal("50")
    project.full_clean()


def test_page_and_api_refuse_too_much_subsidy(make_user, client_for, api_for, enterprises):
    user = make_user("industry")
    response = client_for(user).post(reverse("transformation:transformationproject_add"),
                                     {**DATA, "enterprise": enterprises[0].pk})
    assert response.status_code == 200 and "到位补助不能超过申请补助。" in response.content.decode()
    api = api_for(user)
    response = api.post("/api/transformation/projects/", {**DATA, "enterprise": enterprises[0].pk}, format="json")
    assert response.status_code == 400 and "subsidy_received" in response.json()["errors"]
    response = api.post("/api/transformation/projects/", {**DATA, "enterprise": enterprises[0].pk,
                                                          "subsidy_received": "40"}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "approved"
    assert not TransformationProject.objects.filter(subsidy_received=Decimal("60")).exists()


def test_the_life_cycle(make_user, api_for, enterprises):
    user = make_user("industry")
    project = TransformationProject.objects.create(enterprise=enterprises[0], name="MES 上线", year=2026,
                                                   investment=Decimal("100"), diagnosed_on=date(2026, 1, 5))
    project.state = "completed"
    with pytest.raises(TransitionError):
        project.save()
    api = api_for(user)
    base = f"/api/transformation/projects/{project.pk}/transitions/"
    assert api.post(base + "complete/", {"note": "验收"}, format="json").status_code == 400
    assert api.post(base + "start/", {}, format="json").status_code == 200
    assert api.post(base + "complete/", {"note": "专家验收通过"}, format="json").status_code == 200
    project.refresh_from_db()
    assert project.state == "completed"
    assert api.post(base + "terminate/", {"note": "x"}, format="json").status_code == 400
    leader = api_for(make_user("leader"))
    other = TransformationProject.objects.create(enterprise=enterprises[0], name="设备联网", year=2026,
                                                 investment=Decimal("100"))
    assert leader.post(f"/api/transformation/projects/{other.pk}/transitions/start/", {},
                       format="json").status_code == 403
