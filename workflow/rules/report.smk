# The report: every experiment's figures, one data file (report-data.json), rendered to HTML and
# to PDF.
import os
from pathlib import Path

# Every figure of every registered experiment, as the wildcards of rule figure.
FIGURES = dict(
    experiment=[experiment.id for experiment in EXPERIMENTS for _ in experiment.figures],
    figure=[name for experiment in EXPERIMENTS for name in experiment.figures],
)
TEMPLATES = sorted(str(path) for path in Path("templates").rglob("*") if path.is_file())


# One figure, drawn by dlrepro.figures.<experiment>.draw_<figure> from the experiment's results.
rule figure:
    input:
        unpack(lambda wildcards: experiment_files(wildcards.experiment)),
    output:
        svg=report(
            "results/figures/{experiment}_{figure}.svg",
            caption="../report/figure.rst",
            category="{experiment}",
        ),
        meta="results/figures/{experiment}_{figure}.json",
    params:
        code=lambda wildcards: figure_code(wildcards.experiment),
        caption=figure_caption,
    log:
        "logs/figures/{experiment}_{figure}.log",
    wildcard_constraints:
        experiment="|".join(experiment.id for experiment in EXPERIMENTS if experiment.figures),
        figure=FIGURE_NAME,
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/figure.py"


# Summaries, claims and figures gathered into the one file both renderings read.
rule report_data:
    input:
        claims=rules.evaluate_claims.output.claims,
        audit="docs/claims-audit.md",
        figure_meta=expand(rules.figure.output.meta, zip, **FIGURES),
        figure_svg=expand(rules.figure.output.svg, zip, **FIGURES),
        **SUMMARIES,
    output:
        data="results/report/report-data.json",
    params:
        code=code_of("report_data.py"),
        # the fingerprint of every job the report rests on: results made by other code are
        # refused (or, with report.allow_stale, listed in a banner)
        expected_code=lambda wildcards: expected_code(),
        allow_stale=lookup(dpath="report/allow_stale", within=config),
        config=config,
        configfiles=[os.path.relpath(path) for path in workflow.configfiles],
        # --cores of a local run, for the parallel efficiency the report states (a function:
        # whether the jobs go to a cluster is known only once Snakemake makes them)
        cores=lambda wildcards: workflow.resource_settings.cores if workflow.local_exec else None,
    log:
        "logs/report/report_data.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/report_data.py"


# The report for the screen: one self-contained HTML file.
rule render_html:
    input:
        data=rules.report_data.output.data,
        figures=rules.report_data.input.figure_svg,
        templates=TEMPLATES,
    output:
        html="results/report/report.html",
    params:
        code=code_of("render_report.py", shows_registry_texts=True),
        medium="screen",
    log:
        "logs/report/render_html.log",
    localrule: True
    conda:
        ENVIRONMENT
    script:
        "../scripts/render_report.py"


# The same report for print: a PDF.
use rule render_html as render_pdf with:
    output:
        pdf="results/report/report.pdf",
    params:
        code=code_of("render_report.py", shows_registry_texts=True),
        medium="print",
    log:
        "logs/report/render_pdf.log",
    localrule: True
