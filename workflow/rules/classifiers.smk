# Classifiers on MNIST-format images (CS 7150 HW2 Q1, CS5242 HW3 Q1): trained with torch, on a
# GPU when one is present. Every run reads the prepared data set once (rule prepare_data).


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
        gpu=TRAINING_GPUS,
    script:
        "../scripts/batchnorm_run.py"


BATCHNORM_RUNS = dict(
    model=["plain", "batchnorm"],
    lr=[lr_label(lr) for lr in config["batchnorm"]["lrs"]],
    seed=config["batchnorm"]["seeds"],
)


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
    conda:
        ENVIRONMENT
    script:
        "../scripts/batchnorm_summary.py"


rule batchnorm_figure_curves:
    input:
        summary=rules.batchnorm_summary.output.summary,
        caption="workflow/report/batchnorm_curves.rst",
    output:
        svg=report(
            "results/figures/batchnorm_curves.svg",
            caption="../report/batchnorm_curves.rst",
            category="batchnorm",
        ),
        meta="results/figures/batchnorm_curves.json",
    log:
        "logs/figures/batchnorm_curves.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/batchnorm_figures.py"


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
        gpu=TRAINING_GPUS,
    script:
        "../scripts/lr_schedule_run.py"


# batchnorm's plain runs at its smallest and largest lr: the divergence half of lr_schedule.
DIVERGENCE_RUNS = dict(
    model="plain",
    lr=[lr_label(min(config["batchnorm"]["lrs"])), lr_label(max(config["batchnorm"]["lrs"]))],
    seed=config["batchnorm"]["seeds"],
)


rule lr_schedule_summary:
    input:
        metrics=lr_schedule_runs(rules.lr_schedule_run.output.metrics),
        histories=lr_schedule_runs(rules.lr_schedule_run.output.history),
        divergence_metrics=expand(rules.batchnorm_run.output.metrics, **DIVERGENCE_RUNS),
        divergence_histories=expand(rules.batchnorm_run.output.history, **DIVERGENCE_RUNS),
    output:
        summary="results/lr_schedule/summary.json",
    params:
        settings=experiment_settings("lr_schedule"),
        divergence_lrs=lookup(dpath="batchnorm/lrs", within=config),
    log:
        "logs/lr_schedule/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/lr_schedule_summary.py"


rule lr_schedule_figure_divergence:
    input:
        summary=rules.lr_schedule_summary.output.summary,
        caption="workflow/report/lr_schedule_divergence.rst",
    output:
        svg=report(
            "results/figures/lr_schedule_divergence.svg",
            caption="../report/lr_schedule_divergence.rst",
            category="lr_schedule",
        ),
        meta="results/figures/lr_schedule_divergence.json",
    params:
        plot="divergence",
    log:
        "logs/figures/lr_schedule_divergence.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/lr_schedule_figures.py"


use rule lr_schedule_figure_divergence as lr_schedule_figure_schedules with:
    input:
        summary=rules.lr_schedule_summary.output.summary,
        caption="workflow/report/lr_schedule_schedules.rst",
    output:
        svg=report(
            "results/figures/lr_schedule_schedules.svg",
            caption="../report/lr_schedule_schedules.rst",
            category="lr_schedule",
        ),
        meta="results/figures/lr_schedule_schedules.json",
    params:
        plot="schedules",
    log:
        "logs/figures/lr_schedule_schedules.log",
