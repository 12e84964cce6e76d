"""The imports service: running, migrated and probed; its use cases arrive with later issues."""

from salon_infra.dependencies import Database, HealthChecks


class ImportsService(HealthChecks):
    name = "imports"
    uow = Database("imports")
