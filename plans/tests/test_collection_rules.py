"""A council's collection rule, a quarter's own dates and a person's manager are validated."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.periods import FinancialYear
from plans.models import CollectionDates, Membership, Role
from tests.factories import make_council, make_user

pytestmark = pytest.mark.django_db

Q1 = FinancialYear(2026).quarter(1)


def test_the_rule_gives_the_window_unless_the_quarter_has_its_own_dates():
    council = make_council(collection_deadline_days=21, collection_grace_days=7)
    assert council.collection_window(Q1).deadline == date(2026, 7, 21)
    CollectionDates.objects.create(
        council=council, financial_year=2026, quarter=1,
        opens_on=date(2026, 7, 1), deadline=date(2026, 8, 14), grace_ends=date(2026, 8, 21),
    )  # fmt: skip
    window = council.collection_window(Q1)
    assert (window.deadline, window.escalates_on) == (date(2026, 8, 14), date(2026, 8, 22))
    assert council.collection_window(Q1.next()).deadline == date(2026, 10, 21)


def test_a_deadline_before_the_window_opens_is_refused():
    council = make_council(collection_opens_after_days=10, collection_deadline_days=5)
    with pytest.raises(ValidationError) as error:
        council.full_clean()
    assert "collection_deadline_days" in error.value.message_dict
    dates = CollectionDates(
        council=council, financial_year=2026, quarter=1,
        opens_on=date(2026, 7, 10), deadline=date(2026, 7, 1), grace_ends=date(2026, 6, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        dates.full_clean()
    assert {"deadline", "grace_ends"} <= set(error.value.message_dict)


def test_a_manager_must_belong_to_the_same_council():
    council, other = make_council(), make_council()
    officer = make_user(None, council, Role.OFFICER)
    stranger = make_user(None, other, Role.OFFICER)
    colleague = make_user(None, council, Role.OFFICER)
    membership = Membership.objects.get(user=officer)
    membership.manager = stranger
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert error.value.message_dict["manager"] == ["Choose someone who belongs to this council."]
    membership.manager = officer
    with pytest.raises(ValidationError):
        membership.full_clean()
    membership.manager = colleague
    membership.full_clean()
