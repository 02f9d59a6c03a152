"""Field validators shared by the domain models."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from core.periods import EARLIEST_YEAR, LATEST_YEAR, is_plausible_date


def validate_plausible_date(value: datetime.date) -> None:
    """Refuse dates outside the years the service covers (a typo such as 31/12/9999 or
    01/01/0001 would otherwise break every list and export that works out financial years)."""
    if value is not None and not is_plausible_date(value):
        raise ValidationError(
            f"Enter a date from {EARLIEST_YEAR} to {LATEST_YEAR}.", code="implausible_date"
        )
