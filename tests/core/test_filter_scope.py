"""A list's filters offer only the records the user may see: an enterprise user choosing a 责任企业
on the outfall list is shown its own enterprise, never the names of the park's others."""
import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, bind_enterprise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["environment:outfall_list", "environment:dischargepermit_list",
                                      "environment:environmentproblem_list"])
def test_an_enterprise_user_s_filters_name_only_its_enterprise(url_name, make_user, client_for):
    own, other = EnterpriseFactory(name="本企业有限公司"), EnterpriseFactory(name="隔壁的机密公司")
    user = make_user("enterprise")
    bind_enterprise(user, own)
    page = client_for(user).get(reverse(url_name))
    assert page.status_code == 200
    choices = page.context["filter_form"].fields["enterprise"].queryset
    assert list(choices) == [own]
    assert "隔壁的机密公司" not in page.content.decode()
    staff = client_for(make_user("environment" if url_name.startswith("environment") else "economy"))
    assert set(staff.get(reverse(url_name)).context["filter_form"].fields["enterprise"].queryset) >= {own, other}
