from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openpark.environment.models import (
    Outfall, OutfallClass, PollutionSource, RemediationPlan, RiverSegment, Tracing, WaterBody,
)
from tests.images import png_bytes


def photo(name="现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes((20, 10), "RGB", (0, 120, 200)), content_type="image/png")


@pytest.fixture
def yangtze(db):
    return WaterBody.objects.create(name="长江（靖江段）", kind="yangtze", level="province", length_km=D("52.3"),
                                    target_class="II")


@pytest.fixture
def segment(yangtze):
    return RiverSegment.objects.create(water_body=yangtze, name="城南段", length_km=D("8.5"))


@pytest.fixture
def make_outfall(yangtze, segment):
    """An outfall at a stage (stored as such, as the demo and a migration would)."""
    counter = iter(range(1, 1000))

    def make(stage="suspected", plan_type=None, **fields):
        number = next(counter)
        values = {"code": f"CN{number:03d}", "name": f"排口{number}", "outfall_class": OutfallClass.objects.first(),
                  "longitude": D("120.26"), "latitude": D("31.98"), "water_body": yangtze, "segment": segment,
                  "stage": stage, **fields}
        outfall = Outfall.objects.create(**values)
        if plan_type:
            RemediationPlan.objects.create(outfall=outfall, plan_type=plan_type, approved_on=date(2026, 1, 5),
                                           approved_by="靖江市生态环境局")
        return outfall

    return make


@pytest.fixture
def staff(make_user):
    return make_user("environment", full_name="环保小王")


def trace_to_a_source(outfall) -> Tracing:
    source, _ = PollutionSource.objects.get_or_create(name="城南社区生活污水", category="domestic",
                                                      defaults={"responsible_party": "城南社区居委会"})
    return Tracing.objects.create(outfall=outfall, source=source, method="site_survey", traced_on=date(2026, 1, 2))
