import json

from django.core.management.base import BaseCommand, CommandError

from openpark.economy import services
from openpark.economy.choices import GrowthBasis, ScopeKind


class Command(BaseCommand):
    help = "输出园区某年（或 1—N 月累计）的主要经济指标：数值（万元）与同比增速（%），高新技术产业产值占比与高新技术企业数。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年份，如 2021")
        parser.add_argument("--month", type=int, help="截至月份（1—12），不填为年度数据")
        parser.add_argument("--basis", choices=GrowthBasis.values, default=GrowthBasis.SAME_ENTERPRISES,
                            help="增速口径：same 同口径（默认），own 各年自身范围")
        parser.add_argument("--scope", choices=ScopeKind.values, default=ScopeKind.ALL, help="企业范围")
        parser.add_argument("--scope-value", default="", help="片区编号、产业链标签编号或行业代码")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出，键为指标代码")

    def handle(self, *args, year, month, basis, scope, scope_value, json: bool, **options):
        if month is not None and not 1 <= month <= 12:
            raise CommandError("月份应在 1—12 之间。")
        chosen = services.Scope(scope, scope_value)
        if chosen.lacks_value:
            raise CommandError("按片区、产业链或行业统计时须填写 --scope-value。")
        result = services.summary(year, month, chosen, basis)
        if json:
            self.stdout.write(_dumps(result))
            return
        for figure in result.values():
            if isinstance(figure, dict):
                growth = "—" if figure["growth_pct"] is None else f"{figure['growth_pct']:+.2f}%"
                self.stdout.write(f"{figure['name']}：{figure['value']:,.2f} {figure['unit']}，同比 {growth}")
        share = result["high_tech_output_share_pct"]
        self.stdout.write(f"高新技术产业产值占规上工业产值比重：{'—' if share is None else f'{share}%'}")
        self.stdout.write(f"国家高新技术企业：{result['high_tech_enterprises']} 家")


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)
