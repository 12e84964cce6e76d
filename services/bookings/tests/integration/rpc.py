from bookings.service import BookingsService


def rpc(uow) -> BookingsService:
    """The service's RPC methods on a real database, without a broker: a worker instance with its
    unit of work injected, as nameko injects it."""
    service = BookingsService()
    service.uow = uow
    return service
