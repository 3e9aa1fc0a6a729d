# The report: one data file (report-data.json) rendered to HTML and to PDF.
import os
from pathlib import Path

FIGURES = [
    rules.opt_f1f2_figure_objective.output,
    rules.opt_f1f2_figure_trajectories.output,
    rules.sgd_mean_figure_error.output,
    rules.gd_plateau_figure_trajectories.output,
    rules.gd_illcond_figure_contours.output,
    rules.gd_abs32_figure_trajectories.output,
    rules.gd_abs32_figure_cobweb.output,
    rules.gd_onestep_max_figure_step.output,
    rules.activations_figure_derivatives.output,
    rules.adam_escape_figure_trajectories.output,
    rules.age_mlp_figure_curves.output,
    rules.age_linear_sgd_figure_grid.output,
    rules.age_linear_sgd_figure_curves.output,
    rules.batchnorm_figure_curves.output,
    rules.lr_schedule_figure_divergence.output,
    rules.lr_schedule_figure_schedules.output,
    rules.ist_linear_figure_accuracy.output,
    rules.ist_linear_figure_norm.output,
    rules.ist_mlp_numpy_figure_curves.output,
    rules.ist_torch_figure_lr.output,
    rules.ist_torch_figure_batch.output,
    rules.ist_torch_figure_dropout.output,
    rules.ist_torch_figure_momentum.output,
    rules.ist_quadratic_figure_fit.output,
]
TEMPLATES = sorted(str(path) for path in Path("templates").rglob("*") if path.is_file())


rule report_data:
    input:
        claims=rules.evaluate_claims.output.claims,
        figure_meta=[figure.meta for figure in FIGURES],
        figure_svg=[figure.svg for figure in FIGURES],
        **SUMMARIES,
    output:
        data="results/report/report-data.json",
    params:
        config=config,
        configfiles=[os.path.relpath(path) for path in workflow.configfiles],
    log:
        "logs/report/report_data.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/report_data.py"


rule render_html:
    input:
        data=rules.report_data.output.data,
        figures=rules.report_data.input.figure_svg,
        templates=TEMPLATES,
    output:
        html="results/report/report.html",
    params:
        medium="screen",
    log:
        "logs/report/render_html.log",
    conda:
        ENVIRONMENT
    script:
        "../scripts/render_report.py"


use rule render_html as render_pdf with:
    output:
        pdf="results/report/report.pdf",
    params:
        medium="print",
    log:
        "logs/report/render_pdf.log",
