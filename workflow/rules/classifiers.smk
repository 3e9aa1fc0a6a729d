# Classifiers on MNIST-format images (CS 7150 HW2 Q1, CS5242 HW3 Q1): trained with torch, on a
# GPU when one is present. Every run reads the prepared data set once (rule prepare_data).


# A run of batchnorm: its folder, and the runs a seed has.
BATCHNORM_RUN = "results/batchnorm/{model}-lr{lr}-seed{seed}"
BATCHNORM_RUNS = grid(model=["plain", "batchnorm"], lr=config["batchnorm"]["lrs"])


# Both networks, plain and with BatchNorm, at every lr, at one seed.
rule batchnorm_runs:
    input:
        **prepared("mnist"),
    output:
        **run_outputs(BATCHNORM_RUN, BATCHNORM_RUNS),
    params:
        code=run_code("batchnorm"),
        settings=experiment_settings("batchnorm", grid=("lrs", "seeds")),
        runs=with_seed(BATCHNORM_RUNS),
    log:
        "logs/batchnorm/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("batchnorm"),
    script:
        "../scripts/batchnorm_runs.py"


LR_SCHEDULE_RUN = "results/lr_schedule/{schedule}-lr{lr}-seed{seed}"
LR_SCHEDULE_RUNS = list(schedule_runs(config["lr_schedule"]).values())


# batchnorm's plain network under the step schedule, at constant rates and at a very high rate,
# at one seed.
rule lr_schedule_runs:
    input:
        **prepared("mnist"),
    output:
        **run_outputs(LR_SCHEDULE_RUN, LR_SCHEDULE_RUNS),
    params:
        code=run_code("lr_schedule"),
        settings=experiment_settings("lr_schedule", grid=("seeds",)),
        network=experiment_settings("batchnorm", grid=("lrs", "seeds", "epochs")),
        runs=with_seed(LR_SCHEDULE_RUNS),
    log:
        "logs/lr_schedule/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("lr_schedule"),
    script:
        "../scripts/lr_schedule_runs.py"


