"""The deployment in docs/ (docs/deploy.md): its configuration files parse, name real settings
and agree with each other and with the course; its figures come from the tools that make them.

Kubernetes, the hub and the grading cluster cannot run here: what can be checked without them
is checked. Set Z2JH_CHART to a checkout of the Zero to JupyterHub chart's folder
(``jupyterhub/`` of jupyterhub/zero-to-jupyterhub-k8s) to also validate the hub's values
against the chart's own schema, as ``helm`` does.
"""

import copy
import os
import re
import sys
import types
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "tools"))

from cost_model import DEPLOY, END, SLOTS, START, doc_tables, read_costs  # noqa: E402
from pull_link import pull_link  # noqa: E402

DOCS = REPO / "docs"
HUB_VALUES = DOCS / "hub" / "config.yaml"
CONFIGS = {role: DOCS / "hub" / f"nbgrader_config_{role}.py" for role in ("student", "instructor")}


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def manifests(path):
    return {(d["kind"], d["metadata"]["name"]): d for d in documents(path)}


def load_config(path):
    """Run an nbgrader config file as nbgrader does, with its ``get_config()``."""
    config = Config()
    exec(compile(path.read_text(), str(path), "exec"), {"get_config": lambda: config})
    return config


def hub_values():
    return yaml.safe_load(HUB_VALUES.read_text())


def test_every_yaml_file_parses_into_mappings():
    files = sorted(DOCS.rglob("*.yaml"))
    assert len(files) == 4
    for path in files:
        parsed = documents(path)
        assert parsed and all(isinstance(d, dict) for d in parsed), path


def test_every_kubernetes_object_has_a_kind_and_a_name():
    for path in [DOCS / "hub" / "exchange.yaml", *sorted((DOCS / "grading").glob("*.yaml"))]:
        for document in documents(path):
            assert {"apiVersion", "kind"} <= set(document), path
            assert document["metadata"]["name"], path


@pytest.mark.parametrize("role", sorted(CONFIGS))
def test_nbgrader_configs_set_only_real_settings(role):
    from nbgrader.apps import NbGraderApp
    from nbgrader.exchange import ExchangeFactory
    from nbgrader.exchange import default as exchange  # the exchange nbgrader uses by default
    from traitlets.config import Configurable
    classes = [*NbGraderApp()._classes_inc_parents(), ExchangeFactory, *(
        parent for name in exchange.__all__ for parent in getattr(exchange, name).__mro__
        if issubclass(parent, Configurable))]
    traits = {}  # a section configures every class of that name (nbgrader has two Exchanges)
    for cls in classes:
        traits.setdefault(cls.__name__, set()).update(cls.class_traits(config=True))
    config = load_config(CONFIGS[role])
    assert config, "the config sets nothing"
    for section, settings in config.items():
        assert section in traits, f"nbgrader has no configurable {section}"
        for name in settings:
            assert name in traits[section], f"{section}.{name} is not a setting of nbgrader"


@pytest.mark.parametrize("role", sorted(CONFIGS))
def test_each_role_uses_the_course_exchange(role):
    from nbgrader.exchange import ExchangeFactory, default
    from grading import exchange
    factory = ExchangeFactory(config=load_config(CONFIGS[role]))
    assert factory.submit is exchange.CourseExchangeSubmit
    assert factory.collect is (exchange.CourseExchangeCollect if role == "instructor" else
                               default.ExchangeCollect)  # students never collect


def test_the_exchange_is_where_the_hub_mounts_it():
    from nbgrader.exchange.default.exchange import Exchange
    assert "root" in Exchange.class_traits(config=True)
    mounts = hub_values()["singleuser"]["storage"]["extraVolumeMounts"]
    (mount,) = [m for m in mounts if m["name"] == "nbgrader-exchange"]
    for path in CONFIGS.values():
        assert load_config(path).Exchange.root == mount["mountPath"] == "/srv/nbgrader/exchange"


def test_the_hub_course_is_the_repository_course():
    course = load_config(REPO / "nbgrader_config.py").CourseDirectory
    instructor = load_config(CONFIGS["instructor"]).CourseDirectory
    for name in ("course_id", "source_directory", "release_directory"):
        assert instructor[name] == course[name]
    assert load_config(CONFIGS["student"]).CourseDirectory.course_id == course.course_id


