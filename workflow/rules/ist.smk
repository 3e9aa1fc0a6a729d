# The from-scratch classifiers and their PyTorch counterparts (IST Deep Learning HW1): numpy
# models trained one example at a time, torch models over a grid of variants, and the
# quadratic-activation network fitted in closed form. Runs read the prepared Intel landscapes
# (or the digits stand-in) once; ist_quadratic generates its own data.


rule ist_linear_run:
    input:
        **prepared("intel_landscapes"),
    output:
        metrics="results/ist_linear/{model}-seed{seed}/metrics.json",
        history="results/ist_linear/{model}-seed{seed}/history.csv",
    params:
        settings=experiment_settings("ist_linear", grid=("seeds",)),
    log:
        "logs/ist_linear/{model}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        model="perceptron|logistic|logistic_l2",
        seed=r"\d+",
    threads: 1
    script:
        "../scripts/ist_linear_run.py"


IST_LINEAR_RUNS = dict(
    model=["perceptron", "logistic", "logistic_l2"], seed=config["ist_linear"]["seeds"]
)


rule ist_linear_summary:
    input:
        metrics=expand(rules.ist_linear_run.output.metrics, **IST_LINEAR_RUNS),
        histories=expand(rules.ist_linear_run.output.history, **IST_LINEAR_RUNS),
    output:
        summary="results/ist_linear/summary.json",
    params:
        settings=experiment_settings("ist_linear"),
    log:
        "logs/ist_linear/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_summary.py"


rule ist_mlp_numpy_run:
    input:
        **prepared("intel_landscapes"),
    output:
        metrics="results/ist_mlp_numpy/seed{seed}/metrics.json",
        history="results/ist_mlp_numpy/seed{seed}/history.csv",
    params:
        settings=experiment_settings("ist_mlp_numpy", grid=("seeds",)),
    log:
        "logs/ist_mlp_numpy/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    script:
        "../scripts/ist_mlp_numpy_run.py"


rule ist_mlp_numpy_summary:
    input:
        metrics=expand(rules.ist_mlp_numpy_run.output.metrics, seed=config["ist_mlp_numpy"]["seeds"]),
        histories=expand(
            rules.ist_mlp_numpy_run.output.history, seed=config["ist_mlp_numpy"]["seeds"]
        ),
    output:
        summary="results/ist_mlp_numpy/summary.json",
    params:
        settings=experiment_settings("ist_mlp_numpy"),
    log:
        "logs/ist_mlp_numpy/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_summary.py"


rule ist_torch_run:
    input:
        **prepared("intel_landscapes"),
    output:
        metrics="results/ist_torch/{variant}-seed{seed}/metrics.json",
        history="results/ist_torch/{variant}-seed{seed}/history.csv",
    params:
        settings=experiment_settings(
            "ist_torch",
            grid=("lrs", "batch_sizes", "dropouts", "momentum_batch_size", "momentums", "seeds"),
        ),
    log:
        "logs/ist_torch/{variant}-seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        variant=r"(logreg|mlp)-[a-z0-9.e+-]+",
        seed=r"\d+",
    threads: 1
    resources:
        gpu=TRAINING_GPUS,
    script:
        "../scripts/ist_torch_run.py"


IST_TORCH_RUNS = dict(variant=ist_torch_variants(), seed=config["ist_torch"]["seeds"])


rule ist_torch_summary:
    input:
        metrics=expand(rules.ist_torch_run.output.metrics, **IST_TORCH_RUNS),
        histories=expand(rules.ist_torch_run.output.history, **IST_TORCH_RUNS),
    output:
        summary="results/ist_torch/summary.json",
    params:
        settings=experiment_settings("ist_torch"),
    log:
        "logs/ist_torch/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_summary.py"


rule ist_quadratic_run:
    output:
        metrics="results/ist_quadratic/seed{seed}/metrics.json",
        history="results/ist_quadratic/seed{seed}/history.csv",
    params:
        settings=experiment_settings("ist_quadratic", grid=("seeds",)),
    log:
        "logs/ist_quadratic/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    script:
        "../scripts/ist_quadratic_run.py"


rule ist_quadratic_summary:
    input:
        metrics=expand(rules.ist_quadratic_run.output.metrics, seed=config["ist_quadratic"]["seeds"]),
        histories=expand(
            rules.ist_quadratic_run.output.history, seed=config["ist_quadratic"]["seeds"]
        ),
    output:
        summary="results/ist_quadratic/summary.json",
    params:
        settings=experiment_settings("ist_quadratic"),
    log:
        "logs/ist_quadratic/summary.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_summary.py"


