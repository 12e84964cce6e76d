"""The Kubernetes manifests and the Dockerfiles, checked as data: no cluster or Docker engine needed.

Kustomizations are resolved here: their `resources` and `components`, file or folder, recursively,
and the names their generators make. Patches are not applied, but their documents are checked too.
Where kubectl is installed, its built-in kustomize also builds every overlay, and the result is
compared with this resolution.
"""

import ast
import ipaddress
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
BASE = K8S / "base"
DEV = K8S / "overlays" / "dev"
PRODUCTION = K8S / "overlays" / "production"
IN_CLUSTER = K8S / "components" / "in-cluster-backing-services"
README = REPO / "deploy" / "README.md"

SERVICES = ("accounts", "scheduling", "bookings", "clients", "payments", "notifications", "imports")
IMAGE_FOLDERS = {**{service: REPO / "services" / service for service in SERVICES}, "gateway": REPO / "gateway"}
ENTRY_POINTS = [BASE, *sorted(path.parent for path in (K8S / "overlays").glob("*/kustomization.yaml"))]

API_VERSIONS = {
    "Namespace": "v1",
    "ServiceAccount": "v1",
    "Service": "v1",
    "ConfigMap": "v1",
    "PersistentVolumeClaim": "v1",
    "Secret": "v1",
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "Job": "batch/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Ingress": "networking.k8s.io/v1",
    "PodDisruptionBudget": "policy/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
}
WORKLOADS = ("Deployment", "StatefulSet", "Job")
LONG_RUNNING = ("Deployment", "StatefulSet")
# Each egress label: the variable naming where a pod connects, and the port the label opens there.
EGRESS = {
    "salon/egress-postgres": ("DATABASE_URL", 5432),
    "salon/egress-rabbitmq": ("AMQP_URI", 5672),
    "salon/egress-redis": ("REDIS_URL", 6379),
    "salon/egress-smtp": ("SMTP_HOST", 587),
    "salon/egress-sms-provider": ("SMS_HTTP_URL", 443),
}
EGRESS_LABELS = {variable: label for label, (variable, _) in EGRESS.items()}
# Documentation addresses (TEST-NET-1): base's CIDRs match nothing until an overlay sets real ones.
PLACEHOLDER_NETWORK = ipaddress.ip_network("192.0.2.0/24")
# Variables that hold credentials, or URLs that carry them: only ever from a Secret.
CREDENTIALS = re.compile(
    r"(PASSWORD|PASS|TOKEN|SECRET|USERNAME|USER)$|^(AMQP_URI|DATABASE_URL|REDIS_URL|SMS_HTTP_URL)$"
)


@dataclass(frozen=True)
class Manifest:
    path: Path
    doc: dict

    @property
    def kind(self) -> str:
        return self.doc["kind"]

    @property
    def name(self) -> str:
        return self.doc["metadata"]["name"]

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(K8S)}:{self.kind}/{self.name}"

    @property
    def pod(self) -> dict:
        return self.doc["spec"]["template"]

    @property
    def containers(self) -> list[dict]:
        spec = self.pod["spec"]
        return spec.get("initContainers", []) + spec["containers"]


def kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def kustomization_folders(folder: Path) -> list[Path]:
    """The folder and every kustomization or component folder it reaches."""
    found = [folder]
    spec = kustomization(folder)
    for entry in spec.get("resources", []) + spec.get("components", []):
        path = (folder / entry).resolve()
        if path.is_dir():
            found += kustomization_folders(path)
    return found


