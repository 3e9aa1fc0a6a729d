# Shared helpers: what every area's rules need to know about config and the results layout.
import itertools
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError

from dlrepro.config import check_consistency, shift_seeds
from dlrepro.data import PROVIDERS as DATA_SETS, provider
from dlrepro.experiments.classifiers.lr_schedule import schedule_runs
from dlrepro.experiments.ist.variants import variants as ist_torch_variant_names
from dlrepro.experiments.registry import EXPERIMENTS, FIGURE_NAME, experiment as registered
from dlrepro.fingerprint import job_fingerprint
from dlrepro.provenance import local_gpu_count
from dlrepro.results import value_label

check_consistency(config)
# seed_offset moves every experiment's seeds to another set (verdict stability); 0 keeps them.
config.update(shift_seeds(config))

CLAIMS_FILE = "config/claims.yaml"
# One software environment for every rule; `--software-deployment-method conda` builds it.
ENVIRONMENT = "../../environment.yml"

with open(CLAIMS_FILE) as handle:
    CLAIMS = yaml.safe_load(handle)
validate(CLAIMS, "../schemas/claims.schema.yaml")


SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"


def code_of(script, *by_name, shows_registry_texts=False):
    """The ``code`` param of a job that runs ``script`` (in workflow/scripts) and loads the
    ``dlrepro`` modules ``by_name`` by name: its fingerprint (dlrepro.fingerprint), so that a
    change to the code it runs reruns it and what follows, and no other change does. The
    rendering jobs also follow the registry's titles (``shows_registry_texts``)."""
    fingerprint = job_fingerprint(SCRIPTS / script, by_name,
                                  shows_registry_texts=shows_registry_texts)
    return fingerprint.as_dict()


def run_code(experiment):
    """The ``code`` of an experiment's run jobs: its run script and its module."""
    runs = f"{experiment}_runs.py"
    script = runs if (SCRIPTS / runs).is_file() else f"{experiment}_run.py"
    return code_of(script, registered(experiment).module)


def summary_code(experiment):
    """The ``code`` of the job that writes an experiment's summary.json."""
    if writes_own_summary(experiment):
        return run_code(experiment)
    return code_of("summary.py", registered(experiment).module)


def figure_code(experiment):
    """The ``code`` of the figure jobs of an experiment: figure.py and its figure module."""
    return code_of("figure.py", registered(experiment).figure_module)


def expected_code():
    """The fingerprint this tree gives every job whose results the report rests on, for
    report_data to refuse results made by other code (dlrepro.stale)."""
    return {
        "runs": {e.id: run_code(e.id) for e in EXPERIMENTS},
        "summaries": {e.id: summary_code(e.id) for e in EXPERIMENTS},
        "figures": {e.id: figure_code(e.id) for e in EXPERIMENTS if e.figures},
        "claims": code_of("evaluate_claims.py"),
    }


def experiment_settings(experiment, grid=()):
    """An experiment's config section as one param, so that changing it reruns the experiment.

    ``grid`` names the keys the runs fan out over (seeds, learning rates). They are left out of
    the per-run settings, so adding a seed runs that seed and leaves the others alone.
    """
    section = lookup(dpath=experiment, within=config)
    return {key: value for key, value in section.items() if key not in grid}


def training_gpus():
    """GPUs a job of a torch experiment asks for. Config ``training_gpus: 0`` or ``1`` fixes it
    (0: a cluster without GPUs); ``auto`` asks for one on a machine with a GPU (NVIDIA device
    files; the default profile then lets one such job run at a time) and from a cluster
    (profiles/slurm), and for none on a CPU-only machine, where the jobs share the cores."""
    if config["training_gpus"] != "auto":
        return int(config["training_gpus"])
    return 1 if local_gpu_count() or not workflow.local_exec else 0


def run_gpus(experiment):
    """The ``gpu`` resource of ``experiment``'s run rule: :func:`training_gpus` if the registry
    says it trains with torch, else 0. A function, so that Snakemake asks it when it makes the
    jobs: only then does it know whether they go to a cluster (while it reads the rules it
    does not, and ``workflow.local_exec`` is always true)."""
    if not registered(experiment).asks_for_gpu:
        return 0
    return lambda wildcards: training_gpus()


def run_outputs(folder, runs):
    """The ``metrics`` and ``history`` files of each of ``runs`` (dicts of their typed fields:
    a number is written as ``value_label`` writes it, 0.001 as "0.001") in ``folder``, a run
    folder's pattern: the outputs of a job that makes all these runs. A ``{seed}`` in the
    pattern stays a wildcard: one such job per seed.

    One process makes the runs one after another, each from its own seed's streams, exactly as
    a job per run would, without starting Python and importing torch once per run. A single
    run's files stay targets of their own: asking for one runs its job.
    """
    return {
        name: [f"{folder}/{file}".format(**path_labels(run), seed="{seed}") for run in runs]
        for name, file in (("metrics", "metrics.json"), ("history", "history.csv"))
    }


