from datetime import date, time
from decimal import Decimal as D

import pytest

from openpark.community.models import Reward, Station, Worker

ID_NUMBER = "11010519491231002X"  # a valid 18-digit number (check digit X)


@pytest.fixture
def station(db):
    return Station.objects.create(name="城南小哥驿站", tier="post", kind="xiaoge", longitude=D("120.26"),
                                  latitude=D("31.96"), opens_at=time(8), closes_at=time(22), facilities=["water", "charging"])


@pytest.fixture
def worker(db, enterprises):
    return Worker.objects.create(name="王骑手", employer=enterprises[0], job_type="takeaway", phone="13900139000",
                                 id_number=ID_NUMBER, consent_on=date(2026, 1, 1))


@pytest.fixture
def other_worker(db, enterprises):
    return Worker.objects.create(name="李骑手", employer=enterprises[1], job_type="express", phone="13700137000",
                                 consent_on=date(2026, 1, 1))


@pytest.fixture
def reward(db):
    return Reward.objects.create(name="骑行雨衣", points=10, stock=3, limit_per_person=2)


# 随手拍 and grid cases

BOUNDARY = {"type": "Polygon", "coordinates": [[[120.20, 31.90], [120.30, 31.90], [120.30, 32.00], [120.20, 32.00],
                                               [120.20, 31.90]]]}


@pytest.fixture
def department(db):
    from openpark.community.models import Department

    return Department.objects.create(name="城市管理办公室")


@pytest.fixture
def category(db, department):
    from openpark.community.models import CaseCategory

    return CaseCategory.objects.create(code="litter", name="乱扔垃圾", icon="litter", department=department, points=5,
                                       anonymous_allowed=True)


@pytest.fixture
def case_grid(db):
    from openpark.core.models import Grid

    return Grid.objects.create(code="CN-01", name="城南一网格", boundary=BOUNDARY)


@pytest.fixture
def rider(make_user, worker):
    user = make_user("grid")
    worker.user = user
    worker.save()
    return user


@pytest.fixture
def centre(make_user):
    return make_user("community")


@pytest.fixture
def handler(make_user, department):
    from openpark.community.models import DepartmentBinding

    user = make_user("department")
    DepartmentBinding.objects.create(user=user, department=department)
    return user


@pytest.fixture
def new_case(db, category, case_grid, rider):
    from openpark.community import casework
    from openpark.community.models import Case

    return casework.submit(Case(category=category, description="路边垃圾堆放", longitude=D("120.25"),
                                latitude=D("31.95"), location_source="device"), rider)
