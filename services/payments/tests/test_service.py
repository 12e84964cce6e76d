"""The service migrates its own database and runs under nameko on the real broker."""

from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

from payments.models import Base
from salon_infra.migrations import upgrade
from salon_infra.testing import free_port, running_service, schema_drift, temporary_database, temporary_vhost

SERVICE_DIR = Path(__file__).resolve().parents[1]


def test_migrates_and_answers(tmp_path):
    with temporary_database("payments_test") as database_url, temporary_vhost() as amqp_uri:
        upgrade("payments", database_url)
        assert schema_drift(database_url, Base.metadata) == []
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url}
        with (
            running_service(
                "payments.service:PaymentsService",
                SERVICE_DIR / "config.yml",
                env,
                log_path=tmp_path / "log",
                health_port=free_port(),
                rpc_name="payments",
            ),
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster,
        ):
            assert cluster.payments.ping() == "pong"
