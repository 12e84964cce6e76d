"""The payments service's own signals. Callers only ever see salon_infra's errors (NotFound,
InvalidInput, Conflict), each naming the field at fault: the gateway maps those by name."""


class NothingToChange(Exception):
    """The change asked for is already so (a payment already deleted, a sale already taken back)."""
