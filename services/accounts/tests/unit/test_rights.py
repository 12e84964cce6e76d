from accounts.domain import rights


def test_the_built_in_roles():
    assert rights.BUILT_IN_ROLES["owner"] == tuple(rights.RIGHTS)
    administrator = set(rights.BUILT_IN_ROLES["administrator"])
    assert administrator == set(rights.RIGHTS) - {"manage_users", "import_data"}
    assert {"calendar_all_staff", "calendar_own_column"} <= administrator
    assert rights.BUILT_IN_ROLES["specialist"] == ("calendar_own_column",)


def test_the_calendar_rights_follow_the_bookings_overview_in_the_catalogue():
    names = list(rights.RIGHTS)
    overview = names.index("view_bookings_overview")
    assert names[overview : overview + 3] == ["view_bookings_overview", "calendar_all_staff", "calendar_own_column"]
    assert rights.RIGHTS["calendar_all_staff"] == (
        "See and change every staff member's column of the calendar, with their clients"
    )
    assert rights.RIGHTS["calendar_own_column"] == (
        "See and change one's own column of the calendar: the staff member the user is linked to"
    )
    assert rights.rights_of("specialist", True, None) == ["calendar_own_column"]


def test_the_checkout_rights_follow_taking_payments_and_an_administrator_holds_them():
    names = list(rights.RIGHTS)
    taking = names.index("take_payments")
    assert names[taking : taking + 4] == [
        "take_payments", "delete_payments", "sell_memberships_and_gift_cards", "manage_products_and_stock",
    ]  # fmt: skip
    assert set(names[taking : taking + 4]) <= set(rights.BUILT_IN_ROLES["administrator"])
    assert not set(names[taking : taking + 4]) & set(rights.BUILT_IN_ROLES["specialist"])


def test_a_custom_roles_rights_are_kept_in_catalogue_order_and_unknown_ones_dropped():
    assert rights.rights_of("Cashier", False, ["take_payments", "nonsense", "delete_bookings"]) == [
        "take_payments",
        "delete_bookings",
    ]
    assert rights.rights_of("owner", True, None) == list(rights.RIGHTS)
    assert rights.unknown_rights(["export_data", "fly", "drive"]) == ["drive", "fly"]


def test_built_in_roles_keep_their_name_and_rights():
    assert rights.role_change_problems(True, "administrator", {"name": "administrator"}) == {}
    assert rights.role_change_problems(True, "administrator", {"rights": ["export_data"]}) == {
        "rights": ["The rights of a built-in role cannot change."]
    }
    assert set(rights.role_change_problems(True, "specialist", {"name": "Stylist", "rights": ["export_data"]})) == {
        "name",
        "rights",
    }
    assert rights.role_change_problems(False, "Cashier", {"name": " Owner"}) == {
        "name": ["This name belongs to a built-in role."]
    }
    assert rights.role_change_problems(False, "Cashier", {"name": "Till", "rights": []}) == {}


def test_the_last_active_owner_stays():
    demote = {"role_id": 9}
    assert rights.last_owner_problems(True, demote, stays_owner=False, other_active_owners=0) == {
        "role_id": ["The salon's last active owner must stay an owner."]
    }
    assert set(rights.last_owner_problems(True, {"active": False}, True, 0)) == {"active"}
    assert rights.last_owner_problems(True, demote, False, other_active_owners=1) == {}
    assert rights.last_owner_problems(False, demote, False, 0) == {}
    assert rights.last_owner_problems(True, {"name": "Olga"}, True, 0) == {}


def test_nobody_grants_what_they_do_not_hold():
    assert rights.rights_beyond(["export_data", "manage_users"], ["manage_users"]) == ["export_data"]
    assert rights.rights_beyond([], []) == []
