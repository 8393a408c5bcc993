"""The project's shape: layout, import direction, install script, image and deployment."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from policies.loader import load_policy

ROOT = Path(__file__).resolve().parent.parent


def test_top_level_layout():
    for name in (
        "pyproject.toml",
        "proxy",
        "detectors",
        "policies",
        "tests",
        "Dockerfile",
        "README.md",
    ):
        assert (ROOT / name).exists(), f"{name} is missing from the top level"


def imported_packages(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found


@pytest.mark.parametrize(
    "package, forbidden",
    [("detectors", {"proxy", "policies"}), ("policies", {"proxy"})],
    ids=["detectors-import-nothing-above", "policies-never-import-proxy"],
)
def test_imports_point_one_way(package, forbidden):
    assert imported_packages(package) & forbidden == set()


def test_dockerfile_installs_like_the_readme():
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()

    assert "bash .ci/setup" in dockerfile
    assert "bash .ci/setup" in readme
    assert "bash .ci/setup" in (ROOT / ".ci" / "run").read_text()


def test_dockerfile_runs_locked_down():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.split("\nFROM ")[-1]

    user = re.search(r"^USER (\S+)", final_stage, re.MULTILINE)
    assert user is not None
    assert not user.group(1).startswith(("root", "0:", "0\n"))
    assert user.group(1).split(":")[0] != "0"
    assert "HEALTHCHECK" in final_stage
    assert "/healthz" in final_stage
    assert re.search(r"^EXPOSE 8080", final_stage, re.MULTILINE)
    assert "VOLUME" in final_stage
    assert "HF_HUB_OFFLINE=1" in final_stage


def test_spacy_models_are_pinned_by_hash():
    lines = [
        line
        for line in (ROOT / "requirements" / "spacy-models.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert lines
    assert all(re.search(r"==\S+ --hash=sha256:[0-9a-f]{64}$", line) for line in lines)


def test_sidecar_example_is_consistent(tmp_path):
    documents = list(
        yaml.safe_load_all((ROOT / "deploy" / "kubernetes" / "sidecar.yaml").read_text())
    )
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    containers = {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}
    proxy = containers["deid-proxy"]
    policy_map = next(d for d in documents if d["kind"] == "ConfigMap")
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(policy_map["data"]["policy.yaml"])

    assert load_policy(str(policy_file)).name == "site-safe-harbor"
    assert proxy["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert proxy["livenessProbe"]["httpGet"]["path"] == "/healthz"
    secrets = {e["name"] for e in proxy["env"] if "valueFrom" in e}
    assert secrets == {"GEMINI_API_KEY", "DEID_VAULT_KEY"}
    assert proxy["resources"]["requests"]["memory"]
