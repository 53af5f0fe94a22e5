from django.db import models
from django.utils.translation import gettext_lazy as _

from openpark.core.fields import USCCField
from openpark.core.models import DomainModel


class Enterprise(DomainModel):
    """An enterprise of the park, identified by its 统一社会信用代码: names change, the code does not."""

    scope_enterprise_field = "pk"

    uscc = USCCField(_("统一社会信用代码"), unique=True)
    name = models.CharField(_("企业名称"), max_length=200, db_index=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.name = (self.name or "").strip()
