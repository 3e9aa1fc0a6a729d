# The write-ups' claims (config/claims.yaml), checked against every experiment's summary.

# Every registered experiment's summary.json (dlrepro.experiments.registry).
SUMMARIES = {
    experiment.id: experiment_files(experiment.id)["summary"] for experiment in EXPERIMENTS
}


# Every claim judged against the summaries: claims.json.
rule evaluate_claims:
    input:
        claims=CLAIMS_FILE,
        **SUMMARIES,
    output:
        claims="results/claims/claims.json",
    params:
        code=code_of("evaluate_claims.py"),
        confidence=lookup(dpath="verdicts/confidence", within=config),
    log:
        "logs/claims/evaluate.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/evaluate_claims.py"
