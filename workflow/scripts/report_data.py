"""Gather summaries, claims, figures and run facts into report-data.json."""
from dlrepro.report.collect import build_report_data
from dlrepro.results import write_json
from dlrepro.workflow import job_code, start_job

start_job(snakemake)
summaries = {
    name: path
    for name, path in snakemake.input.items()
    if name not in ("claims", "figure_meta", "figure_svg", "audit")
}
write_json(
    snakemake.output.data,
    build_report_data(
        config=snakemake.params.config,
        configfiles=snakemake.params.configfiles,
        cores=snakemake.params.cores,
        summary_paths=summaries,
        claims_path=snakemake.input.claims,
        figure_meta_paths=list(snakemake.input.figure_meta),
        audit_path=snakemake.input.audit,
        expected_code=snakemake.params.expected_code,
        code=job_code(snakemake),
        allow_stale=snakemake.params.allow_stale,
    ),
)
