"""Every right a staff endpoint names, from one list: each is in accounts' catalogue (a test
checks it), and `right_required` / `access.calendar_scope` take only these."""

VIEW_BOOKINGS_OVERVIEW = "view_bookings_overview"
CALENDAR_ALL_STAFF = "calendar_all_staff"  # every column of the calendar, with the clients
CALENDAR_OWN_COLUMN = "calendar_own_column"  # the column of the staff member the user is linked to
TAKE_PAYMENTS = "take_payments"  # the visit's checkout: payments, products sold
DELETE_PAYMENTS = "delete_payments"
SELL_MEMBERSHIPS_AND_GIFT_CARDS = "sell_memberships_and_gift_cards"
MANAGE_PRODUCTS_AND_STOCK = "manage_products_and_stock"  # products, storages, stock, bills of materials
DELETE_BOOKINGS = "delete_bookings"
DELETE_PAID_BOOKINGS = "delete_paid_bookings"
DELETE_ARRIVED_BOOKINGS = "delete_arrived_bookings"
EXPORT_DATA = "export_data"
IMPORT_DATA = "import_data"
MANAGE_SETTINGS = "manage_settings"
MANAGE_USERS = "manage_users"

SALON_SETUP_READERS = (CALENDAR_ALL_STAFF, CALENDAR_OWN_COLUMN, VIEW_BOOKINGS_OVERVIEW, MANAGE_SETTINGS,
                       MANAGE_PRODUCTS_AND_STOCK, TAKE_PAYMENTS, EXPORT_DATA, IMPORT_DATA)  # fmt: skip
"""Reading the salon's setup (staff, services, categories, extra fields, hours): whoever's work needs it."""

ALL = frozenset(
    {
        VIEW_BOOKINGS_OVERVIEW, CALENDAR_ALL_STAFF, CALENDAR_OWN_COLUMN, TAKE_PAYMENTS, DELETE_PAYMENTS,
        SELL_MEMBERSHIPS_AND_GIFT_CARDS, MANAGE_PRODUCTS_AND_STOCK, DELETE_BOOKINGS, DELETE_PAID_BOOKINGS,
        DELETE_ARRIVED_BOOKINGS, EXPORT_DATA, IMPORT_DATA, MANAGE_SETTINGS, MANAGE_USERS,
    }
)  # fmt: skip
