# Derivatives and parameter counts with autograd and torch.nn (CS5242 HW3 Q2-Q4): single runs.


rule activations_run:
    output:
        metrics="results/activations/main/metrics.json",
        history="results/activations/main/history.csv",
        summary="results/activations/summary.json",
    params:
        settings=experiment_settings("activations"),
    log:
        "logs/activations/main.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/activations_run.py"


rule activations_figure_derivatives:
    input:
        history=rules.activations_run.output.history,
        caption="workflow/report/activations_derivatives.rst",
    output:
        svg=report(
            "results/figures/activations_derivatives.svg",
            caption="../report/activations_derivatives.rst",
            category="activations",
        ),
        meta="results/figures/activations_derivatives.json",
    log:
        "logs/figures/activations_derivatives.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/activations_figures.py"


rule compgraph_run:
    output:
        metrics="results/compgraph/main/metrics.json",
        summary="results/compgraph/summary.json",
    params:
        settings=experiment_settings("compgraph"),
    log:
        "logs/compgraph/main.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/compgraph_run.py"


rule param_count_run:
    output:
        metrics="results/param_count/main/metrics.json",
        summary="results/param_count/summary.json",
    params:
        settings=experiment_settings("param_count"),
    log:
        "logs/param_count/main.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/param_count_run.py"
