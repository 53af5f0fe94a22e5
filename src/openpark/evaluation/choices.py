from django.db import models
from django.utils.translation import gettext_lazy as _

from .scheme import grade_label as scheme_grade_label


class RunState(models.TextChoices):
    DRAFT = "draft", _("新建")
    GATHERED = "gathered", _("已采集数据")
    COMPUTED = "computed", _("已计算")
    PUBLISHED = "published", _("已发布")


class Grade(models.TextChoices):
    A = "A", _("A 类")
    B = "B", _("B 类")
    C = "C", _("C 类")
    D = "D", _("D 类")
    UNDETERMINED = "不定等", _("不定等")


class Movement(models.TextChoices):
    UP = "up", _("升档")
    DOWN = "down", _("降档")
    SAME = "same", _("不变")
    OTHER = "other", _("无法比较")


class DisposalRoute(models.TextChoices):
    RETURN = "return", _("退租还产")
    REDEVELOP = "redevelop", _("二次开发")
    JOINT = "joint", _("联合开发")
    RELOCATE = "relocate", _("搬迁")
    MERGE = "merge", _("兼并重组")
    UPGRADE = "upgrade", _("提升改造")


class DisposalState(models.TextChoices):
    OPEN = "open", _("待处置")
    IN_PROGRESS = "in_progress", _("处置中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


# The groups of the shipped schemes (a scheme's own groups may add others).
GROUP_LABELS = {"above": "规上", "below": "规下"}


def grade_label(code) -> str:
    """A class code as pages, charts and reports write it ("A" → "A 类", from the scheme's one
    rule); nothing for nothing, so that a page's `|default:"—"` shows the dash."""
    return scheme_grade_label(code) if code else ""
