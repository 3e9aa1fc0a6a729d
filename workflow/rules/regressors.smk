# Regressors on the age-regression faces (CS 541 HW1): trained with torch, on a GPU when one is
# present. Every run reads the prepared data set once (rule prepare_data).


# The one-hidden-layer network at one seed.
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
        gpu=run_gpus("age_mlp"),
    script:
        "../scripts/age_mlp_run.py"


AGE_MLP_RUNS = dict(seed=config["age_mlp"]["seeds"])


# age_mlp's final errors over seeds, beside the write-up's.
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
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"


AGE_LINEAR_SGD_RUNS = grid(
    lr=[
        value_label(lr)
        for lr in config["age_linear_sgd"]["lrs"] + config["age_linear_sgd"]["divergence_lrs"]
    ],
    batch_size=[str(size) for size in config["age_linear_sgd"]["batch_sizes"]],
)
AGE_LINEAR_SGD_RUN = "results/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}"


# Linear regression by minibatch SGD at every lr and batch size of the grid, at one seed.
rule age_linear_sgd_runs:
    input:
        **prepared("age_regression"),
    output:
        **run_outputs(AGE_LINEAR_SGD_RUN, AGE_LINEAR_SGD_RUNS),
    params:
        settings=experiment_settings(
            "age_linear_sgd", grid=("lrs", "divergence_lrs", "batch_sizes", "seeds")
        ),
        runs=with_seed(AGE_LINEAR_SGD_RUNS),
    log:
        "logs/age_linear_sgd/seed{seed}.log",
    conda:
        ENVIRONMENT
    wildcard_constraints:
        seed=r"\d+",
    threads: 1
    resources:
        gpu=run_gpus("age_linear_sgd"),
    script:
        "../scripts/age_linear_sgd_runs.py"


# The grid, the setting selected on validation, and its test error.
rule age_linear_sgd_summary:
    input:
        metrics=expand(
            rules.age_linear_sgd_runs.output.metrics, seed=config["age_linear_sgd"]["seeds"]
        ),
        histories=expand(
            rules.age_linear_sgd_runs.output.history, seed=config["age_linear_sgd"]["seeds"]
        ),
    output:
        summary="results/age_linear_sgd/summary.json",
    params:
        settings=experiment_settings("age_linear_sgd"),
    log:
        "logs/age_linear_sgd/summary.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"
