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
