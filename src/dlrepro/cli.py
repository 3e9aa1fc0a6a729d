"""The ``dlrepro`` command. ``dlrepro compare OLD NEW``: two runs side by side, as one HTML page
(and a PDF), or as JSON for machines; ``--fail-on-flip`` makes it a regression gate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dlrepro.claims import DEFAULT_CONFIDENCE

#: The report's templates: in the project folder, or beside the package in a source checkout.
TEMPLATE = "compare.html.j2"


def find_templates(given: Path | None) -> Path:
    candidates = [given] if given else [Path.cwd() / "templates",
                                        Path(__file__).resolve().parents[2] / "templates"]
    for candidate in candidates:
        if candidate and (candidate / TEMPLATE).is_file():
            return candidate
    raise SystemExit(f"dlrepro compare: no report templates ({TEMPLATE}) in "
                     f"{', '.join(map(str, candidates))}; run it in the project folder or "
                     f"pass --templates")


def compare_command(args: argparse.Namespace) -> int:
    # imported here: `dlrepro --help` should not wait for matplotlib and scipy
    from dlrepro.compare.diff import compare
    from dlrepro.compare.load import CompareError, load_run
    from dlrepro.compare.overlay import overlays
    from dlrepro.report.render import Renderer
    from dlrepro.results import atomic_write_bytes, atomic_write_text, to_json_safe

    try:
        old, new = load_run(args.old), load_run(args.new)
    except CompareError as error:
        print(f"dlrepro compare: {error}", file=sys.stderr)
        return 2
    document = compare(old, new, args.confidence)
    for side, names in (("old", document["only_old"]), ("new", document["only_new"])):
        if names:
            print(f"dlrepro compare: only in the {side} run (left out): {', '.join(names)}",
                  file=sys.stderr)
    if args.json:
        text = json.dumps(to_json_safe(document), indent=2, ensure_ascii=False)
        if str(args.json) == "-":
            print(text)
        else:
            atomic_write_text(args.json, text + "\n")
    if args.output:
        templates = find_templates(args.templates)
        renderer = Renderer(templates_dir=templates, root=templates.parent)
        figures = overlays(document["experiments"], old.results, new.results)
        atomic_write_text(args.output, renderer.page(TEMPLATE, cmp=document, figures=figures))
        print(f"comparison: {args.output}")
        if args.pdf:
            from dlrepro.report.pdf import html_to_pdf

            pdf_path = args.output.with_suffix(".pdf")
            html = renderer.page(TEMPLATE, "print", cmp=document, figures=figures)
            atomic_write_bytes(pdf_path, html_to_pdf(html, templates.parent))
            print(f"comparison: {pdf_path}")
    changed = len(document["verdict_changes"])
    print(f"{changed} verdict{'s' if changed != 1 else ''} changed, "
          f"{len(document['flips'])} between reproduced and refuted", file=sys.stderr)
    return 1 if args.fail_on_flip and document["flips"] else 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="dlrepro", description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    compare = commands.add_parser(
        "compare", help="what changed between two runs, and is it beyond seed noise",
        description="Compare two runs: results folders (or project folders) or their "
                    "report-data.json files.")
    compare.add_argument("old", type=Path, help="the first run (results folder or "
                         "report-data.json)")
    compare.add_argument("new", type=Path, help="the second run")
    compare.add_argument("-o", "--output", type=Path, default=Path("compare.html"),
                         help="the HTML page (default compare.html)")
    compare.add_argument("--pdf", action="store_true", help="also the PDF, beside the HTML")
    compare.add_argument("--json", type=Path, metavar="FILE",
                         help="the comparison as JSON to FILE ('-': standard output)")
    compare.add_argument("--fail-on-flip", action="store_true",
                         help="exit 1 when a claim went from reproduced to refuted or back")
    compare.add_argument("--confidence", type=float, default=DEFAULT_CONFIDENCE,
                         help="confidence of the intervals of metric differences (default "
                              f"{DEFAULT_CONFIDENCE})")
    compare.add_argument("--templates", type=Path, help="the report's templates folder")
    compare.set_defaults(handler=compare_command)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
