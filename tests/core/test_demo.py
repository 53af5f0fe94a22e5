import io
import re

import pytest
from django.core.management import call_command

from openpark.core.management.commands.load_demo import demo_modules
from openpark.core.models import ChangeRecord, Grid
from openpark.core.uscc import validate
from openpark.enterprises.demo import ENTERPRISE_COUNT, demo_enterprises
from openpark.enterprises.models import Enterprise

from .. import snapshots

pytestmark = pytest.mark.usefixtures("demo_park", "db")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_is_safe_to_run_twice():
    """The park the tests share was loaded by load_demo (what it said then is kept); loaded again,
    it adds and records nothing."""
    first = snapshots.said("load_demo")
    assert f"企业：新建 {ENTERPRISE_COUNT} 家" in first and "网格：新建 6 个" in first
    codes = sorted(Enterprise.objects.values_list("uscc", flat=True))
    records = ChangeRecord.objects.count()
    second = run("load_demo")
    assert "企业：新建 0 家" in second and "网格：新建 0 个" in second
    assert sorted(Enterprise.objects.values_list("uscc", flat=True)) == codes
    assert Grid.objects.count() == 6
    assert ChangeRecord.objects.count() == records
    created = ChangeRecord.objects.filter(source="load_demo", action="create")
    assert created.filter(content_type__model="enterprise").count() == ENTERPRISE_COUNT
    assert created.filter(content_type__model="grid").count() == 6


def test_load_demo_says_what_it_loads_and_how_long_each_part_took():
    """A line as each app's part begins and one with its time as it ends, its counts in between."""
    said = snapshots.said("load_demo")
    modules = list(demo_modules())
    assert len(modules) >= 6 and "经济运行" in [label for label, _ in modules]
    for number, (label, _) in enumerate(modules, 1):
        step = re.escape(f"[{number}/{len(modules)}] {label}")
        assert re.search(rf"^{step}：正在载入……$", said, re.M), label
        assert re.search(rf"^{step}：完成，用时 \d+\.\d 秒。$", said, re.M), label
    economy = said.split("经济运行：正在载入")[1].split("经济运行：完成")[0]
    assert "经济指标数据：新建 " in economy
    assert re.search(r"演示数据已载入，共用时 \d+\.\d 秒。", said)


def test_demo_enterprises_are_deterministic_and_valid():
    first = [d.enterprise for d in demo_enterprises()]
    second = [d.enterprise for d in demo_enterprises()]
    assert [(e.uscc, e.name, e.longitude) for e in first] == [(e.uscc, e.name, e.longitude) for e in second]
    assert len({e.uscc for e in first}) == len({e.name for e in first}) == ENTERPRISE_COUNT
    assert all(validate(e.uscc) == e.uscc for e in first)


def test_shipped_facts_are_the_shared_ones():
    from pathlib import Path

    from openpark.core.facts import FACTS

    shared = Path(__file__).resolve().parents[3] / "shared" / "domain" / "chengnan-facts.yaml"
    if not shared.exists():
        pytest.skip("the shared domain folder is not beside this checkout")
    assert FACTS.read_bytes() == shared.read_bytes()
