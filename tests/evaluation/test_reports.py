"""The 亩均效益体检报告: its content, who may download it, the zip of a whole run, and the
policy texts it prints."""
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from openpark.core.models import TaskRun
from openpark.evaluation import services
from openpark.evaluation.models import GradePolicy, Result, Run, SchemeVersion
from tests.factories import bind_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(park, make_user):
    economy = make_user("economy")
    run = Run.objects.create(year=2021, scheme=SchemeVersion.objects.get(name="jiangsu-6"), title="2021 年度亩均评价")
    services.gather(run, economy)
    services.compute(run, economy)
    services.publish(run, economy)
    return run


def text_of(pdf: bytes) -> str:
    """The PDF's text without white space (lines wrap anywhere in a table or paragraph)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def download(client, result):
    response = client.get(reverse("evaluation:result_report", args=[result.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_report_content(published, park, make_user, client_for):
    result = Result.objects.get(run=published, enterprise=park[1])  # B: one class to go
    text = text_of(download(client_for(make_user("leader")), result))
    answer = services.next_class_of(result)
    assert park[1].name in text and park[1].uscc in text and "2021年度亩均效益体检报告" in text
    assert f"组内排名{result.rank}/3" in text and "评价等级B" in text and "亩均税收" in text
    assert squeezed(f"实缴税收增加 {answer.extra_tax:,.2f} 万元") in text and f"即可达到{answer.target}类" in text
    assert squeezed(GradePolicy.objects.get(grade="B").text) in text
    assert "历年评价等级" in text


def test_enterprise_users_download_only_their_own(published, park, make_user, client_for):
    user = make_user("enterprise")
    bind_enterprise(user, park[0])
    client = client_for(user)
    own = Result.objects.get(run=published, enterprise=park[0])
    assert park[0].name in text_of(download(client, own))
    other = Result.objects.get(run=published, enterprise=park[1])
    assert client.get(reverse("evaluation:result_report", args=[other.pk])).status_code == 404
    assert client.get(reverse("core:taskrun_list")).status_code == 200
    assert client.post(reverse("evaluation:run_reports", args=[published.pk])).status_code == 403


def test_all_reports_of_a_run_as_a_zip(published, park, make_user, client_for):
    client = client_for(make_user("economy"))
    response = client.post(reverse("evaluation:run_reports", args=[published.pk]))
    assert response.status_code == 302
    task = TaskRun.objects.latest("created_at")
    assert task.state == "success" and task.result == {"reports": 3}
    with zipfile.ZipFile(task.result_file.open("rb")) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(name.endswith("2021年度亩均效益体检报告.pdf") for name in names)
        assert park[0].name in text_of(archive.read(f"{park[0].name}-2021年度亩均效益体检报告.pdf"))


def test_policy_texts_are_editable_and_printed(published, park, make_user, client_for):
    client = client_for(make_user("economy"))
    policy = GradePolicy.objects.get(grade="A")
    response = client.post(reverse("evaluation:gradepolicy_edit", args=[policy.pk]),
                           {"grade": "A", "text": "A 类企业享受用地优先保障和城镇土地使用税减免。"})
    assert response.status_code == 302
    top = Result.objects.get(run=published, grade="A")
    text = text_of(download(client, top))
    assert "城镇土地使用税减免" in text and "已在最高等级" in text
