from django.core.management.base import BaseCommand
from django.db import transaction

from openpark.core.context import acting_as
from openpark.core.demo_users import ensure_demo_users


class Command(BaseCommand):
    help = "为每个角色创建一个演示账号并打印用户名和密码（可重复执行）。"

    def handle(self, *args, **options):
        with acting_as(source="create_demo_users"), transaction.atomic():
            accounts = ensure_demo_users()
        self.stdout.write("演示账号（仅用于演示，生产环境请删除或停用）：")
        for role, username, password in accounts:
            self.stdout.write(f"  {role.name}：用户名 {username}  密码 {password}")
