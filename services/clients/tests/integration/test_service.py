"""The service as it runs in production: `nameko run` on the real broker and database."""

from pathlib import Path

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from salon_infra.testing import free_port, running_service, temporary_vhost

SERVICE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clients_service(database_url, tmp_path_factory):
    health_port = free_port()
    with temporary_vhost() as amqp_uri:
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url}
        log = tmp_path_factory.mktemp("logs") / "clients.log"
        with (
            running_service(
                "clients.service:ClientsService",
                SERVICE_DIR / "config.yml",
                env,
                log_path=log,
                health_port=health_port,
                rpc_name="clients",
            ),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            yield cluster.clients, health_port


def test_find_or_create_over_rpc(clients_service, company_id):
    clients, _ = clients_service
    created = clients.find_or_create_client(
        company_id, {"phone": "0151 77777777", "name": "Hanna"}, default_region="DE"
    )
    assert created["phone"] == "+4915177777777" and created["company_id"] == company_id
    assert clients.get_clients(company_id, [created["id"]]) == [created]


def test_invalid_input_comes_back_with_its_field(clients_service, company_id):
    clients, _ = clients_service
    with pytest.raises(Exception) as problem:
        clients.find_or_create_client(company_id, {"phone": "0151 77777777", "name": ""}, default_region="XX")
    assert type(problem.value).__name__ == "RemoteError" and "InvalidInput" in str(problem.value)
    assert "default_region" in str(problem.value) and "name" in str(problem.value)


def test_health_probes(clients_service):
    _, port = clients_service
    assert requests.get(f"http://127.0.0.1:{port}/health/live", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"http://127.0.0.1:{port}/health/ready", timeout=5).status_code == 200
