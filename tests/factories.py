import factory
from django.contrib.auth.models import Group

from openpark.core.models import Grid, GridBinding, User
from openpark.core.roles import ROLES_BY_SLUG
from openpark.core.uscc import with_check_digit
from openpark.enterprises.models import Enterprise, EnterpriseBinding

PASSWORD = "Passw0rd-for-tests"


def _uscc(n: int) -> str:
    return with_check_digit(f"91321282MA{n:07d}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(_uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G-{n:03d}")
    name = factory.Sequence(lambda n: f"测试网格{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, slugs, **kwargs):
        if create and slugs:
            self.groups.set(Group.objects.filter(name__in=[ROLES_BY_SLUG[s].name for s in slugs]))
        if create:
            self.save()


def bind_enterprise(user, enterprise):
    return EnterpriseBinding.objects.create(user=user, enterprise=enterprise)


def bind_grid(user, grid):
    return GridBinding.objects.create(user=user, grid=grid)
