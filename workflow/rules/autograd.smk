# Derivatives and parameter counts with autograd and torch.nn (CS5242 HW3 Q2-Q4): single runs.


# The three activations and their derivatives, by hand and by autograd.
rule activations_run:
    output:
        metrics="results/activations/main/metrics.json",
        history="results/activations/main/history.csv",
        summary="results/activations/summary.json",
    params:
        code=run_code("activations"),
        settings=experiment_settings("activations"),
    log:
        "logs/activations/main.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("activations"),
    script:
        "../scripts/activations_run.py"


# A derivative through the computational graph, by hand and by autograd.
rule compgraph_run:
    output:
        metrics="results/compgraph/main/metrics.json",
        summary="results/compgraph/summary.json",
    params:
        code=run_code("compgraph"),
        settings=experiment_settings("compgraph"),
    log:
        "logs/compgraph/main.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("compgraph"),
    script:
        "../scripts/compgraph_run.py"


# The parameters of the two classifiers, by formula and by torch.nn.
rule param_count_run:
    output:
        metrics="results/param_count/main/metrics.json",
        summary="results/param_count/summary.json",
    params:
        code=run_code("param_count"),
        settings=experiment_settings("param_count"),
    log:
        "logs/param_count/main.log",
    conda:
        ENVIRONMENT
    resources:
        gpu=run_gpus("param_count"),
    script:
        "../scripts/param_count_run.py"
