"""Writes to the risk register that span several rows, each atomic."""

from __future__ import annotations

from django.db import transaction

from core.risk import DEFAULT_PRESET, PRESETS
from plans.models import Council
from risks.models import RiskMatrix


def give_council_its_matrix(sender, instance: Council, created: bool, **kwargs) -> None:
    """Every council has a matrix in use: a new one gets a copy of the default built-in matrix
    (Medway's A–F × I–IV), whose levels and bands its administrator can then edit or replace."""
    if created and not RiskMatrix.objects.filter(council=instance, in_use=True).exists():
        create_matrix(instance, DEFAULT_PRESET)


@transaction.atomic
def create_matrix(council: Council, preset: str, *, in_use: bool = True) -> RiskMatrix:
    """A matrix for ``council`` copied from a built-in preset (levels and bands)."""
    built_in = PRESETS[preset]
    matrix = RiskMatrix.objects.create(
        council=council, preset=preset, notation=built_in.notation, in_use=in_use
    )
    matrix.fill_from_preset()
    return matrix
