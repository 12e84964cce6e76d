from pathlib import Path

import pytest

from gateway.rpc import RpcClient
from salon_infra.testing import free_port, running_service, temporary_vhost

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def amqp_uri():
    with temporary_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def echo_config(tmp_path_factory):
    config = tmp_path_factory.mktemp("echo") / "config.yml"
    config.write_text("AMQP_URI: ${AMQP_URI}\nWEB_SERVER_ADDRESS: ${HEALTH_ADDRESS}\n")
    return config


@pytest.fixture(scope="session")
def echo_service(amqp_uri, echo_config, tmp_path_factory):
    log = tmp_path_factory.mktemp("logs") / "echo.log"
    env = {"AMQP_URI": amqp_uri, "PYTHONPATH": str(HERE)}
    with running_service(
        "echo_service:EchoService", echo_config, env, log_path=log, health_port=free_port(), rpc_name="echo"
    ) as process:
        yield process


@pytest.fixture
def rpc(amqp_uri):
    return RpcClient(amqp_uri, timeout=1.0)
