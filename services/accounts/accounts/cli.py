from salon_infra.migrations import main_for

migrate = main_for("accounts", "accounts")
