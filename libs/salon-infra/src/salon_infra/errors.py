"""The errors a service returns to its callers over RPC.

Nameko sends an exception as its type name and its args, so every error here keeps its
args JSON-able: a message, and for InvalidInput the field errors.
"""


class ServiceError(Exception):
    def __init__(self, message: str, *details):
        super().__init__(message, *details)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(ServiceError):
    """The record does not exist in the caller's company."""


class InvalidInput(ServiceError):
    """The input breaks a rule. `errors` maps each field to its messages."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message, errors or {})
        self.errors = errors or {}

    @classmethod
    def field(cls, field: str, problem: str) -> "InvalidInput":
        return cls(f"{field}: {problem}", {field: [problem]})


class Conflict(ServiceError):
    """The change clashes with the current state, e.g. a slot already taken. `errors`, when
    given, names the fields whose values clash, as InvalidInput does."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message, errors or {})
        self.errors = errors or {}

    @classmethod
    def field(cls, field: str, problem: str) -> "Conflict":
        return cls(f"{field}: {problem}", {field: [problem]})


class AuthenticationFailed(ServiceError):
    """Credentials did not match."""


class ServiceUnavailable(ServiceError):
    """A service this one depends on did not answer in time."""


ALL = (ServiceError, NotFound, InvalidInput, Conflict, AuthenticationFailed, ServiceUnavailable)
