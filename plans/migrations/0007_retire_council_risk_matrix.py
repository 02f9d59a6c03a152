"""A council's risk matrix is now data in the risks app (its RiskMatrix in use, created from
this setting by risks 0005): the fixed choice of two is retired. Backwards, the setting is put
back from the preset each council's matrix in use was made from."""

from django.db import migrations, models


def restore_setting(apps, schema_editor):
    Council = apps.get_model("plans", "Council")
    RiskMatrix = apps.get_model("risks", "RiskMatrix")
    choices = {"letters_numerals", "five_by_five", "four_by_four", "six_by_four", "letters_numbers"}
    for matrix in RiskMatrix.objects.filter(in_use=True):
        if matrix.preset in choices:
            Council.objects.filter(pk=matrix.council_id).update(risk_matrix=matrix.preset)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_more_built_in_risk_matrices"),
        ("risks", "0005_each_councils_matrix_from_its_setting"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_setting),
        migrations.RemoveField(model_name="council", name="risk_matrix"),
        migrations.RemoveField(model_name="historicalcouncil", name="risk_matrix"),
    ]
