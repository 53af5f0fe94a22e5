"""The demo accounts: one per role, each able to log in and land on its role's home page."""

import pytest
from django.urls import reverse

from openpark.core.demo_users import demo_password, demo_username
from openpark.core.models import User
from openpark.core.roles import ROLES

from tests.core.test_demo import run

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def test_demo_users_one_per_role_and_can_log_in(client):
    output = run("create_demo_users")
    run("create_demo_users")  # again: no duplicates, same passwords
    assert User.objects.count() == len(ROLES)
    for role in ROLES:
        assert demo_username(role) in output and demo_password(role) in output
        response = client.post(reverse("login"), {"username": demo_username(role), "password": demo_password(role)})
        assert response.status_code == 302, role.name
        landing = client.get(response["Location"], follow=True)
        assert landing.request["PATH_INFO"] == reverse("role_home", args=[role.slug])
        client.post(reverse("logout"))
    enterprise_user = User.objects.get(username="demo_enterprise")
    assert enterprise_user.enterprise_bindings.count() == 1
    assert User.objects.get(username="demo_grid").grid_bindings.count() == 1
    assert User.objects.get(username="demo_admin").is_staff
    assert not User.objects.filter(is_superuser=True).exists()
