# Shared helpers: what every area's rules need to know about config and the results layout.
import yaml

from dlrepro.config import check_consistency, shift_seeds
from dlrepro.data import PROVIDERS as DATA_SETS, provider
from dlrepro.experiments.classifiers.lr_schedule import schedule_runs
from dlrepro.experiments.ist.variants import variants as ist_torch_variant_names
from dlrepro.provenance import local_gpu_count

check_consistency(config)
# seed_offset moves every experiment's seeds to another set (verdict stability); 0 keeps them.
config.update(shift_seeds(config))

CLAIMS_FILE = "config/claims.yaml"
# Rules that train a network ask for a GPU where this machine has one (NVIDIA device files);
# the default profile lets one such job run at a time. On a CPU-only machine they ask for none,
# so training jobs share the cores like any other job.
TRAINING_GPUS = 1 if local_gpu_count() else 0
# One software environment for every rule; `--software-deployment-method conda` builds it.
ENVIRONMENT = "../../environment.yml"

with open(CLAIMS_FILE) as handle:
    CLAIMS = yaml.safe_load(handle)
validate(CLAIMS, "../schemas/claims.schema.yaml")


def experiment_settings(experiment, grid=()):
    """An experiment's config section as one param, so that changing it reruns the experiment.

    ``grid`` names the keys the runs fan out over (seeds, learning rates). They are left out of
    the per-run settings, so adding a seed runs that seed and leaves the others alone.
    """
    section = lookup(dpath=experiment, within=config)
    return {key: value for key, value in section.items() if key not in grid}


def lr_label(lr):
    """A learning rate as it appears in run folder names: 0.01 -> 0.01, 1e-05 -> 1e-05."""
    return f"{lr:g}"


def gd_plateau_runs():
    """Each run's own parameters: every start at every sweep lr, and the schedule's start at
    each of its initial lrs, both constant and decayed."""
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
        for kind in ("constant", "decayed")
    ]
    unique = {f"start{run['start']:g}-lr{run['lr']:g}-{run['kind']}": run for run in runs}
    return [{"name": name, **run} for name, run in sorted(unique.items())]


def lr_schedule_runs(pattern):
    """``pattern`` for every run of lr_schedule: each of its schedule runs at every seed."""
    seeds = config["lr_schedule"]["seeds"]
    return [path for run in schedule_runs(config["lr_schedule"]).values() for path in
            expand(pattern, seed=seeds, **run)]


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
