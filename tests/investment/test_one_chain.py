"""One 产业链 model: an enterprise put in a chain by the enterprise sheet is counted the same on the
chain map (招商), the enterprise map, the economy's breakdown by chain and the evaluation's flags."""
from decimal import Decimal as D

from django.urls import reverse

from openpark.economy import services as economy
from openpark.economy.models import Fact, Indicator
from openpark.enterprises.map import map_layers
from openpark.enterprises.models import Chain, Enterprise
from openpark.evaluation import services as evaluation
from tests.enterprises.helpers import code
from tests.sheets import confirm, latest_job, upload, xlsx

HEADER = ["统一社会信用代码", "企业名称", "经度", "纬度", "标签"]


def test_the_sheet_puts_enterprises_in_a_chain_that_every_page_counts_alike(make_user, client_for):
    client = client_for(make_user("economy", "investment"))
    rows = [HEADER] + [[code(n), f"靖江汽配{n}有限公司", "120.25", "31.96", "汽车配件；专精特新"] for n in range(3)]
    rows.append([code(9), "靖江包装有限公司", "120.25", "31.96", "专精特新"])
    upload(client, "enterprises.enterprise", xlsx(rows), name="企业.xlsx")
    confirm(client, latest_job())
    assert Enterprise.objects.count() == 4

    tax = Indicator.objects.get(code="tax_paid")
    Fact.objects.bulk_create([Fact(enterprise=e, indicator=tax, year=2021, value=D(10)) for e in Enterprise.objects.all()])
    assert dict(economy.breakdown(tax, 2021, None, "chain"))["汽车配件"] == D(30)

    legend = {row["label"]: row["count"] for row in map_layers(make_user("leader"), "chain", 2021)["legend"]}
    assert legend == {"汽车配件": 3, "不在产业链": 1}

    flags = evaluation._flags(2021)
    assert sum(1 for values in flags.values() if values.get("chain:汽车配件")) == 3

    page = client.get(reverse("investment:chain_map")).content.decode()
    row = page[page.index('data-chain="汽车配件"'):]
    row = row[:row.index("</section>")]
    assert "园区企业 3 家" in row and "未分环节 3 家" in row
    chain = Chain.objects.get(name="汽车配件")
    listed = client.get(reverse("enterprises:enterprise_list"), {"chain": chain.pk})
    assert len(listed.context["rows"]) == 3  # every figure links to the page it comes from
    unplaced = client.get(reverse("enterprises:chainmembership_list"), {"chain": chain.pk, "unplaced": "true"})
    assert len(unplaced.context["rows"]) == 3
