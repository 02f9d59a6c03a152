"""Each council's matrix as data: a risk matrix row, with its levels and bands copied from the
built-in matrix the council was set to (Council.risk_matrix). Scores are kept as written."""

from django.db import migrations

from core.risk import PRESETS


def create_matrices(apps, schema_editor):
    Council = apps.get_model("plans", "Council")
    RiskMatrix = apps.get_model("risks", "RiskMatrix")
    RiskLevel = apps.get_model("risks", "RiskLevel")
    RiskBand = apps.get_model("risks", "RiskBand")
    for council in Council.objects.all():
        if RiskMatrix.objects.filter(council=council, in_use=True).exists():
            continue
        preset_name = council.risk_matrix if council.risk_matrix in PRESETS else "letters_numerals"
        preset = PRESETS[preset_name]
        matrix = RiskMatrix.objects.create(
            council=council, preset=preset_name, notation=preset.notation, in_use=True
        )
        RiskLevel.objects.bulk_create(
            RiskLevel(matrix=matrix, axis=axis, position=n, code=level.code, words=level.words)
            for axis, levels in (("likelihood", preset.likelihoods), ("impact", preset.impacts))
            for n, level in enumerate(levels, start=1)
        )
        RiskBand.objects.bulk_create(
            RiskBand(matrix=matrix, name=band.name, colour=band.colour, minimum=band.minimum)
            for band in preset.bands
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("risks", "0004_council_matrix_assessments_statuses"),
    ]

    # Backwards the matrices stay (the previous migration refuses to drop them while they exist);
    # forwards again, councils that have a matrix in use keep it.
    operations = [migrations.RunPython(create_matrices, migrations.RunPython.noop)]
