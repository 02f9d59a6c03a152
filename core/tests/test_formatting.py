from decimal import Decimal

import pytest

from core.formatting import format_measure, format_money, neutralise_formula


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("34000000"), "£34,000,000"),
        (Decimal("2900000.00"), "£2,900,000"),
        (Decimal("904109.59"), "£904,110"),  # pennies mean nothing on large amounts
        (Decimal("1234.5"), "£1,235"),
        (Decimal("999.50"), "£999.50"),
        (Decimal("2.35"), "£2.35"),  # a unit cost keeps its pennies
        (Decimal("12.00"), "£12"),
        (Decimal("0.005"), "£0.01"),
        (-12, "-£12"),
        ("5000000", "£5,000,000"),
        (None, "–"),
        ("abc", "–"),
        ("NaN", "–"),
    ],
)
def test_money_reads_as_councils_write_it(value, text):
    assert format_money(value) == text


def test_empty_text_is_the_callers_choice():
    assert format_money(None, empty="") == ""


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "\tfoo",
        "\rfoo",
        "＝1+1",  # full-width equals sign: NFKC "="
        "＋1+1",
        "－1+1",
        "＠SUM(A1)",
        "  =1+1",  # leading spaces
        "a;=1+1",  # Excel splits on ";" where that is the list separator
        "a,=1+1",
        "a; ＝1+1",
        "a\t=1+1",
        "first line\n=1+1",
        "a;-2+3",
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        "-5",
        "+5",
        "-5.25",
        "-1e3",
        "1;-5",
        "a, -5",
        "Reduce costs - phase 2",
        "e-mail",
        "",
        "2024-25",
        -5,
        None,
        3.5,
    ],
)
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise_formula(value) == value
    assert format_measure(None, "percent", empty="") == ""


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("88.0000"), "percent", "88%"),
        (Decimal("68.4000"), "percent", "68.4%"),
        (Decimal("68.4500"), "percent", "68.45%"),
        (80, "percent", "80%"),
        (Decimal("1234.0000"), "count", "1,234"),
        (Decimal("1234567.25"), "count", "1,234,567.25"),
        (Decimal("-3.5000"), "other", "-3.5"),
        (Decimal("0.0000"), "count", "0"),
        (Decimal("12.0000"), "days", "12 days"),
        (Decimal("1.0000"), "days", "1 day"),
        (Decimal("0.5"), "days", "0.5 days"),
        (Decimal("1200.0000"), "pounds", "£1,200"),
        (Decimal("2.3500"), "pounds", "£2.35"),
        (Decimal("1.25"), "ratio", "1.25"),
        (None, "percent", "–"),
        ("", "count", "–"),
    ],
)
def test_one_rule_for_every_figure(value, unit, text):
    assert format_measure(value, unit) == text
