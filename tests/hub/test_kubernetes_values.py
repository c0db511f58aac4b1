"""deploy/kubernetes: the Zero to JupyterHub values against the chart's own schema, the
extra manifests against Kubernetes' schemas, and the course's choices in the values.

helm validates the chart's values.schema.json against the chart's defaults merged with
the user's values (maps merge key by key, anything else is replaced, null deletes a
key); this test does the same with the chart's files kept in deploy/kubernetes/chart-4.4.0/.
Rendering the chart needs helm and a chart download, so the rendered manifests are not
validated here; storage.yaml, which the course adds, is.
"""

import copy
import hashlib
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "kubernetes"
CHART = DEPLOY / "chart-4.4.0"
KUBERNETES = "1.32.0"  # the chart's lowest supported Kubernetes (kubeVersion >=1.32)
# the chart files as fetched (deploy/kubernetes/README.md names their source)
SHA256 = {
    "values.schema.json": "b5ccea97dd6d8f4fcf0504b76c84aa38a1f92de08351ff280a2d11858655cf05",
    "values.yaml": "d61742ce43e33262bb8fa0d68b6b9e7a7b229a3c7ce6d5a08cf97788c0ba796b",
}


def merged(defaults, values):
    """helm's coalescing of user values onto the chart's defaults."""
    result = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def values():
    return yaml.safe_load((DEPLOY / "values.yaml").read_text())


def check_jsonschema(values_doc, tmp_path):
    chart_defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    document = tmp_path / "merged-values.yaml"
    document.write_text(yaml.safe_dump(merged(chart_defaults, values_doc)))
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                           str(CHART / "values.schema.json"), str(document)],
                          capture_output=True, text=True, timeout=120)


def test_chart_files_are_the_fetched_ones():
    for name, digest in SHA256.items():
        assert hashlib.sha256((CHART / name).read_bytes()).hexdigest() == digest, name


def test_values_validate_against_the_charts_schema(tmp_path):
    run = check_jsonschema(values(), tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_catches_a_misspelt_setting(tmp_path):
    wrong = values()
    wrong["singleuser"]["memroy"] = wrong["singleuser"].pop("memory")
    run = check_jsonschema(wrong, tmp_path)
    assert run.returncode != 0 and "memroy" in run.stdout, run.stdout + run.stderr


def test_values_limit_cull_and_share_the_exchange():
    v = values()
    single = v["singleuser"]
    assert single["memory"]["limit"] and single["cpu"]["limit"]
    assert v["cull"]["enabled"] and v["cull"]["timeout"] > 0
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    claims = {vol["name"]: vol["persistentVolumeClaim"]["claimName"]
              for vol in single["storage"]["extraVolumes"]}
    assert single["extraEnv"]["NBGRADER_EXCHANGE"] == mounts["backprop-exchange"]
    storage = {doc["metadata"]["name"]: doc
               for doc in yaml.safe_load_all((DEPLOY / "storage.yaml").read_text())}
    exchange = storage[claims["backprop-exchange"]]
    assert exchange["spec"]["accessModes"] == ["ReadWriteMany"]
    db = v["hub"]["extraEnv"]["NBGRADER_DB_URL"]["valueFrom"]["secretKeyRef"]
    assert db == {"name": "backprop-gradebook", "key": "url"}


def _spawner(name, user_id, groups):
    user = SimpleNamespace(name=name, id=user_id,
                           groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, volumes=[{"name": "home"}],
                           volume_mounts=[{"name": "home", "mountPath": "/home/jovyan"}],
                           environment={}, default_url="/lab/tree/course", notebook_dir="",
                           mem_limit="1G", cpu_limit=1.0, supplemental_gids=[])


def test_extra_config_gives_instructors_the_course_and_students_their_own_uid(monkeypatch):
    monkeypatch.setenv("NBGRADER_DB_URL", "postgresql://nbgrader@db/backprop")
    c = SimpleNamespace(KubeSpawner=SimpleNamespace())
    exec(compile(values()["hub"]["extraConfig"]["10-backprop-roles"], "extraConfig", "exec"),
         {"c": c})
    student, teacher = _spawner("ada", 7, []), _spawner("prof", 8, ["instructors"])
    for spawner in (student, teacher):
        c.KubeSpawner.pre_spawn_hook(spawner)
    assert c.KubeSpawner.uid(student) != c.KubeSpawner.uid(teacher)
    assert student.environment == {} and student.supplemental_gids == []
    assert teacher.default_url == "/formgrader" and teacher.supplemental_gids == [2000]
    assert teacher.environment["NBGRADER_DB_URL"].startswith("postgresql://")
    assert {"name": "backprop-course", "mountPath": "/srv/nbgrader/course"} in teacher.volume_mounts


def test_storage_manifests_validate_against_kubernetes():
    import kubernetes_validate

    for doc in yaml.safe_load_all((DEPLOY / "storage.yaml").read_text()):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
