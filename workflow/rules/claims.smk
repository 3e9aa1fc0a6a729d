# The write-ups' claims (config/claims.yaml), checked against every experiment's summary.

SUMMARIES = {
    "sgd_mean": rules.sgd_mean_summary.output.summary,
    "opt_f1f2": rules.opt_f1f2_summary.output.summary,
    "gd_plateau": rules.gd_plateau_summary.output.summary,
    "gd_illcond": rules.gd_illcond_run.output.summary,
    "gd_abs32": rules.gd_abs32_summary.output.summary,
    "gd_onestep_max": rules.gd_onestep_max_run.output.summary,
    "activations": rules.activations_run.output.summary,
    "compgraph": rules.compgraph_run.output.summary,
    "param_count": rules.param_count_run.output.summary,
    "adam_escape": rules.adam_escape_run.output.summary,
    "age_mlp": rules.age_mlp_summary.output.summary,
    "age_linear_sgd": rules.age_linear_sgd_summary.output.summary,
    "batchnorm": rules.batchnorm_summary.output.summary,
    "lr_schedule": rules.lr_schedule_summary.output.summary,
    "ist_linear": rules.ist_linear_summary.output.summary,
    "ist_mlp_numpy": rules.ist_mlp_numpy_summary.output.summary,
    "ist_torch": rules.ist_torch_summary.output.summary,
    "ist_quadratic": rules.ist_quadratic_summary.output.summary,
}


rule evaluate_claims:
    input:
        claims=CLAIMS_FILE,
        **SUMMARIES,
    output:
        claims="results/claims/claims.json",
    params:
        confidence=lookup(dpath="verdicts/confidence", within=config),
    log:
        "logs/claims/evaluate.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/evaluate_claims.py"
