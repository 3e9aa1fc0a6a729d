# The from-scratch classifiers and their PyTorch counterparts (IST Deep Learning HW1): numpy
# models trained one example at a time, torch models over a grid of variants, and the
# quadratic-activation network fitted in closed form. Runs read the prepared Intel landscapes
# (or the digits stand-in) once; ist_quadratic generates its own data.


IST_LINEAR_RUNS = grid(model=["perceptron", "logistic", "logistic_l2"])


# The perceptron and logistic regression (without, with ℓ2) from scratch, at one seed.
rule ist_linear_runs:
    input:
        **prepared("intel_landscapes"),
    output:
        **run_outputs("results/ist_linear/{model}-seed{seed}", IST_LINEAR_RUNS),
    params:
        code=run_code("ist_linear"),
        settings=experiment_settings("ist_linear", grid=("seeds",)),
        runs=with_seed(IST_LINEAR_RUNS),
    log:
        "logs/ist_linear/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("ist_linear"),
    script:
        "../scripts/ist_linear_runs.py"


# The from-scratch one-hidden-layer network, trained per example, at one seed.
rule ist_mlp_numpy_run:
    input:
        **prepared("intel_landscapes"),
    output:
        metrics="results/ist_mlp_numpy/seed{seed}/metrics.json",
        history="results/ist_mlp_numpy/seed{seed}/history.csv",
    params:
        code=run_code("ist_mlp_numpy"),
        settings=experiment_settings("ist_mlp_numpy", grid=("seeds",)),
    log:
        "logs/ist_mlp_numpy/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("ist_mlp_numpy"),
    script:
        "../scripts/ist_mlp_numpy_run.py"


IST_TORCH_RUNS = grid(variant=ist_torch_variants())


# Every variant point of the PyTorch comparisons at one seed.
rule ist_torch_runs:
    input:
        **prepared("intel_landscapes"),
    output:
        **run_outputs("results/ist_torch/{variant}-seed{seed}", IST_TORCH_RUNS),
    params:
        code=run_code("ist_torch"),
        settings=experiment_settings(
            "ist_torch",
            grid=("lrs", "batch_sizes", "dropouts", "momentum_batch_size", "momentums", "seeds"),
        ),
        runs=with_seed(IST_TORCH_RUNS),
    log:
        "logs/ist_torch/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("ist_torch"),
    script:
        "../scripts/ist_torch_runs.py"


# The quadratic-activation network against its closed form, at one seed.
rule ist_quadratic_run:
    output:
        metrics="results/ist_quadratic/seed{seed}/metrics.json",
        history="results/ist_quadratic/seed{seed}/history.csv",
    params:
        code=run_code("ist_quadratic"),
        settings=experiment_settings("ist_quadratic", grid=("seeds",)),
    log:
        "logs/ist_quadratic/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("ist_quadratic"),
    script:
        "../scripts/ist_quadratic_run.py"


