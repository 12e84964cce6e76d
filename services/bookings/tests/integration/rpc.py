from bookings.service import BookingsService

SECRET = "test-secret"
PHONE_TOKEN_SECRET = "test-phone-token-secret"


def rpc(uow, scheduling=None, clients=None) -> BookingsService:
    """The service's RPC methods on a real database, without a broker: a worker instance with its
    dependencies injected, as nameko injects them (`scheduling` and `clients` stand in for the
    RPC proxies)."""
    service = BookingsService()
    service.uow = uow
    service.scheduling = scheduling
    service.clients = clients
    service.link_secret = SECRET
    service.phone_token_secret = PHONE_TOKEN_SECRET
    return service
