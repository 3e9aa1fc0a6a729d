# Optimisation on functions: cheap, CPU only, no data set.

OPT_F1F2_FUNCTIONS = ["f1", "f2"]
OPT_F1F2_OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"]


# One optimiser on one of the two quadratics.
rule opt_f1f2_run:
    output:
        metrics="results/opt_f1f2/{function}-{optimizer}/metrics.json",
        history="results/opt_f1f2/{function}-{optimizer}/history.csv",
    params:
        settings=experiment_settings("opt_f1f2"),
    log:
        "logs/opt_f1f2/{function}-{optimizer}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        function="|".join(OPT_F1F2_FUNCTIONS),
        optimizer="|".join(OPT_F1F2_OPTIMIZERS),
    threads: 1
    resources:
        gpu=run_gpus("opt_f1f2"),
    script:
        "../scripts/opt_f1f2_run.py"


OPT_F1F2_RUNS = dict(function=OPT_F1F2_FUNCTIONS, optimizer=OPT_F1F2_OPTIMIZERS)


# The eight runs' final objectives, phase rates and f1/f2 gap.
rule opt_f1f2_summary:
    input:
        metrics=expand(rules.opt_f1f2_run.output.metrics, **OPT_F1F2_RUNS),
        histories=expand(rules.opt_f1f2_run.output.history, **OPT_F1F2_RUNS),
    output:
        summary="results/opt_f1f2/summary.json",
    params:
        settings=experiment_settings("opt_f1f2"),
    log:
        "logs/opt_f1f2/summary.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"


SGD_MEAN_RUNS = dict(
    lr=[value_label(lr) for lr in config["sgd_mean"]["lrs"]],
    seed=config["sgd_mean"]["seeds"],
)


# Constant-step SGD for the mean at one learning rate and seed.
rule sgd_mean_run:
    output:
        metrics="results/sgd_mean/lr{lr}-seed{seed}/metrics.json",
        history="results/sgd_mean/lr{lr}-seed{seed}/history.csv",
    params:
        settings=experiment_settings("sgd_mean", grid=("lrs", "seeds")),
    log:
        "logs/sgd_mean/lr{lr}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        lr=r"[0-9.e+-]+",
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("sgd_mean"),
    script:
        "../scripts/sgd_mean_run.py"


# sgd_mean's runs over seeds, per learning rate.
rule sgd_mean_summary:
    input:
        metrics=expand(rules.sgd_mean_run.output.metrics, **SGD_MEAN_RUNS),
        histories=expand(rules.sgd_mean_run.output.history, **SGD_MEAN_RUNS),
    output:
        summary="results/sgd_mean/summary.json",
    params:
        settings=experiment_settings("sgd_mean"),
    log:
        "logs/sgd_mean/summary.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"


# GD against Adam around a local minimum, and the bisection for h_max: one run.
rule adam_escape_run:
    output:
        metrics="results/adam_escape/main/metrics.json",
        history="results/adam_escape/main/history.csv",
        summary="results/adam_escape/summary.json",
    params:
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
