# One rule summarises every experiment of several runs; an experiment of one run writes its
# summary in its run rule, which is why those are left out of the wildcard.
SUMMARISED = [
    experiment.id for experiment in EXPERIMENTS if not writes_own_summary(experiment.id)
]


# summary.json of an experiment: its module's summarise(records, histories, settings) on every
# run of its run rule, at every seed of its config.
rule summary:
    input:
        unpack(lambda wildcards: experiment_runs(wildcards.experiment)),
    output:
        summary="results/{experiment}/summary.json",
    params:
        code=lambda wildcards: summary_code(wildcards.experiment),
        settings=lookup(dpath="{experiment}", within=config),
    log:
        "logs/{experiment}/summary.log",
    wildcard_constraints:
        experiment="|".join(SUMMARISED),
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/summary.py"
