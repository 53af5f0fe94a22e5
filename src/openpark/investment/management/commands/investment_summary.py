import json

from django.core.management.base import BaseCommand, CommandError

from openpark.core.limits import FIRST_YEAR, LAST_YEAR, in_year_range
from openpark.investment.services import summary


class Command(BaseCommand):
    help = "招商项目汇总：某年以来签约、开工、竣工的项目数和总投资（亿元）。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=int, required=True, help="起始年份，如 2017")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, since, **options):
        if not in_year_range(since):
            raise CommandError(f"起始年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间。")
        figures = summary(since)
        if options["json"]:
            self.stdout.write(json.dumps({key: {"count": value["count"], "investment": value["investment_yi"]}
                                          for key, value in figures.items()}, ensure_ascii=False))
            return
        names = {"signed": "签约", "started": "开工", "completed": "竣工"}
        for key, value in figures.items():
            self.stdout.write(f"{since} 年以来{names[key]}：{value['count']} 个，总投资 {value['investment_yi']} 亿元")
