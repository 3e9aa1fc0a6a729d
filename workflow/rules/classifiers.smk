# Classifiers on MNIST-format images (CS 7150 HW2 Q1, CS5242 HW3 Q1): trained with torch, on a
# GPU when one is present. Every run reads the prepared data set once (rule prepare_data).


# One network, plain or with BatchNorm, at one lr and seed.
rule batchnorm_run:
    input:
        **prepared("mnist"),
    output:
        metrics="results/batchnorm/{model}-lr{lr}-seed{seed}/metrics.json",
        history="results/batchnorm/{model}-lr{lr}-seed{seed}/history.csv",
    params:
        settings=experiment_settings("batchnorm", grid=("lrs", "seeds")),
    log:
        "logs/batchnorm/{model}-lr{lr}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        model="plain|batchnorm",
        lr=r"[0-9.e+-]+",
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("batchnorm"),
    script:
        "../scripts/batchnorm_run.py"


BATCHNORM_RUNS = dict(
    model=["plain", "batchnorm"],
    lr=[value_label(lr) for lr in config["batchnorm"]["lrs"]],
    seed=config["batchnorm"]["seeds"],
)


# Curves and final numbers per network and lr over seeds, and the measures of the claims.
rule batchnorm_summary:
    input:
        metrics=expand(rules.batchnorm_run.output.metrics, **BATCHNORM_RUNS),
        histories=expand(rules.batchnorm_run.output.history, **BATCHNORM_RUNS),
    output:
        summary="results/batchnorm/summary.json",
    params:
        settings=experiment_settings("batchnorm"),
    log:
        "logs/batchnorm/summary.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"


# batchnorm's plain network under a step schedule or a constant rate, at one lr and seed.
rule lr_schedule_run:
    input:
        **prepared("mnist"),
    output:
        metrics="results/lr_schedule/{schedule}-lr{lr}-seed{seed}/metrics.json",
        history="results/lr_schedule/{schedule}-lr{lr}-seed{seed}/history.csv",
    params:
        settings=experiment_settings("lr_schedule", grid=("seeds",)),
        network=experiment_settings("batchnorm", grid=("lrs", "seeds", "epochs")),
    log:
        "logs/lr_schedule/{schedule}-lr{lr}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        schedule="step|constant",
        lr=r"[0-9.e+-]+",
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("lr_schedule"),
    script:
        "../scripts/lr_schedule_run.py"


# batchnorm's plain runs at its smallest and largest lr: the divergence half of lr_schedule.
DIVERGENCE_RUNS = dict(
    model="plain",
    lr=[
        value_label(min(config["batchnorm"]["lrs"])),
        value_label(max(config["batchnorm"]["lrs"])),
    ],
    seed=config["batchnorm"]["seeds"],
)


# The divergence half (batchnorm's plain runs) and the schedule half.
rule lr_schedule_summary:
    input:
        metrics=lr_schedule_runs(rules.lr_schedule_run.output.metrics)
        + expand(rules.batchnorm_run.output.metrics, **DIVERGENCE_RUNS),
        histories=lr_schedule_runs(rules.lr_schedule_run.output.history)
        + expand(rules.batchnorm_run.output.history, **DIVERGENCE_RUNS),
    output:
        summary="results/lr_schedule/summary.json",
    params:
        settings={
            **experiment_settings("lr_schedule"),
            "divergence_lrs": config["batchnorm"]["lrs"],
        },
    log:
        "logs/lr_schedule/summary.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"