def load(path: Path) -> list[Manifest]:
    return [Manifest(path, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]


def manifests(folder: Path) -> list[Manifest]:
    """The documents a kustomization lists, through its resources and components."""
    found = []
    for current in kustomization_folders(folder):
        for entry in kustomization(current).get("resources", []):
            path = (current / entry).resolve()
            if path.is_file():
                found += load(path)
    return found


def unique(items: list[Manifest]) -> list[Manifest]:
    return list({(item.path, item.kind, item.name): item for item in items}.values())


def patch_files() -> list[Path]:
    folders = {folder for entry in ENTRY_POINTS for folder in kustomization_folders(entry)}
    return sorted(
        (folder / patch["path"]).resolve()
        for folder in folders
        for patch in kustomization(folder).get("patches", [])
        if "path" in patch
    )


ALL = unique([manifest for entry in ENTRY_POINTS for manifest in manifests(entry)])
BASE_MANIFESTS = manifests(BASE)
WORKLOAD_MANIFESTS = [manifest for manifest in ALL if manifest.kind in WORKLOADS]
LONG_RUNNING_MANIFESTS = [manifest for manifest in ALL if manifest.kind in LONG_RUNNING]
SALON_WORKLOADS = [m for m in WORKLOAD_MANIFESTS if m.doc["metadata"]["labels"].get("app.kubernetes.io/component")]


def ids(items: list[Manifest]) -> list[str]:
    return [item.id for item in items]


def find(items: list[Manifest], kind: str, name: str) -> Manifest:
    matches = [item for item in items if item.kind == kind and item.name == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def selects(selector: dict, labels: dict) -> bool:
    match_labels = selector.get("matchLabels", {})
    return bool(match_labels) and match_labels.items() <= labels.items()


def env_names(container: dict) -> set[str]:
    return {variable["name"] for variable in container.get("env", [])}


def key_refs(manifest: Manifest, source: str, *, required_only: bool = False) -> set[tuple[str, str]]:
    """(name, key) of the Secrets (source secretKeyRef) or ConfigMaps (configMapKeyRef) its env reads."""
    if manifest.kind not in WORKLOADS:
        return set()
    return {
        (ref["name"], ref["key"])
        for container in manifest.containers
        for variable in container.get("env", [])
        if (ref := variable.get("valueFrom", {}).get(source)) and not (required_only and ref.get("optional"))
    }


def secret_refs(manifest: Manifest, *, required_only: bool = False) -> set[tuple[str, str]]:
    return key_refs(manifest, "secretKeyRef", required_only=required_only)


def config_map_refs(manifest: Manifest) -> set[tuple[str, str]]:
    return key_refs(manifest, "configMapKeyRef")


GENERATORS = {"secretGenerator": "Secret", "configMapGenerator": "ConfigMap"}


def generated(folder: Path) -> dict[tuple[str, str], set[str]]:
    """(kind, name) -> keys, of every Secret and ConfigMap the kustomizations it reaches generate."""
    found = {}
    for current in kustomization_folders(folder):
        for generator_list, kind in GENERATORS.items():
            for generator in kustomization(current).get(generator_list, []):
                keys = {literal.split("=", 1)[0] for literal in generator.get("literals", [])}
                found.setdefault((kind, generator["name"]), set()).update(keys)
    return found


def container_env(container: dict) -> dict[str, dict]:
    return {variable["name"]: variable for variable in container.get("env", [])}


def egress_policies(items: list[Manifest]) -> dict[str, Manifest]:
    """label -> the NetworkPolicy that grants egress to pods carrying it."""
    found = {}
    for manifest in items:
        if manifest.kind == "NetworkPolicy" and manifest.doc["spec"].get("policyTypes") == ["Egress"]:
            match_labels = manifest.doc["spec"]["podSelector"].get("matchLabels", {})
            found.update({label: manifest for label in match_labels if label.startswith("salon/egress-")})
    return found


def rule_ports(policy: dict) -> list[list[dict]]:
    return [rule["ports"] for rule in policy["spec"]["egress"]]


# --- kustomizations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "folder",
    sorted({folder for entry in ENTRY_POINTS for folder in kustomization_folders(entry)}),
    ids=lambda folder: str(folder.relative_to(K8S)),
)
def test_every_path_a_kustomization_names_exists(folder):
    spec = kustomization(folder)
    entries = spec.get("resources", []) + spec.get("components", [])
    entries += [patch["path"] for patch in spec.get("patches", []) if "path" in patch]
    assert entries
    for entry in entries:
        assert (folder / entry).exists(), f"{folder.relative_to(K8S)} names a missing {entry}"


def test_base_lists_every_file_in_it():
    listed = set(kustomization(BASE)["resources"])
    on_disk = {path.name for path in BASE.iterdir() if path.name != "kustomization.yaml"}
    assert on_disk == listed


def test_base_has_one_file_per_service_and_the_gateway():
    assert {path.stem for path in BASE.glob("*.yaml")} >= {*SERVICES, "gateway"}


@pytest.mark.parametrize("manifest", ALL + [m for path in patch_files() for m in load(path)], ids=lambda m: m.id)
def test_api_version_is_current(manifest):
    assert manifest.kind in API_VERSIONS, f"no allowed apiVersion known for {manifest.kind}"
    assert manifest.doc["apiVersion"] == API_VERSIONS[manifest.kind]


@pytest.mark.parametrize("manifest", ALL, ids=ids(ALL))
def test_every_object_is_labelled(manifest):
    labels = manifest.doc["metadata"].get("labels", {})
    assert labels.get("app.kubernetes.io/part-of") == "salon"
    assert labels.get("app.kubernetes.io/name")
    if manifest.kind in WORKLOADS:
        pod_labels = manifest.pod["metadata"]["labels"]
        assert pod_labels.get("app.kubernetes.io/part-of") == "salon"
        assert pod_labels.get("app.kubernetes.io/name") == labels["app.kubernetes.io/name"]


# --- pods -------------------------------------------------------------------------------------


@pytest.mark.parametrize("workload", WORKLOAD_MANIFESTS, ids=ids(WORKLOAD_MANIFESTS))
def test_every_container_has_requests_and_limits(workload):
    for container in workload.containers:
        resources = container.get("resources", {})
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources.get(bound, {}).keys(), f"{container['name']}: {bound}"


@pytest.mark.parametrize("workload", WORKLOAD_MANIFESTS, ids=ids(WORKLOAD_MANIFESTS))
def test_every_container_is_confined(workload):
    pod = workload.pod["spec"]
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    for container in workload.containers:
        context = {**pod["securityContext"], **container.get("securityContext", {})}
        assert context.get("runAsNonRoot") is True, container["name"]
        assert context.get("runAsUser", 1) != 0, container["name"]
        assert context.get("readOnlyRootFilesystem") is True, container["name"]
        assert context.get("allowPrivilegeEscalation") is False, container["name"]
        assert context.get("capabilities", {}).get("drop") == ["ALL"], container["name"]
        assert not context.get("capabilities", {}).get("add"), container["name"]


@pytest.mark.parametrize("workload", WORKLOAD_MANIFESTS, ids=ids(WORKLOAD_MANIFESTS))
def test_every_image_is_pinned(workload):
    for container in workload.containers:
        image = container["image"]
        name, _, tag = image.split("@")[0].rpartition(":")
        assert name and "/" not in tag, f"{image} has no tag"
        assert tag != "latest", image


@pytest.mark.parametrize("workload", SALON_WORKLOADS, ids=ids(SALON_WORKLOADS))
def test_salon_containers_get_a_writable_tmp(workload):
    volumes = {volume["name"]: volume for volume in workload.pod["spec"].get("volumes", [])}
    for container in workload.containers:
        mounts = {mount["mountPath"]: mount["name"] for mount in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, container["name"]
        assert "emptyDir" in volumes[mounts["/tmp"]], container["name"]


@pytest.mark.parametrize("workload", LONG_RUNNING_MANIFESTS, ids=ids(LONG_RUNNING_MANIFESTS))
def test_long_running_containers_have_probes_on_their_ports(workload):
    for container in workload.pod["spec"]["containers"]:
        ports = {port["containerPort"] for port in container.get("ports", [])}
        ports |= {port["name"] for port in container.get("ports", []) if "name" in port}
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = container.get(probe_name)
            if probe is None:
                assert probe_name == "startupProbe", f"{container['name']} has no {probe_name}"
                continue
            handler = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
            assert handler or probe.get("exec"), f"{container['name']}: {probe_name} checks nothing"
            if handler:
                assert handler["port"] in ports, f"{container['name']}: {probe_name} port {handler['port']}"


@pytest.mark.parametrize("workload", LONG_RUNNING_MANIFESTS, ids=ids(LONG_RUNNING_MANIFESTS))
def test_long_running_pods_stop_gracefully(workload):
    assert workload.pod["spec"]["terminationGracePeriodSeconds"] >= 30


# --- network ----------------------------------------------------------------------------------


@pytest.mark.parametrize("workload", LONG_RUNNING_MANIFESTS, ids=ids(LONG_RUNNING_MANIFESTS))
def test_each_long_running_workload_has_its_own_network_policy(workload):
    labels = workload.pod["metadata"]["labels"]
    policies = [m for m in ALL if m.kind == "NetworkPolicy" and selects(m.doc["spec"]["podSelector"], labels)]
    own = [p for p in policies if p.doc["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name")]
    assert own, f"no NetworkPolicy selects {workload.id} by name"
    assert all("Ingress" in policy.doc["spec"]["policyTypes"] for policy in own)


def test_namespace_denies_by_default_and_allows_dns():
    deny = find(BASE_MANIFESTS, "NetworkPolicy", "default-deny").doc["spec"]
    assert deny["podSelector"] == {}
    assert sorted(deny["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny and "egress" not in deny

    dns = find(BASE_MANIFESTS, "NetworkPolicy", "allow-dns").doc["spec"]
    assert dns["podSelector"] == {}
    [rule] = dns["egress"]
    assert rule["to"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}]
    assert {(port["protocol"], port["port"]) for port in rule["ports"]} == {("UDP", 53), ("TCP", 53)}


@pytest.mark.parametrize(("label", "port"), [(label, port) for label, (_, port) in EGRESS.items()])
def test_egress_to_backing_services_is_granted_by_pod_label(label, port):
    [policy] = [
        m
        for m in BASE_MANIFESTS
        if m.kind == "NetworkPolicy" and m.doc["spec"]["podSelector"].get("matchLabels") == {label: "true"}
    ]
    spec = policy.doc["spec"]
    assert policy.name == f"allow-{label.removeprefix('salon/egress-')}-egress"
    assert spec["policyTypes"] == ["Egress"]
    assert [rule["ports"] for rule in spec["egress"]] == [[{"protocol": "TCP", "port": port}]]


def test_every_egress_label_is_known_here():
    assert egress_policies(BASE_MANIFESTS).keys() == EGRESS.keys()


def test_base_reaches_outside_only_placeholder_addresses():
    peers = [
        peer for policy in egress_policies(BASE_MANIFESTS).values() for peer in policy.doc["spec"]["egress"][0]["to"]
    ]
    assert all(list(peer) == ["ipBlock"] for peer in peers)
    assert all(ipaddress.ip_network(peer["ipBlock"]["cidr"]).subnet_of(PLACEHOLDER_NETWORK) for peer in peers)


def test_production_sets_real_addresses_for_every_egress_on_the_same_ports():
    base = {policy.name: policy for policy in egress_policies(BASE_MANIFESTS).values()}
    patches = {patch.name: patch for patch in load(PRODUCTION / "managed-backing-services.yaml")}
    assert patches.keys() == base.keys()
    for name, patch in patches.items():
        assert rule_ports(patch.doc) == rule_ports(base[name].doc), name
        for rule in patch.doc["spec"]["egress"]:
            for peer in rule["to"]:
                network = ipaddress.ip_network(peer["ipBlock"]["cidr"])
                assert not network.overlaps(PLACEHOLDER_NETWORK), f"{name}: {network} is still a placeholder"


def test_in_cluster_component_points_egress_at_its_own_pods_which_admit_that_label():
    base = {policy.name: label for label, policy in egress_policies(BASE_MANIFESTS).items()}
    component = manifests(IN_CLUSTER)
    pods = [m for m in component if m.kind in WORKLOADS]
    own_policies = [m for m in component if m.kind == "NetworkPolicy"]
    patches = load(IN_CLUSTER / "egress-to-in-cluster-pods.yaml")
    assert {patch.name for patch in patches} >= {"allow-postgres-egress", "allow-rabbitmq-egress", "allow-redis-egress"}
    for patch in patches:
        label = base[patch.name]
        for rule in patch.doc["spec"]["egress"]:
            [peer] = rule["to"]
            [pod] = [m for m in pods if selects(peer["podSelector"], m.pod["metadata"]["labels"])]
            [container] = pod.pod["spec"]["containers"]
            listening = {port["containerPort"] for port in container["ports"]}
            [admits] = [m for m in own_policies if selects(m.doc["spec"]["podSelector"], pod.pod["metadata"]["labels"])]
            [ingress] = admits.doc["spec"]["ingress"]
            assert ingress["from"] == [{"podSelector": {"matchLabels": {label: "true"}}}], admits.id
            for port in rule["ports"]:
                assert port["port"] in listening, f"{patch.name}: {pod.name} does not listen on {port['port']}"
                assert port in ingress["ports"], f"{admits.id} does not admit {port}"


@pytest.mark.parametrize("workload", SALON_WORKLOADS, ids=ids(SALON_WORKLOADS))
def test_pods_carry_egress_labels_exactly_for_what_they_connect_to(workload):
    used = set().union(*(env_names(container) for container in workload.containers))
    labels = workload.pod["metadata"]["labels"]
    for variable, label in EGRESS_LABELS.items():
        assert (labels.get(label) == "true") == (variable in used), f"{label} vs {variable}"


def test_only_the_gateway_is_reachable_over_http():
    services = [m for m in BASE_MANIFESTS if m.kind == "Service"]
    assert [service.name for service in services] == ["gateway"]
    gateway = find(BASE_MANIFESTS, "Deployment", "gateway")
    [container] = gateway.pod["spec"]["containers"]
    # The API port only; the liveness port is for the kubelet, which NetworkPolicy always admits.
    [port] = [entry for entry in container["ports"] if entry["name"] == "http"]
    [service_port] = services[0].doc["spec"]["ports"]
    assert service_port["targetPort"] in (port["name"], port["containerPort"])
    assert services[0].doc["spec"]["selector"].items() <= gateway.pod["metadata"]["labels"].items()

    ingress = find(BASE_MANIFESTS, "Ingress", "gateway").doc["spec"]
    backends = [path["backend"]["service"] for rule in ingress["rules"] for path in rule["http"]["paths"]]
    assert backends == [{"name": "gateway", "port": {"name": service_port["name"]}}]

    policy = find(BASE_MANIFESTS, "NetworkPolicy", "gateway").doc["spec"]
    [rule, scraper] = policy["ingress"]
    assert [list(peer) for peer in rule["from"]] == [["namespaceSelector"]]
    assert rule["ports"] == [{"protocol": "TCP", "port": port["containerPort"]}]
    assert scraper["from"] == [SCRAPER] and scraper["ports"] == [{"protocol": "TCP", "port": 9100}]


@pytest.mark.parametrize("service", SERVICES)
def test_no_one_may_call_a_service_and_only_the_scraper_reads_its_metrics(service):
    policy = find(BASE_MANIFESTS, "NetworkPolicy", service).doc["spec"]
    assert "Ingress" in policy["policyTypes"]
    [rule] = policy["ingress"]
    assert rule["from"] == [SCRAPER]
    deployment = find(BASE_MANIFESTS, "Deployment", service)
    assert sorted(port["port"] for port in rule["ports"]) == sorted(port for _, port in scraped_ports(deployment))


# --- availability -----------------------------------------------------------------------------


def test_replicated_deployments_have_a_disruption_budget():
    autoscalers = {m.doc["spec"]["scaleTargetRef"]["name"]: m for m in ALL if m.kind == "HorizontalPodAutoscaler"}
    for deployment in (m for m in ALL if m.kind == "Deployment"):
        autoscaler = autoscalers.get(deployment.name)
        if autoscaler:
            assert "replicas" not in deployment.doc["spec"], f"{deployment.name}: the HPA owns the count"
            replicas = autoscaler.doc["spec"]["minReplicas"]
        else:
            replicas = deployment.doc["spec"].get("replicas", 1)
        if replicas > 1:
            labels = deployment.pod["metadata"]["labels"]
            budgets = [m for m in ALL if m.kind == "PodDisruptionBudget" and selects(m.doc["spec"]["selector"], labels)]
            assert budgets, f"{deployment.name} has {replicas} replicas and no PodDisruptionBudget"


def test_gateway_and_bookings_run_two_replicas_at_least():
    autoscaler = find(BASE_MANIFESTS, "HorizontalPodAutoscaler", "gateway").doc["spec"]
    assert autoscaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert autoscaler["minReplicas"] >= 2
    assert find(BASE_MANIFESTS, "Deployment", "bookings").doc["spec"]["replicas"] >= 2


# --- secrets ----------------------------------------------------------------------------------

SECRET_REFS = sorted(set().union(*(secret_refs(m) for m in ALL)))


@pytest.mark.parametrize(("secret", "key"), SECRET_REFS, ids=[f"{s}.{k}" for s, k in SECRET_REFS])
def test_every_secret_is_documented(secret, key):
    rows = [line for line in README.read_text().splitlines() if f"`{secret}`" in line and line.startswith("|")]
    assert rows, f"deploy/README.md does not document the secret {secret}"
    assert any(f"`{key}`" in row for row in rows), f"deploy/README.md does not name the key {key} of {secret}"


def test_dev_overlay_generates_every_secret_it_uses():
    secrets = {name: keys for (kind, name), keys in generated(DEV).items() if kind == "Secret"}
    for name, _ in set().union(*(secret_refs(m) for m in manifests(DEV))):
        assert name in secrets, f"overlays/dev does not generate the secret {name}"
    for name, key in set().union(*(secret_refs(m, required_only=True) for m in manifests(DEV))):
        assert key in secrets[name], f"overlays/dev does not generate the key {key} of {name}"


@pytest.mark.parametrize("workload", WORKLOAD_MANIFESTS, ids=ids(WORKLOAD_MANIFESTS))
def test_credentials_come_from_secrets(workload):
    for container in workload.containers:
        for name, variable in container_env(container).items():
            if CREDENTIALS.search(name):
                assert "secretKeyRef" in variable.get("valueFrom", {}), f"{container['name']}: {name}"


CONFIG_MAP_REFS = sorted(set().union(*(config_map_refs(m) for m in BASE_MANIFESTS)))


@pytest.mark.parametrize(("config_map", "key"), CONFIG_MAP_REFS, ids=[f"{c}.{k}" for c, k in CONFIG_MAP_REFS])
def test_every_setting_is_documented(config_map, key):
    rows = [line for line in README.read_text().splitlines() if f"`{key}`" in line and line.startswith("|")]
    assert rows, f"deploy/README.md does not document {key} of the ConfigMap {config_map}"


@pytest.mark.parametrize("overlay", ENTRY_POINTS[1:], ids=lambda folder: str(folder.relative_to(K8S)))
def test_overlays_generate_every_setting_the_pods_read(overlay):
    config_maps = {name: keys for (kind, name), keys in generated(overlay).items() if kind == "ConfigMap"}
    config_maps.update({m.name: set(m.doc.get("data", {})) for m in manifests(overlay) if m.kind == "ConfigMap"})
    for name, key in set().union(*(config_map_refs(m) for m in manifests(overlay))):
        assert key in config_maps.get(name, set()), f"{overlay.name} does not set {key} in the ConfigMap {name}"


# --- services and migrations ------------------------------------------------------------------


def service_class(service: str) -> str | None:
    """The nameko service class in services/<service>/<service>/service.py, if that file exists."""
    path = REPO / "services" / service / service / "service.py"
    if not path.is_file():
        return None
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and [getattr(target, "id", None) for target in statement.targets] == ["name"]
                    and isinstance(statement.value, ast.Constant)
                    and statement.value.value == service
                ):
                    return node.name
    raise AssertionError(f"{path} has no class with name = {service!r}")


WRITTEN_SERVICES = [service for service in SERVICES if (REPO / "services" / service / service / "service.py").is_file()]


@pytest.mark.parametrize("service", WRITTEN_SERVICES)
def test_deployment_runs_the_class_its_service_py_defines(service):
    deployment = find(BASE_MANIFESTS, "Deployment", service)
    container = deployment.pod["spec"]["containers"][0]
    assert container["name"] == service
    expected = ["nameko", "run", "--config", "config.yml", f"{service}.service:{service_class(service)}"]
    assert container["command"] == expected


@pytest.mark.parametrize("service", SERVICES)
def test_service_containers_get_their_settings(service):
    container = find(BASE_MANIFESTS, "Deployment", service).pod["spec"]["containers"][0]
    settings = {"AMQP_URI", "DATABASE_URL", "HEALTH_ADDRESS", "LIVENESS_ADDRESS", "METRICS_ADDRESS", "MAX_WORKERS"}
    assert settings <= env_names(container)
    health = next(variable["value"] for variable in container["env"] if variable["name"] == "HEALTH_ADDRESS")
    assert health == "0.0.0.0:8000"
    assert [port["containerPort"] for port in container["ports"]] == [8000, 8002, 9100]
    assert ("rabbitmq", "amqp-uri") in secret_refs(find(BASE_MANIFESTS, "Deployment", service))
    assert (f"{service}-database", "url") in secret_refs(find(BASE_MANIFESTS, "Deployment", service))


# --- probes: liveness from a thread of its own, failing when the broker connection is dead ---


def probe_port(container: dict, probe_name: str) -> int:
    """The container port number a probe's httpGet names (by name or number)."""
    port = container[probe_name]["httpGet"]["port"]
    numbers = {entry.get("name"): entry["containerPort"] for entry in container["ports"]}
    return numbers.get(port, port)


def address_port(container: dict, variable: str) -> int:
    value = container_env(container)[variable]["value"]
    return int(value.rpartition(":")[2])


def config_settings(service: str) -> dict:
    """config.yml's keys, each with the environment variable and default it reads (${VAR:default})."""
    found = {}
    for line in (REPO / "services" / service / "config.yml").read_text().splitlines():
        if match := re.fullmatch(r"(\w+): (?:!raw_env_var )?\$\{(\w+):?(.*)\}", line.strip()):
            found[match[1]] = (match[2], match[3])
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_service_liveness_comes_from_its_own_thread_and_readiness_from_nameko(service):
    """Liveness on LIVENESS_ADDRESS (salon_infra.nameko.BrokerLiveness, an OS thread of its own),
    not on nameko's web server, whose handlers run in the worker pool; readiness stays there."""
    container = find(BASE_MANIFESTS, "Deployment", service).pod["spec"]["containers"][0]
    liveness_port = address_port(container, "LIVENESS_ADDRESS")
    assert probe_port(container, "livenessProbe") == liveness_port == 8002
    assert probe_port(container, "startupProbe") == liveness_port
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert probe_port(container, "readinessProbe") == address_port(container, "HEALTH_ADDRESS") != liveness_port
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    # The probe may look for the broker itself (2 s at most) before it answers.
    assert container["livenessProbe"]["timeoutSeconds"] >= 3


@pytest.mark.parametrize("service", SERVICES)
def test_service_config_reads_the_liveness_address_and_keeps_heartbeats_short(service):
    """Heartbeats are how a dead connection that looks open gets noticed (then replaced)."""
    settings = config_settings(service)
    assert settings["LIVENESS_ADDRESS"][0] == "LIVENESS_ADDRESS"
    variable, default = settings["HEARTBEAT"]
    assert variable == "AMQP_HEARTBEAT_SECONDS" and 0 < int(default) <= 15


def test_gateway_liveness_comes_from_its_own_thread():
    """gateway.rpc.BrokerWatch answers it, in each worker, not gunicorn's request threads; the
    startup probe and readiness stay on the API port."""
    container = find(BASE_MANIFESTS, "Deployment", "gateway").pod["spec"]["containers"][0]
    liveness_port = address_port(container, "GATEWAY_LIVENESS_ADDRESS")
    assert probe_port(container, "livenessProbe") == liveness_port == 8081
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["timeoutSeconds"] >= 3
    assert probe_port(container, "readinessProbe") == probe_port(container, "startupProbe") == 8080


@pytest.mark.parametrize("name", ["scheduling", "bookings", "payments"])
def test_relay_liveness_and_readiness_are_its_own(name):
    relay = next(
        c for c in find(BASE_MANIFESTS, "Deployment", name).pod["spec"]["containers"] if c["name"] == "outbox-relay"
    )
    health_port = int(relay["command"][relay["command"].index("--health-port") + 1])
    assert probe_port(relay, "livenessProbe") == probe_port(relay, "readinessProbe") == health_port


@pytest.mark.parametrize("service", SERVICES)
def test_services_use_the_entrypoints_that_survive_a_broker_outage(service):
    """nameko's own rpc/event_handler/RpcProxy die when a reply cannot be published; a service
    mixing them with salon_infra.nameko's would run two consumers on one queue."""
    source = (REPO / "services" / service / service / "service.py").read_text()
    tree = ast.parse(source)
    imported = {
        (node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    forbidden = {("nameko.rpc", "rpc"), ("nameko.events", "event_handler"), ("nameko.rpc", "RpcProxy")}
    assert not imported & forbidden, imported & forbidden
    if "@rpc" in source:
        assert ("salon_infra.nameko", "rpc") in imported
    if "@event_handler" in source:
        assert ("salon_infra.nameko", "event_handler") in imported


@pytest.mark.parametrize("service", SERVICES)
def test_base_runs_a_migration_job_per_service(service):
    job = find(BASE_MANIFESTS, "Job", f"{service}-migrate")
    deployment = find(BASE_MANIFESTS, "Deployment", service)
    [container] = job.pod["spec"]["containers"]
    assert container["command"] == [f"{service}-migrate"]
    assert container["image"] == deployment.pod["spec"]["containers"][0]["image"]
    assert secret_refs(job) == {(f"{service}-database", "url")}
    assert job.pod["spec"]["restartPolicy"] == "Never"
    assert job.doc["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"
    # The Job's pods must not fall under the Deployment's selector (nor its PodDisruptionBudget).
    assert not selects(deployment.doc["spec"]["selector"], job.pod["metadata"]["labels"])


@pytest.mark.parametrize("deployment", [m for m in ALL if m.kind == "Deployment"], ids=lambda m: m.id)
def test_no_deployment_runs_migrations(deployment):
    for container in deployment.containers:
        words = container.get("command", []) + container.get("args", [])
        assert not any("-migrate" in word or "alembic" in word for word in words), container["name"]


PYPROJECTS = [service for service in SERVICES if (REPO / "services" / service / "pyproject.toml").is_file()]


@pytest.mark.parametrize("service", PYPROJECTS)
def test_the_migration_command_is_a_console_script_of_the_image(service):
    project = tomllib.loads((REPO / "services" / service / "pyproject.toml").read_text())["project"]
    assert project["name"] == f"salon-{service}"
    assert f"{service}-migrate" in project["scripts"]


def test_gateway_keeps_phone_codes_and_token_checks_in_redis():
    gateway = find(BASE_MANIFESTS, "Deployment", "gateway")
    env = container_env(gateway.pod["spec"]["containers"][0])
    assert env["REDIS_URL"]["valueFrom"]["secretKeyRef"] == {"name": "redis", "key": "url"}
    assert env["REDIS_PREFIX"]["value"] == "salon:"
    # A revoked token (a user switched off, a new role...) fails within this: never above a minute.
    assert 0 < float(env["TOKEN_CHECK_SECONDS"]["value"]) <= 60


def test_accounts_sizes_its_hashing_threads_within_its_cpu_and_memory():
    """Each argon2id hash takes a thread and 19 MiB (accounts/passwords.py): the pool must fit the pod."""
    container = find(BASE_MANIFESTS, "Deployment", "accounts").pod["spec"]["containers"][0]
    env = container_env(container)
    threads = int(env["PASSWORD_HASH_THREADS"]["value"])
    limits = container["resources"]["limits"]
    cpu = float(limits["cpu"].removesuffix("m")) / (1000 if limits["cpu"].endswith("m") else 1)
    assert 1 <= threads <= max(1, round(cpu * 2))
    assert threads * 19 + 128 <= int(limits["memory"].removesuffix("Mi"))
    assert int(env["MAX_WORKERS"]["value"]) > threads  # token checks are answered while logins wait


def test_gateway_trusts_the_ingress_as_one_proxy_hop():
    """Fault 3: behind the ingress every request came from its address, so one client's phone codes
    used up the per-address limits of all. The gateway takes the client's address from the one
    X-Forwarded-For entry the ingress adds, and only the ingress may call it."""
    gateway = find(BASE_MANIFESTS, "Deployment", "gateway")
    env = container_env(gateway.pod["spec"]["containers"][0])
    assert env["TRUSTED_PROXY_HOPS"]["value"] == "1"
    rules = find(BASE_MANIFESTS, "NetworkPolicy", "gateway").doc["spec"]["ingress"]
    callers = [rule["from"] for rule in rules if "monitoring" not in str(rule["from"])]  # the scraper reads metrics
    assert callers == [[{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]]
    assert find(BASE_MANIFESTS, "Ingress", "gateway").doc["spec"]["ingressClassName"] == "nginx"
    assert "TRUSTED_PROXY_HOPS" in README.read_text()


NOTIFICATION_SETTINGS = {
    "SMS_PROVIDER": "configMapKeyRef",
    "SMS_SENDER": "configMapKeyRef",
    "SMS_HTTP_URL": "secretKeyRef",
    "SMS_HTTP_USERNAME": "secretKeyRef",
    "SMS_HTTP_PASSWORD": "secretKeyRef",
    "SMS_HTTP_TOKEN": "secretKeyRef",
    "SMTP_HOST": "configMapKeyRef",
    "SMTP_PORT": "configMapKeyRef",
    "SMTP_FROM": "configMapKeyRef",
    "SMTP_STARTTLS": "configMapKeyRef",
    "SMTP_USERNAME": "secretKeyRef",
    "SMTP_PASSWORD": "secretKeyRef",
    "PUBLIC_BASE_URL": "configMapKeyRef",
}


def test_notifications_gets_its_channel_settings():
    config = (REPO / "services" / "notifications" / "config.yml").read_text()
    read_from_environment = set(re.findall(r"\$\{(\w+):", config))
    assert NOTIFICATION_SETTINGS.keys() <= read_from_environment, "config.yml no longer reads these"
    notifications = find(BASE_MANIFESTS, "Deployment", "notifications")
    env = container_env(notifications.pod["spec"]["containers"][0])
    for name, source in NOTIFICATION_SETTINGS.items():
        assert source in env[name].get("valueFrom", {}), f"{name} should come from a {source}"
    # Basic auth or a token, and a relay may take mail without a login: a Secret may lack those keys.
    for name in ("SMS_HTTP_USERNAME", "SMS_HTTP_PASSWORD", "SMS_HTTP_TOKEN", "SMTP_USERNAME", "SMTP_PASSWORD"):
        assert env[name]["valueFrom"]["secretKeyRef"].get("optional") is True, name
    assert env["SMS_HTTP_URL"]["valueFrom"]["secretKeyRef"].get("optional") is not True


def relaying_services() -> list[str]:
    """The services whose events an outbox relay publishes, as `make run` starts them."""
    from cluster import SERVICES as LOCAL_SERVICES

    return [spec.name for spec in LOCAL_SERVICES if spec.relays_events]


def test_the_services_that_send_events_are_scheduling_bookings_and_payments():
    assert relaying_services() == ["scheduling", "bookings", "payments"]


@pytest.mark.parametrize("name", relaying_services())
def test_each_pod_that_sends_events_runs_its_outbox_relay(name):
    deployment = find(BASE_MANIFESTS, "Deployment", name)
    service, relay = deployment.pod["spec"]["containers"]
    assert relay["command"] == [
        "salon-outbox-relay", "--service", name, "--health-port", "8001", "--metrics-port", "9101"
    ]  # fmt: skip
    assert relay["image"] == service["image"]
    assert [port["containerPort"] for port in relay["ports"]] == [8001, 9101]
    relay_env = {variable["name"]: variable for variable in relay["env"]}
    service_env = {variable["name"]: variable for variable in service["env"]}
    for name in ("DATABASE_URL", "AMQP_URI"):
        assert relay_env[name] == service_env[name]


# --- metrics: every process serves /metrics on a port of its own, and Prometheus scrapes them ---

SCRAPE_CONFIG = REPO / "deploy" / "monitoring" / "prometheus-scrape.yaml"
SCRAPER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
SALON_DEPLOYMENTS = [m for m in BASE_MANIFESTS if m.kind == "Deployment"]


def discovered_targets(deployment: Manifest) -> list[dict]:
    """The labels Prometheus' Kubernetes discovery (role: pod) gives each declared container port."""
    pod = deployment.pod
    annotations = {
        re.sub(r"[^a-zA-Z0-9_]", "_", key): value for key, value in pod["metadata"].get("annotations", {}).items()
    }
    labels = {re.sub(r"[^a-zA-Z0-9_]", "_", key): value for key, value in pod["metadata"]["labels"].items()}
    return [
        {
            **{f"__meta_kubernetes_pod_annotation_{key}": value for key, value in annotations.items()},
            **{f"__meta_kubernetes_pod_label_{key}": value for key, value in labels.items()},
            "__meta_kubernetes_pod_container_name": container["name"],
            "__meta_kubernetes_pod_container_port_name": port.get("name", ""),
            "__meta_kubernetes_pod_container_port_number": str(port["containerPort"]),
        }
        for container in pod["spec"]["containers"]
        for port in container.get("ports", [])
    ]


def relabel(target: dict, rules: list[dict]) -> dict | None:
    """Prometheus' relabelling (keep and replace, the actions the scrape job uses); None if dropped."""
    target = dict(target)
    for rule in rules:
        value = rule.get("separator", ";").join(target.get(label, "") for label in rule["source_labels"])
        match = re.fullmatch(rule.get("regex", "(.*)"), value)
        action = rule.get("action", "replace")
        if action == "keep":
            if not match:
                return None
        elif action == "replace":
            if match:
                target[rule["target_label"]] = match.expand(rule.get("replacement", r"\1").replace("$1", r"\1"))
        else:
            raise AssertionError(f"this test does not know the action {action}")
    return target


def scraped_ports(deployment: Manifest) -> list[tuple[str, int]]:
    """(container, port) of every target the scrape job keeps in the Deployment's pods."""
    [job] = yaml.safe_load(SCRAPE_CONFIG.read_text())["scrape_configs"]
    kept = [relabel(target, job["relabel_configs"]) for target in discovered_targets(deployment)]
    for target in filter(None, kept):
        assert target["__metrics_path__"] == "/metrics"
    return [
        (target["__meta_kubernetes_pod_container_name"], int(target["__meta_kubernetes_pod_container_port_number"]))
        for target in kept
        if target
    ]


def metrics_port_served(container: dict) -> int | None:
    """The port a container's process serves /metrics alone on, from its own settings."""
    env = container_env(container)
    for variable in ("METRICS_ADDRESS", "GATEWAY_METRICS_ADDRESS"):
        if variable in env:
            return int(env[variable]["value"].rpartition(":")[2])
    command = container.get("command", [])
    return int(command[command.index("--metrics-port") + 1]) if "--metrics-port" in command else None


def test_the_scrape_job_is_a_prometheus_pod_discovery_job():
    [job] = yaml.safe_load(SCRAPE_CONFIG.read_text())["scrape_configs"]
    assert job["kubernetes_sd_configs"] == [{"role": "pod"}]


@pytest.mark.parametrize("deployment", SALON_DEPLOYMENTS, ids=ids(SALON_DEPLOYMENTS))
def test_every_process_is_scraped_on_the_port_it_serves_metrics_on(deployment):
    expected = {
        (container["name"], port)
        for container in deployment.pod["spec"]["containers"]
        if (port := metrics_port_served(container)) is not None
    }
    names = [container["name"] for container in deployment.pod["spec"]["containers"]]
    assert {name for name, _ in expected} == set(names), "a process without a metrics port"
    assert sorted(scraped_ports(deployment)) == sorted(expected)
    annotations = deployment.pod["metadata"]["annotations"]
    # For a scraper that reads the annotations alone: the main container's port.
    [main_port] = [port for name, port in expected if name == names[0]]
    assert annotations["prometheus.io/port"] == str(main_port)
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("deployment", SALON_DEPLOYMENTS, ids=ids(SALON_DEPLOYMENTS))
def test_the_scraper_may_reach_exactly_the_metrics_ports(deployment):
    labels = deployment.pod["metadata"]["labels"]
    [policy] = [
        m for m in BASE_MANIFESTS
        if m.kind == "NetworkPolicy" and m.doc["spec"]["podSelector"].get("matchLabels", {}).get(
            "app.kubernetes.io/name") == labels["app.kubernetes.io/name"]
    ]  # fmt: skip
    admitted = {
        port["port"] for rule in policy.doc["spec"]["ingress"] if SCRAPER in rule["from"] for port in rule["ports"]
    }
    assert admitted == {port for _, port in scraped_ports(deployment)}
    for rule in policy.doc["spec"]["ingress"]:
        if SCRAPER not in rule["from"]:
            assert not admitted & {port["port"] for port in rule["ports"]}


@pytest.mark.parametrize("service", SERVICES)
def test_service_config_reads_the_metrics_address(service):
    assert config_settings(service)["METRICS_ADDRESS"] == ("METRICS_ADDRESS", "")


# --- images -----------------------------------------------------------------------------------


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def final_stage(dockerfile: Path) -> list[tuple[str, str]]:
    steps = instructions(dockerfile)
    last_from = max(index for index, (instruction, _) in enumerate(steps) if instruction == "FROM")
    return steps[last_from:]


@pytest.mark.parametrize("folder", IMAGE_FOLDERS.values(), ids=IMAGE_FOLDERS.keys())
def test_dockerfile_pins_its_base_image(folder):
    steps = instructions(folder / "Dockerfile")
    stages = set()
    for instruction, arguments in steps:
        if instruction != "FROM":
            continue
        image, *alias = arguments.split()
        if image not in stages:
            tag = image.split("@")[0].rpartition(":")[2]
            assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", image.split("@")[0]), image
            assert tag != "latest", image
        if alias:
            stages.add(alias[-1])
    assert "latest" not in (folder / "Dockerfile").read_text()


@pytest.mark.parametrize("folder", IMAGE_FOLDERS.values(), ids=IMAGE_FOLDERS.keys())
def test_dockerfile_runs_as_a_non_root_user(folder):
    users = [arguments for instruction, arguments in final_stage(folder / "Dockerfile") if instruction == "USER"]
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) >= 10000, f"USER {users[-1]}: use a numeric uid that runAsNonRoot can check"


@pytest.mark.parametrize("folder", IMAGE_FOLDERS.values(), ids=IMAGE_FOLDERS.keys())
def test_dockerfile_installs_its_folder_from_the_company_index(folder):
    steps = instructions(folder / "Dockerfile")
    arguments = {arguments.split("=")[0] for instruction, arguments in steps if instruction == "ARG"}
    assert {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"} <= arguments
    assert any(instruction == "RUN" and re.search(r"pip install .*\.$", args) for instruction, args in steps)
    copied = [args for instruction, args in steps if instruction == "COPY" and not args.startswith("--from")]
    assert all(".." not in args for args in copied), "the build context is the folder alone"
    runtime = " ".join(args for instruction, args in final_stage(folder / "Dockerfile") if instruction == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime
    assert "PYTHONUNBUFFERED=1" in runtime
    assert (folder / ".dockerignore").is_file()


@pytest.mark.parametrize("folder", IMAGE_FOLDERS.values(), ids=IMAGE_FOLDERS.keys())
def test_dockerfile_command_is_the_deployments(folder):
    [cmd] = [json.loads(args) for instruction, args in final_stage(folder / "Dockerfile") if instruction == "CMD"]
    deployment = find(BASE_MANIFESTS, "Deployment", folder.name)
    assert deployment.pod["spec"]["containers"][0]["command"] == cmd
    assert deployment.pod["spec"]["containers"][0]["image"].startswith(f"salon-{folder.name}:")


# --- kustomize itself, where kubectl is installed ---------------------------------------------

KUBECTL = shutil.which("kubectl")

if KUBECTL:

    def kustomize_build(folder: Path) -> list[dict]:
        built = subprocess.run(
            [KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, timeout=120, check=False
        )
        assert built.returncode == 0, built.stderr
        return [doc for doc in yaml.safe_load_all(built.stdout) if doc]

    def unhashed(doc: dict, generated_names: set[tuple[str, str]]) -> tuple[str, str]:
        """(kind, name), with the content hash a generator appends to the name taken off."""
        kind, name = doc["kind"], doc["metadata"]["name"]
        stem = name.rpartition("-")[0]
        return (kind, stem) if (kind, stem) in generated_names else (kind, name)

    def built_object(built: list[dict], kind: str, name: str) -> dict:
        [doc] = [doc for doc in built if doc["kind"] == kind and unhashed(doc, {(kind, name)}) == (kind, name)]
        return doc

    @pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda folder: str(folder.relative_to(K8S)))
    def test_kustomize_builds_what_this_module_resolves(entry):
        built = kustomize_build(entry)
        generated_names = set(generated(entry))
        names = {unhashed(doc, generated_names) for doc in built}
        assert names == {(m.kind, m.name) for m in manifests(entry)} | generated_names
        for doc in built:
            if doc["kind"] in WORKLOADS:
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    assert not container["image"].endswith(":latest")

    def test_dev_build_resolves_every_secret_and_config_map():
        built = kustomize_build(DEV)
        keys = {(doc["kind"], doc["metadata"]["name"]): set(doc.get("data", {})) for doc in built}
        for doc in built:
            if doc["kind"] not in WORKLOADS:
                continue
            pod = doc["spec"]["template"]["spec"]
            for container in pod["containers"]:
                for variable in container.get("env", []):
                    for source, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                        if ref := variable.get("valueFrom", {}).get(source):
                            assert (kind, ref["name"]) in keys, ref
                            assert ref.get("optional") or ref["key"] in keys[kind, ref["name"]], ref
            for volume in pod.get("volumes", []):
                if "configMap" in volume:
                    assert ("ConfigMap", volume["configMap"]["name"]) in keys

    @pytest.mark.parametrize("overlay", ENTRY_POINTS[1:], ids=lambda folder: str(folder.relative_to(K8S)))
    def test_notifications_may_reach_the_smtp_port_it_is_given(overlay):
        built = kustomize_build(overlay)
        settings = built_object(built, "ConfigMap", "notifications-settings")["data"]
        policy = built_object(built, "NetworkPolicy", "allow-smtp-egress")
        assert rule_ports(policy) == [[{"protocol": "TCP", "port": int(settings["SMTP_PORT"])}]]

    def test_production_links_clients_to_the_ingress_host():
        built = kustomize_build(PRODUCTION)
        settings = built_object(built, "ConfigMap", "notifications-settings")["data"]
        ingress = built_object(built, "Ingress", "gateway")["spec"]
        hosts = {host for tls in ingress["tls"] for host in tls["hosts"]}
        assert settings["PUBLIC_BASE_URL"] in {f"https://{host}" for host in hosts}
        assert settings["SMS_PROVIDER"] == "http"