def test_the_exchange_volume_is_shared_and_open_to_every_server():
    objects = manifests(DOCS / "hub" / "exchange.yaml")
    claim = objects[("PersistentVolumeClaim", "nbgrader-exchange")]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    volumes = hub_values()["singleuser"]["storage"]["extraVolumes"]
    assert [v["persistentVolumeClaim"]["claimName"] for v in volumes] == ["nbgrader-exchange"]
    job = objects[("Job", "nbgrader-exchange-permissions")]["spec"]["template"]["spec"]
    (container,) = job["containers"]
    assert container["command"] == ["chmod", "0777", "/srv/nbgrader/exchange"]


def _profiles_for(groups):
    """The profiles the hub's extraConfig offers a user in ``groups``."""
    code = hub_values()["hub"]["extraConfig"]["profiles"]
    c = Config()
    exec(compile(code, "hub.extraConfig.profiles", "exec"), {"c": c})
    user = types.SimpleNamespace(groups=[types.SimpleNamespace(name=g) for g in groups])
    return c.KubeSpawner.profile_list(types.SimpleNamespace(user=user))


def test_only_instructors_may_start_the_instructor_image():
    values = hub_values()
    assert "instructors" in values["hub"]["config"]["JupyterHub"]["load_groups"]
    assert _profiles_for([]) == []
    assert _profiles_for(["learners"]) == []
    learner, instructor = _profiles_for(["instructors"])
    assert learner["default"] and "kubespawner_override" not in learner
    override = instructor["kubespawner_override"]
    assert override["image"].split(":")[0].endswith("intro-dl-hub-instructor")
    # the label that lets the instructor's server, and no other, reach the grading scheduler
    client = manifests(DOCS / "grading" / "network-policy.yaml")[
        ("NetworkPolicy", "intro-dl-grading-client")]
    assert client["spec"]["podSelector"]["matchLabels"].items() <= override["extra_labels"].items()


def test_each_role_image_gets_its_own_nbgrader_config():
    dockerfile = (DOCS / "hub" / "Dockerfile").read_text()
    copied = re.search(r"^COPY (\S+) /etc/jupyter/nbgrader_config.py$", dockerfile, re.M).group(1)
    for role, path in CONFIGS.items():
        assert (REPO / copied.replace("${ROLE}", role)) == path
    # the students' image hides the instructor's tools
    assert "@jupyter/nbgrader:formgrader" in dockerfile
    assert "nbgrader.server_extensions.formgrader" in dockerfile


def test_grading_workers_preload_the_grader_with_the_model_slots_and_memory():
    cluster = manifests(DOCS / "grading" / "dask-cluster.yaml")[("DaskCluster", "intro-dl-grading")]
    (worker,) = cluster["spec"]["worker"]["spec"]["containers"]
    args = worker["args"]
    assert args[:2] == ["dask", "worker"]
    assert args[args.index("--preload") + 1] == "grading.cluster"
    assert int(args[args.index("--nthreads") + 1]) == SLOTS
    limit = worker["resources"]["limits"]["memory"]
    assert limit.endswith("Gi")
    heaviest = max(cost.slot_memory_mb for cost in read_costs().values())
    assert int(limit[:-2]) * 1024 >= SLOTS * heaviest
    # the address the instructor gives --cluster is the operator's service for the scheduler
    assert f"tcp://{cluster['metadata']['name']}-scheduler." in (DOCS / "deploy.md").read_text()


def test_the_cost_and_sizing_tables_in_the_doc_are_the_cost_models():
    text = DEPLOY.read_text()
    tables = text.split(START)[1].split(END)[0].strip()
    assert tables == doc_tables(read_costs())
    assert tables.count("| 07-handwritten-digits |") == 1 + 4  # its costs, and 4 classes


def test_the_pull_link_in_the_doc_is_the_link_builders():
    text = (DOCS / "deploy.md").read_text()
    arguments = re.search(r"python tools/pull_link.py (\S+) (\S+) (\S+) (\S+)", text).groups()
    assert f"<{pull_link(*arguments)}>" in text


def test_the_readme_links_the_deployment():
    assert "(docs/deploy.md)" in (REPO / "README.md").read_text()


@pytest.mark.skipif("Z2JH_CHART" not in os.environ,
                    reason="set Z2JH_CHART to the Zero to JupyterHub chart's folder")
def test_hub_values_pass_the_charts_schema():
    import jsonschema
    chart = Path(os.environ["Z2JH_CHART"])
    schema = yaml.safe_load((chart / "values.schema.yaml").read_text())
    defaults = yaml.safe_load((chart / "values.yaml").read_text())

    def merged(base, extra):  # as helm merges --values over the chart's defaults
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                merged(base[key], value)
            else:
                base[key] = value
        return base

    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in
              jsonschema.Draft7Validator(schema).iter_errors(merged(copy.deepcopy(defaults),
                                                                    hub_values()))]
    assert errors == []
