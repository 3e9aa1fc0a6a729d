"""report-data.json rendered for the screen (HTML) or for print (PDF)."""
from pathlib import Path

from dlrepro.report.render import Renderer
from dlrepro.results import atomic_write_bytes, atomic_write_text, read_json
from dlrepro.workflow import start_job

log = start_job(snakemake)
renderer = Renderer(templates_dir="templates", root=Path.cwd())
data = read_json(snakemake.input.data)
if snakemake.params.medium == "screen":
    atomic_write_text(snakemake.output.html, renderer.html(data))
else:
    atomic_write_bytes(snakemake.output.pdf, renderer.pdf(data))
log.info("rendered %s", list(snakemake.output))
