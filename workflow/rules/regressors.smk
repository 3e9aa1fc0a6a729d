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
        code=run_code("age_mlp"),
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


AGE_LINEAR_SGD_RUNS = grid(
    lr=config["age_linear_sgd"]["lrs"] + config["age_linear_sgd"]["divergence_lrs"],
    batch_size=config["age_linear_sgd"]["batch_sizes"],
)
AGE_LINEAR_SGD_RUN = "results/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}"


# Linear regression by minibatch SGD at every lr and batch size of the grid, at one seed.
rule age_linear_sgd_runs:
    input:
        **prepared("age_regression"),
    output:
        **run_outputs(AGE_LINEAR_SGD_RUN, AGE_LINEAR_SGD_RUNS),
    params:
        code=run_code("age_linear_sgd"),
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


