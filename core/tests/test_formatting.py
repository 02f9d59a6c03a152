from decimal import Decimal

import pytest

from core.formatting import format_money


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("34000000"), "£34,000,000"),
        (Decimal("2900000.00"), "£2,900,000"),
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("0.005"), "£0.01"),
        (-12, "-£12"),
        ("5000000", "£5,000,000"),
        (None, "–"),
        ("abc", "–"),
    ],
)
def test_money_reads_as_councils_write_it(value, text):
    assert format_money(value) == text


def test_empty_text_is_the_callers_choice():
    assert format_money(None, empty="") == ""
