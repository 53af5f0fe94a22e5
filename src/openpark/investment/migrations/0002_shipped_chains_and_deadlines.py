"""The demo park's chains and links (enterprises/chains.py) and the "1230" deadline rules
(investment/services.py)."""
from django.db import migrations


def ship(apps, schema_editor):
    from openpark.investment.services import ship

    ship(apps.get_model("investment", "Chain"), apps.get_model("investment", "ChainLink"),
         apps.get_model("investment", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial")]

    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
