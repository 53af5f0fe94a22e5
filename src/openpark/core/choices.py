from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    RESTORE = "restore", _("恢复")
    EXPORT = "export", _("导出")  # an export of personal data (`openpark.core.exports.record_export`)


class TaskState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCESS = "success", _("已完成")
    FAILURE = "failure", _("失败")


class ImportState(models.TextChoices):
    CHECKING = "checking", _("检查中")
    INVALID = "invalid", _("有错误")
    READY = "ready", _("待确认")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("失败")


class GrantAction(models.TextChoices):
    GRANT = "grant", _("授予")
    REVOKE = "revoke", _("收回")


class GrantState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已生效")
    REJECTED = "rejected", _("已驳回")


class NotificationKind(models.TextChoices):
    DISPATCH = "dispatch", _("派单")
    ESCALATION = "escalation", _("督办/上报")
    DEADLINE_SOON = "deadline_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    INSTRUCTION = "instruction", _("批示")
    PROGRESS = "progress", _("办理进展")
    OTHER = "other", _("其他")


class LimitUnit(models.TextChoices):
    """The unit of a time limit (`openpark.core.deadlines.Limit`)."""

    WORKING_DAYS = "working_days", _("工作日")
    WORKING_MINUTES = "working_minutes", _("分钟（工作时间）")
    NATURAL_MINUTES = "natural_minutes", _("分钟（自然时间）")


class TargetDirection(models.TextChoices):
    AT_LEAST = "at_least", _("不低于")
    AT_MOST = "at_most", _("不高于")
