"""Membership and gift-card types, and their codes: canonical, generated, not guessable."""

from collections import Counter
from datetime import timedelta

import pytest
from bills_to_test import NOW, gift_card, membership
from hypothesis import given
from hypothesis import strategies as st

from payments.domain import codes
from payments.domain.cards import GiftCardType, MembershipType
from salon_infra.errors import InvalidInput


def test_a_typed_code_is_kept_in_one_form():
    assert codes.canonical("abcd-efgh 1234") == "ABCDEFGH1234"
    assert codes.shown("ABCDEFGH1234") == "ABCD-EFGH-1234"
    for bad in ("abc", "x" * 33, "ÄBCDE", "ABCD!", 1234, None):
        assert codes.canonical(bad) is None


def test_a_code_typed_for_a_new_card_needs_eight_characters_four_of_them_different():
    assert codes.typed("cut-2024 ab") == "CUT2024AB"
    for guessable in ("ABCD", "abc-1234", "AAAAAAAA", "1212-1212", "ABCABCAB"[:7]):
        assert codes.typed(guessable) is None, guessable
    assert codes.typed("ABCDABCD") == "ABCDABCD"
    assert codes.canonical("ABCD") == "ABCD"  # a short code typed before the rule is still looked up


def test_generated_codes_are_long_random_and_unambiguous():
    made = [codes.generate() for _ in range(2000)]
    assert len(set(made)) == len(made) and all(codes.typed(code) == code for code in made)
    assert all(len(code) == 12 and set(code) <= set(codes.ALPHABET) for code in made)
    assert not set("0O1IL") & set(codes.ALPHABET)
    # Every character of the alphabet turns up about as often as the others (no fixed positions).
    counts = Counter("".join(made))
    assert min(counts.values()) > 0.5 * max(counts.values())


@given(st.text(min_size=0, max_size=40))
def test_a_canonical_code_is_canonical_again(typed):
    code = codes.canonical(typed)
    assert code is None or codes.canonical(code) == code


def test_types_check_their_own_rules():
    with pytest.raises(InvalidInput) as refused:
        MembershipType(1, "Nothing", 1000, 5, 30)
    assert "service_ids" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        MembershipType(1, "Too many", 1000, 0, 30, [1])
    assert "uses" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        GiftCardType(1, "Free", 0, 0, 30)
    assert "face_value" in refused.value.errors


def test_a_card_sold_starts_full_and_expires_after_its_validity():
    card = gift_card(5000, validity_days=30)
    assert (card.balance, card.uses, card.sold_at, card.expires_at) == (5000, 0, NOW, NOW + timedelta(days=30))
    pass_ = membership(uses=10)
    assert (pass_.uses_left, pass_.uses_total) == (10, 10)
    assert pass_.covers(1, None) and not pass_.covers(2, None)
    by_category = membership(service_ids=(), category_ids=(7,))
    assert by_category.covers(99, 7) and not by_category.covers(99, None)
