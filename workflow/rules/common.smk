# Shared helpers: what every area's rules need to know about config and the results layout.
import yaml

from dlrepro.config import check_consistency

check_consistency(config)

CLAIMS_FILE = "config/claims.yaml"
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
