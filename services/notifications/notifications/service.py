"""The notifications service: running, migrated and probed; its use cases arrive with later issues."""

from salon_infra.dependencies import Database, HealthChecks


class NotificationsService(HealthChecks):
    name = "notifications"
    uow = Database("notifications")
