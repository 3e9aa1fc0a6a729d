# Optimisation on functions: cheap, CPU only, no data set.

OPT_F1F2_FUNCTIONS = ["f1", "f2"]
OPT_F1F2_OPTIMIZERS = ["gd", "momentum", "rmsprop", "adam"]


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
    script:
        "../scripts/opt_f1f2_run.py"


OPT_F1F2_RUNS = dict(function=OPT_F1F2_FUNCTIONS, optimizer=OPT_F1F2_OPTIMIZERS)


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
    conda:
        ENVIRONMENT
    script:
        "../scripts/opt_f1f2_summary.py"


rule opt_f1f2_figure_objective:
    input:
        metrics=rules.opt_f1f2_summary.input.metrics,
        histories=rules.opt_f1f2_summary.input.histories,
        caption="workflow/report/opt_f1f2_objective.rst",
    output:
        svg=report(
            "results/figures/opt_f1f2_objective.svg",
            caption="../report/opt_f1f2_objective.rst",
            category="opt_f1f2",
        ),
        meta="results/figures/opt_f1f2_objective.json",
    params:
        plot="objective_curves",
    log:
        "logs/figures/opt_f1f2_objective.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/opt_f1f2_figures.py"


use rule opt_f1f2_figure_objective as opt_f1f2_figure_trajectories with:
    input:
        metrics=rules.opt_f1f2_summary.input.metrics,
        histories=rules.opt_f1f2_summary.input.histories,
        caption="workflow/report/opt_f1f2_trajectories.rst",
    output:
        svg=report(
            "results/figures/opt_f1f2_trajectories.svg",
            caption="../report/opt_f1f2_trajectories.rst",
            category="opt_f1f2",
        ),
        meta="results/figures/opt_f1f2_trajectories.json",
    params:
        plot="trajectories",
    log:
        "logs/figures/opt_f1f2_trajectories.log",


SGD_MEAN_RUNS = dict(
    lr=[lr_label(lr) for lr in config["sgd_mean"]["lrs"]],
    seed=config["sgd_mean"]["seeds"],
)


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
    script:
        "../scripts/sgd_mean_run.py"


rule sgd_mean_summary:
    input:
        metrics=expand(rules.sgd_mean_run.output.metrics, **SGD_MEAN_RUNS),
    output:
        summary="results/sgd_mean/summary.json",
    params:
        settings=experiment_settings("sgd_mean"),
    log:
        "logs/sgd_mean/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/sgd_mean_summary.py"


rule sgd_mean_figure_error:
    input:
        metrics=rules.sgd_mean_summary.input.metrics,
        histories=expand(rules.sgd_mean_run.output.history, **SGD_MEAN_RUNS),
        caption="workflow/report/sgd_mean_error.rst",
    output:
        svg=report(
            "results/figures/sgd_mean_error.svg",
            caption="../report/sgd_mean_error.rst",
            category="sgd_mean",
        ),
        meta="results/figures/sgd_mean_error.json",
    log:
        "logs/figures/sgd_mean_error.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/sgd_mean_figures.py"


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
    script:
        "../scripts/adam_escape_run.py"


rule adam_escape_figure_trajectories:
    input:
        history=rules.adam_escape_run.output.history,
        summary=rules.adam_escape_run.output.summary,
        caption="workflow/report/adam_escape_trajectories.rst",
    output:
        svg=report(
            "results/figures/adam_escape_trajectories.svg",
            caption="../report/adam_escape_trajectories.rst",
            category="adam_escape",
        ),
        meta="results/figures/adam_escape_trajectories.json",
    log:
        "logs/figures/adam_escape_trajectories.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/adam_escape_figures.py"
