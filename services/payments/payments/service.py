"""The payments service: running, migrated and probed; its use cases arrive with later issues."""

from salon_infra.dependencies import Database, HealthChecks


class PaymentsService(HealthChecks):
    name = "payments"
    uow = Database("payments")
