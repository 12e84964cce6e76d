"""The errors this service returns over RPC, besides salon_infra's."""

from salon_infra.errors import ServiceError


class DailyLimitReached(ServiceError):
    """The company has sent as many messages of this channel today (UTC) as its daily cap allows.
    `details`: {channel, cap, retry_after (seconds until the next day)}."""

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message, details or {})
        self.details = details or {}
