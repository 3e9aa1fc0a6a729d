"""The quadratic-activation network's fit in closed form and by gradient descent, one seed of
generated data: results/ist_quadratic/seed{seed}/."""
from dlrepro.experiments.ist import ist_quadratic
from dlrepro.workflow import record_run

seed = int(snakemake.wildcards.seed)
record_run(
    snakemake,
    lambda settings: ist_quadratic.run(settings, seed),
    seed=seed,
)
