"""A TCP forwarder the tests can cut: the broker becomes unreachable for whoever uses it."""

from salon_infra.testing import TcpProxy

__all__ = ["TcpProxy"]
