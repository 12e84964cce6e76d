from datetime import timedelta

from scheduling.domain.eligibility import (
    BookableService,
    Performer,
    QuotedService,
    offers_free_starts,
    performer_problem,
    quoted_services,
    service_problem,
    total_duration,
)

CUT = BookableService(1, "Cut", 30, 2500, active=True, bookable_online=True)
WASH = BookableService(2, "Wash", 15, 1000, active=True, bookable_online=True)
HIDDEN = BookableService(3, "Hidden", 60, 0, active=True, bookable_online=False)
RETIRED = BookableService(4, "Retired", 60, 0, active=False, bookable_online=True)
YOGA = BookableService(5, "Yoga", 60, 1500, active=True, bookable_online=True, group_capacity=12)


def performer(durations, active=True, bookable_online=True):
    return Performer(7, "Anna", active, bookable_online, durations)


def test_the_staff_members_own_duration_wins_and_the_price_is_the_minimum():
    anna = performer({1: 45, 2: None})
    assert quoted_services(anna, [WASH, CUT]) == [QuotedService(2, "Wash", 15, 1000), QuotedService(1, "Cut", 45, 2500)]
    assert total_duration(anna, [WASH, CUT]) == timedelta(minutes=60)


def test_why_a_staff_member_cannot_be_booked():
    assert performer_problem(performer({1: None, 2: None}), [CUT, WASH], online=True) is None
    assert performer_problem(performer({1: None}), [CUT, WASH], online=True) == "Anna does not perform Wash"
    assert performer_problem(performer({}), [CUT, WASH], online=False) == "Anna does not perform Cut, Wash"
    assert performer_problem(performer({1: None}, active=False), [CUT], online=False) == "Anna is not active"
    offline_only = performer({1: None}, bookable_online=False)
    assert performer_problem(offline_only, [CUT], online=True) == "Anna cannot be booked online"
    assert performer_problem(offline_only, [CUT], online=False) is None
    anna = performer({1: None, 3: None, 4: None})
    assert performer_problem(anna, [CUT, HIDDEN], online=True) == "Hidden cannot be booked online"
    assert performer_problem(anna, [RETIRED], online=True) == "Retired cannot be booked online"
    assert performer_problem(anna, [CUT, HIDDEN, RETIRED], online=False) is None


def test_services_online():
    assert service_problem(CUT, online=True) is None
    assert service_problem(HIDDEN, online=True) == "Hidden cannot be booked online"
    assert service_problem(RETIRED, online=True) == "Retired cannot be booked online"
    assert service_problem(HIDDEN, online=False) is None and service_problem(RETIRED, online=False) is None


def test_a_group_service_offers_no_free_start_online_but_does_to_staff():
    assert YOGA.is_group_service and not CUT.is_group_service
    assert offers_free_starts([CUT, WASH], online=True)
    assert not offers_free_starts([YOGA], online=True)
    assert not offers_free_starts([CUT, YOGA], online=True)
    assert offers_free_starts([YOGA], online=False)
    assert performer_problem(performer({5: None}), [YOGA], online=True) is None  # quotes are unaffected
