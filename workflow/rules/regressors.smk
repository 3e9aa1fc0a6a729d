# Regressors on the age-regression faces (CS 541 HW1): trained with torch, on a GPU when one is
# present. Every run reads the prepared data set once (rule prepare_data).


rule age_mlp_run:
    input:
        **prepared("age_regression"),
    output:
        metrics="results/age_mlp/seed{seed}/metrics.json",
        history="results/age_mlp/seed{seed}/history.csv",
    params:
        settings=experiment_settings("age_mlp", grid=("seeds",)),
    log:
        "logs/age_mlp/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=TRAINING_GPUS,
    script:
        "../scripts/age_mlp_run.py"


AGE_MLP_RUNS = dict(seed=config["age_mlp"]["seeds"])


rule age_mlp_summary:
    input:
        metrics=expand(rules.age_mlp_run.output.metrics, **AGE_MLP_RUNS),
        histories=expand(rules.age_mlp_run.output.history, **AGE_MLP_RUNS),
    output:
        summary="results/age_mlp/summary.json",
    params:
        settings=experiment_settings("age_mlp"),
    log:
        "logs/age_mlp/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/age_mlp_summary.py"


rule age_mlp_figure_curves:
    input:
        histories=rules.age_mlp_summary.input.histories,
        summary=rules.age_mlp_summary.output.summary,
        caption="workflow/report/age_mlp_curves.rst",
    output:
        svg=report(
            "results/figures/age_mlp_curves.svg",
            caption="../report/age_mlp_curves.rst",
            category="age_mlp",
        ),
        meta="results/figures/age_mlp_curves.json",
    log:
        "logs/figures/age_mlp_curves.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/age_mlp_figures.py"


rule age_linear_sgd_run:
    input:
        **prepared("age_regression"),
    output:
        metrics="results/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}/metrics.json",
        history="results/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}/history.csv",
    params:
        settings=experiment_settings(
            "age_linear_sgd", grid=("lrs", "divergence_lrs", "batch_sizes", "seeds")
        ),
    log:
        "logs/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        lr=r"[0-9.e+-]+",
        batch_size=r"\d+",
        seed=r"\d+",
    threads: 1
    resources:
        gpu=TRAINING_GPUS,
    script:
        "../scripts/age_linear_sgd_run.py"


AGE_LINEAR_SGD_RUNS = dict(
    lr=[
        lr_label(lr)
        for lr in config["age_linear_sgd"]["lrs"] + config["age_linear_sgd"]["divergence_lrs"]
    ],
    batch_size=config["age_linear_sgd"]["batch_sizes"],
    seed=config["age_linear_sgd"]["seeds"],
)


rule age_linear_sgd_summary:
    input:
        metrics=expand(rules.age_linear_sgd_run.output.metrics, **AGE_LINEAR_SGD_RUNS),
    output:
        summary="results/age_linear_sgd/summary.json",
    params:
        settings=experiment_settings("age_linear_sgd"),
    log:
        "logs/age_linear_sgd/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/age_linear_sgd_summary.py"


rule age_linear_sgd_figure_grid:
    input:
        summary=rules.age_linear_sgd_summary.output.summary,
        caption="workflow/report/age_linear_sgd_grid.rst",
    output:
        svg=report(
            "results/figures/age_linear_sgd_grid.svg",
            caption="../report/age_linear_sgd_grid.rst",
            category="age_linear_sgd",
        ),
        meta="results/figures/age_linear_sgd_grid.json",
    log:
        "logs/figures/age_linear_sgd_grid.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/age_linear_sgd_figures.py"


rule age_linear_sgd_figure_curves:
    input:
        metrics=rules.age_linear_sgd_summary.input.metrics,
        histories=expand(rules.age_linear_sgd_run.output.history, **AGE_LINEAR_SGD_RUNS),
        summary=rules.age_linear_sgd_summary.output.summary,
        caption="workflow/report/age_linear_sgd_curves.rst",
    output:
        svg=report(
            "results/figures/age_linear_sgd_curves.svg",
            caption="../report/age_linear_sgd_curves.rst",
            category="age_linear_sgd",
        ),
        meta="results/figures/age_linear_sgd_curves.json",
    log:
        "logs/figures/age_linear_sgd_curves.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/age_linear_sgd_figures.py"
