# dlrepro: every experiment of the five write-ups, one dependency graph, one report.
#   snakemake --cores N                                  the report at homework scale
#   snakemake --cores N --configfile config/quick.yaml   the same graph at tiny scale
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/functions.smk"
include: "workflow/rules/descent.smk"
include: "workflow/rules/autograd.smk"
include: "workflow/rules/regressors.smk"
include: "workflow/rules/classifiers.smk"
include: "workflow/rules/ist.smk"
include: "workflow/rules/summaries.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/report.smk"


# The report, and everything it needs. Rules marked `localrule: True` (data, summaries, figures,
# claims, report) run on the submitting host even with a cluster executor (profiles/slurm); the
# cluster gets the experiments' runs.
rule all:
    default_target: True
    localrule: True
    input:
        rules.render_html.output.html,
        rules.render_pdf.output.pdf,