def path_labels(run):
    """A run's fields as its folder's name shows them: numbers by ``value_label``."""
    return {
        key: value_label(value) if isinstance(value, float) else str(value)
        for key, value in run.items()
    }


def with_seed(runs):
    """The ``runs`` param of a job of one seed: each run's typed fields and the job's seed, an
    int (the only field that comes from a wildcard, parsed here once)."""
    return lambda wildcards: [{**run, "seed": int(wildcards.seed)} for run in runs]


def grid(**values):
    """Every combination of ``values`` as a dict, the first key varying slowest (as expand)."""
    return [dict(zip(values, combination)) for combination in itertools.product(*values.values())]


def run_rule(experiment):
    """The rule that makes an experiment's runs, ``<id>_runs`` (a job for all runs, or for all
    runs of one seed) or ``<id>_run`` (a job per run, or the single run)."""
    for name in (f"{experiment}_runs", f"{experiment}_run"):
        if rules.has(name):
            return getattr(rules, name)
    raise WorkflowError(f"experiment {experiment} has no rule {experiment}_runs or {experiment}_run")


def writes_own_summary(experiment):
    """Whether an experiment is a single run whose rule writes summary.json itself."""
    return "summary" in run_rule(experiment).output.keys()


def experiment_runs(experiment):
    """An experiment's runs as named inputs, ``metrics`` and ``histories``: its run rule's
    outputs, once per seed of its config where they have a ``{seed}``."""

    def every_seed(paths):
        paths = [paths] if isinstance(paths, str) else list(paths)
        seeds = config[experiment].get("seeds", [])
        return [
            file
            for path in paths
            for file in (expand(path, seed=seeds) if "{seed}" in path else [path])
        ]

    output = run_rule(experiment).output
    return {
        "metrics": every_seed(output.metrics),
        "histories": every_seed(output.history) if "history" in output.keys() else [],
    }


def experiment_files(experiment):
    """An experiment's results as named inputs: ``summary``, and its runs' ``metrics`` and
    ``histories``. The summary is rule ``summary``'s, or for an experiment of one run, its
    run rule's (see dlrepro.experiments.registry)."""
    if writes_own_summary(experiment):
        summary = run_rule(experiment).output.summary
    else:
        summary = expand(rules.summary.output.summary, experiment=experiment)[0]
    return {"summary": summary, **experiment_runs(experiment)}


def figure_caption(wildcards):
    """A figure's caption, workflow/report/<experiment>_<figure>.rst: for the report and for
    `snakemake --report` (workflow/report/figure.rst shows it)."""
    path = Path(f"workflow/report/{wildcards.experiment}_{wildcards.figure}.rst")
    if not path.is_file():
        raise WorkflowError(
            f"figure {wildcards.figure} of {wildcards.experiment} has no caption: write {path}"
        )
    return path.read_text(encoding="utf-8").strip()


def gd_plateau_runs():
    """Each run's own parameters: every start at every sweep lr (kind ``constant``), and the
    schedule's start at each of its initial lrs, held (``held``) and ``decayed``."""
    settings = config["gd_plateau"]
    schedule = settings["schedule"]
    runs = [
        {"start": start, "lr": lr, "kind": "constant"}
        for start in settings["starts"]
        for lr in settings["lrs"]
    ]
    runs += [
        {"start": schedule["start"], "lr": lr, "kind": kind}
        for lr in schedule["initial_lrs"]
        for kind in ("held", "decayed")
    ]
    unique = {f"start{run['start']:g}-lr{run['lr']:g}-{run['kind']}": run for run in runs}
    return [{"name": name, **run} for name, run in sorted(unique.items())]


def ist_torch_variants():
    """Every variant point of ist_torch's comparisons, as run-folder names."""
    return ist_torch_variant_names(config["ist_torch"])


def local_data_files(wildcards):
    """The local copies of a data set that exist, so that replacing one reruns its users.

    Missing files are left out: the provider then falls back (download, stand-in) and logs why,
    or, with datasets.strict, stops with a message that says how to supply them.
    """
    return provider(wildcards.dataset).local_paths(config["datasets"][wildcards.dataset])


def prepared(dataset):
    """The prepared files of a data set as named inputs: data (.npz) and info (.json)."""
    return {
        name: expand(path, dataset=dataset)[0]
        for name, path in rules.prepare_data.output.items()
    }
