# Gradient descent and what can go wrong with it (CS 541 HW1 P3): cheap, CPU only, no data set.

GD_PLATEAU_RUNS = gd_plateau_runs()


# Every gd_plateau run in one job: each takes milliseconds, a job per run would take seconds.
rule gd_plateau_runs:
    output:
        **run_outputs("results/gd_plateau/{name}", GD_PLATEAU_RUNS),
    params:
        code=run_code("gd_plateau"),
        settings=experiment_settings("gd_plateau"),
        runs=GD_PLATEAU_RUNS,
    log:
        "logs/gd_plateau/runs.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("gd_plateau"),
    script:
        "../scripts/gd_plateau_runs.py"


# GD on an ill-conditioned quadratic, and its parameters read back off the trajectory: one run.
rule gd_illcond_run:
    input:
        trajectory=lambda wildcards: config["gd_illcond"]["trajectory_file"] or [],
    output:
        metrics="results/gd_illcond/main/metrics.json",
        history="results/gd_illcond/main/history.csv",
        summary="results/gd_illcond/summary.json",
    params:
        code=run_code("gd_illcond"),
        settings=experiment_settings("gd_illcond"),
    log:
        "logs/gd_illcond/main.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("gd_illcond"),
    script:
        "../scripts/gd_illcond_run.py"


GD_ABS32_RUNS = grid(lr=config["gd_abs32"]["lrs"])


# GD on (2/3)|x|^(3/2) at every learning rate.
rule gd_abs32_runs:
    output:
        **run_outputs("results/gd_abs32/lr{lr}", GD_ABS32_RUNS),
    params:
        code=run_code("gd_abs32"),
        settings=experiment_settings("gd_abs32", grid=("lrs",)),
        runs=GD_ABS32_RUNS,
    log:
        "logs/gd_abs32/runs.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("gd_abs32"),
    script:
        "../scripts/gd_abs32_runs.py"


# One GD step from each start onto the local maximum: one run.
rule gd_onestep_max_run:
    output:
        metrics="results/gd_onestep_max/main/metrics.json",
        history="results/gd_onestep_max/main/history.csv",
        summary="results/gd_onestep_max/summary.json",
    params:
        code=run_code("gd_onestep_max"),
        settings=experiment_settings("gd_onestep_max"),
    log:
        "logs/gd_onestep_max/main.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("gd_onestep_max"),
    script:
        "../scripts/gd_onestep_max_run.py"
