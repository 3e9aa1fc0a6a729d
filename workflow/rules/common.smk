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