rule ist_linear_figure_accuracy:
    input:
        metrics=rules.ist_linear_summary.input.metrics,
        histories=rules.ist_linear_summary.input.histories,
        summary=rules.ist_linear_summary.output.summary,
        caption="workflow/report/ist_linear_accuracy.rst",
    output:
        svg=report(
            "results/figures/ist_linear_accuracy.svg",
            caption="../report/ist_linear_accuracy.rst",
            category="ist_linear",
        ),
        meta="results/figures/ist_linear_accuracy.json",
    params:
        plot="accuracy",
    log:
        "logs/figures/ist_linear_accuracy.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_linear_figures.py"


use rule ist_linear_figure_accuracy as ist_linear_figure_norm with:
    input:
        metrics=rules.ist_linear_summary.input.metrics,
        histories=rules.ist_linear_summary.input.histories,
        summary=rules.ist_linear_summary.output.summary,
        caption="workflow/report/ist_linear_norm.rst",
    output:
        svg=report(
            "results/figures/ist_linear_norm.svg",
            caption="../report/ist_linear_norm.rst",
            category="ist_linear",
        ),
        meta="results/figures/ist_linear_norm.json",
    params:
        plot="norm",
    log:
        "logs/figures/ist_linear_norm.log",


rule ist_mlp_numpy_figure_curves:
    input:
        histories=rules.ist_mlp_numpy_summary.input.histories,
        summary=rules.ist_mlp_numpy_summary.output.summary,
        caption="workflow/report/ist_mlp_numpy_curves.rst",
    output:
        svg=report(
            "results/figures/ist_mlp_numpy_curves.svg",
            caption="../report/ist_mlp_numpy_curves.rst",
            category="ist_mlp_numpy",
        ),
        meta="results/figures/ist_mlp_numpy_curves.json",
    log:
        "logs/figures/ist_mlp_numpy_curves.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_mlp_numpy_figures.py"


rule ist_torch_figure_lr:
    input:
        metrics=rules.ist_torch_summary.input.metrics,
        histories=rules.ist_torch_summary.input.histories,
        summary=rules.ist_torch_summary.output.summary,
        caption="workflow/report/ist_torch_lr.rst",
    output:
        svg=report(
            "results/figures/ist_torch_lr.svg",
            caption="../report/ist_torch_lr.rst",
            category="ist_torch",
        ),
        meta="results/figures/ist_torch_lr.json",
    params:
        plot="lr",
    log:
        "logs/figures/ist_torch_lr.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_torch_figures.py"


use rule ist_torch_figure_lr as ist_torch_figure_batch with:
    input:
        metrics=rules.ist_torch_summary.input.metrics,
        histories=rules.ist_torch_summary.input.histories,
        summary=rules.ist_torch_summary.output.summary,
        caption="workflow/report/ist_torch_batch.rst",
    output:
        svg=report(
            "results/figures/ist_torch_batch.svg",
            caption="../report/ist_torch_batch.rst",
            category="ist_torch",
        ),
        meta="results/figures/ist_torch_batch.json",
    params:
        plot="batch",
    log:
        "logs/figures/ist_torch_batch.log",


use rule ist_torch_figure_lr as ist_torch_figure_dropout with:
    input:
        metrics=rules.ist_torch_summary.input.metrics,
        histories=rules.ist_torch_summary.input.histories,
        summary=rules.ist_torch_summary.output.summary,
        caption="workflow/report/ist_torch_dropout.rst",
    output:
        svg=report(
            "results/figures/ist_torch_dropout.svg",
            caption="../report/ist_torch_dropout.rst",
            category="ist_torch",
        ),
        meta="results/figures/ist_torch_dropout.json",
    params:
        plot="dropout",
    log:
        "logs/figures/ist_torch_dropout.log",


use rule ist_torch_figure_lr as ist_torch_figure_momentum with:
    input:
        metrics=rules.ist_torch_summary.input.metrics,
        histories=rules.ist_torch_summary.input.histories,
        summary=rules.ist_torch_summary.output.summary,
        caption="workflow/report/ist_torch_momentum.rst",
    output:
        svg=report(
            "results/figures/ist_torch_momentum.svg",
            caption="../report/ist_torch_momentum.rst",
            category="ist_torch",
        ),
        meta="results/figures/ist_torch_momentum.json",
    params:
        plot="momentum",
    log:
        "logs/figures/ist_torch_momentum.log",


rule ist_quadratic_figure_fit:
    input:
        metrics=rules.ist_quadratic_summary.input.metrics,
        histories=rules.ist_quadratic_summary.input.histories,
        summary=rules.ist_quadratic_summary.output.summary,
        caption="workflow/report/ist_quadratic_fit.rst",
    output:
        svg=report(
            "results/figures/ist_quadratic_fit.svg",
            caption="../report/ist_quadratic_fit.rst",
            category="ist_quadratic",
        ),
        meta="results/figures/ist_quadratic_fit.json",
    log:
        "logs/figures/ist_quadratic_fit.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/ist_quadratic_figures.py"
