"""A TcpProxy in front of the broker for every process of a LocalCluster, so a test can cut
the broker away from all of them at once, or from one."""

from cluster import SERVICES

from support.tcp_proxy import TcpProxy


def process_names() -> list[str]:
    """Every process that talks to the broker: each service, each relay, the gateway."""
    relays = [f"{spec.name}-relay" for spec in SERVICES if spec.relays_events]
    return [spec.name for spec in SERVICES] + relays + ["gateway"]


class BrokerProxies:
    def __init__(self, amqp_uri: str, names: list[str] | None = None):
        self.amqp_uri = amqp_uri
        self.proxies = {name: TcpProxy.in_front_of(amqp_uri) for name in names or process_names()}

    def __getitem__(self, name: str) -> TcpProxy:
        return self.proxies[name]

    def uris(self) -> dict[str, str]:
        """Each process's way to the broker, for LocalCluster(amqp_uris=...)."""
        return {name: proxy.uri_through(self.amqp_uri) for name, proxy in self.proxies.items()}

    def start(self) -> "BrokerProxies":
        for proxy in self.proxies.values():
            proxy.start()
        return self

    def cut(self) -> None:
        """Every process loses the broker at once: connections dropped, new ones refused."""
        for proxy in self.proxies.values():
            proxy.cut()

    def restore(self) -> None:
        for proxy in self.proxies.values():
            proxy.restore()
