import pytest

from .test_runs import enterprise_with


@pytest.fixture
def park():
    """Three 规上 enterprises with full data but one lacking emissions, and one 规下 on 2 亩."""
    full = {"revenue": 1000, "value_added": 300, "energy": 50, "emissions": 2, "rd": 30, "employees": 30}
    return [
        enterprise_with(2021, 10, tax=100, **full),
        enterprise_with(2021, 20, tax=100, **{**full, "revenue": 1500}),
        enterprise_with(2021, 10, tax=40, **{**full, "emissions": None}),
        enterprise_with(2021, 2, above=False, tax=5, revenue=50),
    ]
