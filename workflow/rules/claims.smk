# The write-ups' claims (config/claims.yaml), checked against every experiment's summary.

SUMMARIES = {
    "opt_f1f2": rules.opt_f1f2_summary.output.summary,
    "sgd_mean": rules.sgd_mean_summary.output.summary,
}


rule evaluate_claims:
    input:
        claims=CLAIMS_FILE,
        **SUMMARIES,
    output:
        claims="results/claims/claims.json",
    log:
        "logs/claims/evaluate.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/evaluate_claims.py"
