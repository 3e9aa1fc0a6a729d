"""What goes to a cluster and what asks for a GPU, read off the workflow as Snakemake loads it:
only the experiments' runs leave the submitting host, and runs ask for a GPU exactly when the
registry says their experiment trains with torch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings

from dlrepro.experiments.registry import EXPERIMENTS, experiment

ROOT = Path(__file__).resolve().parents[2]
RUN_RULE = re.compile(r"^(?P<experiment>\w+?)_runs?$")


def loaded_rules(**config):
    """(rule, runs on the submitting host) for every rule of the quick graph."""
    with SnakemakeApi(OutputSettings()) as api:
        workflow = api.workflow(
            resource_settings=ResourceSettings(),
            config_settings=ConfigSettings(
                configfiles=[ROOT / "config" / "config.yaml", ROOT / "config" / "quick.yaml"],
                config=config),
            snakefile=ROOT / "Snakefile",
            workdir=ROOT,
        )._workflow
        # what a cluster executor runs locally: the rules marked `localrule: True`
        return [(rule, rule.name in workflow._localrules) for rule in workflow.rules]


@pytest.fixture(scope="module")
def with_gpus():
    return loaded_rules(training_gpus=1)


def test_only_the_experiments_runs_go_to_the_cluster(with_gpus):
    remote = sorted(rule.name for rule, local in with_gpus if not local)
    for name in remote:
        match = RUN_RULE.match(name)
        assert match and match["experiment"] in {e.id for e in EXPERIMENTS}, (
            f"{name} would be sent to the cluster: mark it `localrule: True`, or name it "
            "<experiment>_run if it is an experiment's run")
    assert {RUN_RULE.match(name)["experiment"] for name in remote} == {e.id for e in EXPERIMENTS}
    assert {"figure", "evaluate_claims", "report_data", "render_pdf", "prepare_data",
            "summary", "all"} <= {rule.name for rule, local in with_gpus if local}


def gpus(rule) -> int:
    """The GPUs a job of ``rule`` asks for. A torch run's request is a function that Snakemake
    calls when it makes the job (only then does it know the executor)."""
    return rule.resources["gpu"].evaluate({}).value  # as Snakemake does, with the wildcards


def test_runs_ask_for_a_gpu_exactly_when_their_experiment_trains_with_torch(with_gpus):
    runs = {rule.name: rule for rule, local in with_gpus if not local}
    for name, rule in runs.items():
        torch = experiment(RUN_RULE.match(name)["experiment"]).asks_for_gpu
        assert gpus(rule) == (1 if torch else 0), name
    assert (sum(gpus(rule) for rule in runs.values())
            == sum(e.asks_for_gpu for e in EXPERIMENTS) == 5)


@pytest.mark.parametrize("setting", [0, "auto"])
def test_no_gpu_is_asked_for_with_zero_or_locally_on_a_cpu_only_machine(setting):
    if setting == "auto" and list(Path("/dev").glob("nvidia[0-9]*")):
        pytest.skip("this machine has a GPU: auto asks for it")
    runs = [rule for rule, local in loaded_rules(training_gpus=setting) if not local]
    assert runs and all(gpus(rule) == 0 for rule in runs)
