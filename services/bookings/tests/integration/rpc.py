from bookings.service import BookingsService

SECRET = "test-secret"


def rpc(uow, scheduling=None) -> BookingsService:
    """The service's RPC methods on a real database, without a broker: a worker instance with its
    dependencies injected, as nameko injects them (`scheduling` stands in for the RPC proxy)."""
    service = BookingsService()
    service.uow = uow
    service.scheduling = scheduling
    service.link_secret = SECRET
    return service
