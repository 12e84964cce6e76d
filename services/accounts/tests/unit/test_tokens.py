from accounts.domain import tokens

BEFORE = {"active": True, "role_id": 3, "staff_member_id": None}


def test_what_ends_a_users_sign_ins():
    assert tokens.user_change_revokes(BEFORE, {"active": False})
    assert tokens.user_change_revokes({**BEFORE, "active": False}, {"active": True})
    assert tokens.user_change_revokes(BEFORE, {"role_id": 4})
    assert tokens.user_change_revokes(BEFORE, {"staff_member_id": 9})
    assert tokens.user_change_revokes(BEFORE, {"password": "the same or not"})


def test_what_leaves_them_signed_in():
    assert not tokens.user_change_revokes(BEFORE, {})
    assert not tokens.user_change_revokes(BEFORE, {"name": "Eva M."})
    assert not tokens.user_change_revokes(BEFORE, {"active": True, "role_id": 3, "staff_member_id": None})


def test_a_roles_change_ends_its_holders_sign_ins_when_its_name_or_rights_change():
    rights = ["take_payments", "export_data"]
    assert tokens.role_change_revokes("Cashier", rights, {"rights": ["take_payments"]})
    assert tokens.role_change_revokes("Cashier", rights, {"name": "Front desk"})
    assert not tokens.role_change_revokes("Cashier", rights, {"rights": ["export_data", "take_payments"]})
    assert not tokens.role_change_revokes("Cashier", rights, {"name": "Cashier"})
