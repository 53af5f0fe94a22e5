from django.core.management.base import BaseCommand, CommandError

from openpark.community.open311 import keys


class Command(BaseCommand):
    help = ("签发 Open311 接口密钥（api_key）：密钥只在此时显示一次（标准输出只有密钥本身，便于脚本读取），"
            "平台只保存其摘要；停用请在“Open311 接口密钥”页面取消“启用”。")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="客户端名称，如“12345 热线”")

    def handle(self, *args, name, **options):
        if not name.strip():
            raise CommandError("请用 --name 写明客户端名称。")
        record, key = keys.issue(name)
        self.stderr.write(f"已签发 Open311 接口密钥“{record.name}”（前缀 {record.prefix}）。请立即复制保存，之后无法再次查看：")
        self.stdout.write(key)
