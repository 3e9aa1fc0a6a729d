# Optimisation on functions: cheap, CPU only, no data set.

OPT_F1F2_RUNS = grid(function=["f1", "f2"], optimizer=["gd", "momentum", "rmsprop", "adam"])


# Each optimiser on each of the two quadratics.
rule opt_f1f2_runs:
    output:
        **run_outputs("results/opt_f1f2/{function}-{optimizer}", OPT_F1F2_RUNS),
    params:
        code=run_code("opt_f1f2"),
        settings=experiment_settings("opt_f1f2"),
        runs=OPT_F1F2_RUNS,
    log:
        "logs/opt_f1f2/runs.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        gpu=run_gpus("opt_f1f2"),
    script:
        "../scripts/opt_f1f2_runs.py"


SGD_MEAN_RUNS = grid(lr=config["sgd_mean"]["lrs"])


# Constant-step SGD for the mean at every learning rate, at one seed.
rule sgd_mean_runs:
    output:
        **run_outputs("results/sgd_mean/lr{lr}-seed{seed}", SGD_MEAN_RUNS),
    params:
        code=run_code("sgd_mean"),
        settings=experiment_settings("sgd_mean", grid=("lrs", "seeds")),
        runs=with_seed(SGD_MEAN_RUNS),
    log:
        "logs/sgd_mean/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("sgd_mean"),
    script:
        "../scripts/sgd_mean_runs.py"


# GD against Adam around a local minimum, and the bisection for h_max: one run.
rule adam_escape_run:
    output:
        metrics="results/adam_escape/main/metrics.json",
        history="results/adam_escape/main/history.csv",
        summary="results/adam_escape/summary.json",
    params:
        code=run_code("adam_escape"),
        settings=experiment_settings("adam_escape"),
    log:
        "logs/adam_escape/main.log",
    conda:
        ENVIRONMENT
    threads: 1
    resources:
        gpu=run_gpus("adam_escape"),
    script:
        "../scripts/adam_escape_run.py"
