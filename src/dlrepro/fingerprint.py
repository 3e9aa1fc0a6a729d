"""Which code makes a job: a digest of its script and of every ``dlrepro`` module it runs.

Snakemake reruns a job when its script changes, not when a library module the script imports
does. The workflow puts each job's fingerprint in its ``params``, so that Snakemake's params
trigger reruns exactly the jobs whose code changed, and everything downstream of them; every
result records the fingerprint of the job that made it, and the report refuses results that the
code now in the tree would not make (:mod:`dlrepro.stale`).

What a job runs is found from the source, without importing anything: the ``dlrepro`` modules
its script imports, then theirs, transitively, imports inside functions included; plus the
modules a job loads by name (the experiment's module from the registry, a figure module, a data
provider), which the caller names.

A module's digest is taken over its tokens with comments, docstrings and layout removed, so an
edit that changes neither what runs nor how changes no digest, and it is the same under every
Python version (3.10 tokenizes an f-string as one string, 3.12 as several tokens: both become the
f-string's source text). The registry is the one module whose digest leaves out what only the
report reads (titles, sources, what seeds vary): every job imports it, and a retitled section
must not rerun the graph.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import io
import json
import token
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "dlrepro"
ROOT = Path(__file__).resolve().parent
REGISTRY = "dlrepro.experiments.registry"

# f-string tokens exist from Python 3.12 on; before, an f-string is one STRING token
_FSTRING_START = getattr(token, "FSTRING_START", None)
_FSTRING_END = getattr(token, "FSTRING_END", None)
_LAYOUT = {token.COMMENT, token.NL, token.ENCODING, token.ENDMARKER}


def logical_lines(source: str) -> list[tuple[int, list[str]]]:
    """The source's logical lines as (nesting depth, token strings), without comments,
    docstrings or layout: what decides what the code does. A docstring is a line of strings
    alone at the start of the module or of a block (a string there does nothing either way). An
    f-string is one token, its source text, under every Python version."""
    lines = source.splitlines(keepends=True)
    out: list[tuple[int, list[str]]] = []
    line: list[str] = []
    only_strings, first_in_block = True, True
    depth, fstring = 0, None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        kind = tok.type
        if fstring is not None:  # inside an f-string (3.12+): wait for the end of it
            if kind == _FSTRING_END and _closes(tok, fstring, lines):
                line.append(_text(lines, fstring, tok.end))
                fstring = None
            continue
        if kind == _FSTRING_START:
            fstring, only_strings = tok.start, False
        elif kind == token.INDENT:
            depth, first_in_block = depth + 1, True
        elif kind == token.DEDENT:
            depth, first_in_block = depth - 1, False
        elif kind == token.NEWLINE:
            if line and not (only_strings and first_in_block):
                out.append((depth, line))
            line, only_strings, first_in_block = [], True, False
        elif kind not in _LAYOUT:
            line.append(tok.string)
            only_strings = only_strings and kind == token.STRING
    return out


def normalised_tokens(source: str) -> list[str]:
    """The tokens of :func:`logical_lines`, each line ended by its depth (indentation is
    meaning)."""
    return _flat(logical_lines(source))


def _flat(lines: list[tuple[int, list[str]]]) -> list[str]:
    return [item for depth, line in lines for item in (*line, f"\n{depth}")]


def _lines_digest(lines: list[tuple[int, list[str]]]) -> str:
    return digest("\x1f".join(_flat(lines)))


def _closes(tok: tokenize.TokenInfo, start: tuple[int, int], lines: list[str]) -> bool:
    """Whether an FSTRING_END closes the f-string that began at ``start`` (not a nested one):
    the text between them compiles as one f-string."""
    try:
        compile(_text(lines, start, tok.end).strip(), "<f-string>", "eval")
        return True
    except SyntaxError:
        return False


def _text(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (first, column), (last, end_column) = start, end
    if first == last:
        return lines[first - 1][column:end_column]
    return (lines[first - 1][column:] + "".join(lines[first:last - 1])
            + lines[last - 1][:end_column])


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def source_digest(source: str) -> str:
    """The digest of Python source, blind to comments, docstrings and layout."""
    return _lines_digest(logical_lines(source))


def _imports(lines: list[tuple[int, list[str]]]) -> list[tuple[int, str, list[str]]]:
    """Each import statement as (level of a relative import, module, names imported from it);
    ``import a.b`` is (0, "a.b", [])."""
    found = []
    for _, line in lines:
        if line[0] == "import":
            for item in " ".join(line[1:]).split(","):
                found.append((0, item.split(" as ")[0].replace(" ", ""), []))
        elif line[0] == "from" and "import" in line:
            split = line.index("import")
            module = "".join(line[1:split])
            level = len(module) - len(module.lstrip("."))
            names = [name for index, name in enumerate(line[split + 1:], split + 1)
                     if name.isidentifier() and name != "as" and line[index - 1] != "as"]
            found.append((level, module.lstrip("."), names))
    return found


@dataclass(frozen=True)
class _Analysis:
    digest: str
    imports: tuple[tuple[int, str, tuple[str, ...]], ...]


@functools.cache
def _analyse(path: Path) -> _Analysis:
    """A source file's digest and import statements, read and tokenized once."""
    lines = logical_lines(_source(path))
    return _Analysis(_lines_digest(lines),
                     tuple((level, module, tuple(names)) for level, module, names
                           in _imports(lines)))


def module_path(name: str) -> Path | None:
    """The source file of a ``dlrepro`` module or package, or None if there is none."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def imported_modules(source: str, package: str | None = None) -> set[str]:
    """The ``dlrepro`` modules a piece of source imports, anywhere in it (``from a import b``
    counts ``a.b`` where that is a module). ``package`` resolves relative imports."""
    return _resolve(_imports(logical_lines(source)), package)


def _resolve(imports: Iterable[tuple[int, str, Iterable[str]]], package: str | None) -> set[str]:
    found: set[str] = set()
    for level, base, names in imports:
        if level and package:
            parent = package.split(".")
            base = ".".join(parent[:len(parent) - level + 1] + ([base] if base else []))
        for name in [base, *(f"{base}.{name}" for name in names)]:
            parts = name.split(".")
            # a package's __init__ runs when any module in it is imported
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                if module_path(prefix) is not None:
                    found.add(prefix)
    return found


@functools.cache
def _module_imports(name: str) -> frozenset[str]:
    path = module_path(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return frozenset(_resolve(_analyse(path).imports, package))


def closure(modules: Iterable[str]) -> set[str]:
    """The modules, and every ``dlrepro`` module they import, transitively."""
    seen: set[str] = set()
    todo = [name for name in modules if module_path(name) is not None]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_module_imports(name) - seen)
    return seen


@functools.cache
def module_digest(name: str) -> str:
    if name == REGISTRY:
        return _registry_digest()
    return _analyse(module_path(name)).digest


def _registry_digest() -> str:
    """What of the registry a job runs: each experiment's id, area, figures and GPU request, and
    the code beside the list; not the titles, sources and seed notes only the report shows."""
    from dlrepro.experiments.registry import EXPERIMENTS, FIGURE_NAME

    entries = [[e.id, e.area, list(e.figures), e.asks_for_gpu] for e in EXPERIMENTS]
    tree = ast.parse(_source(module_path(REGISTRY)))
    code = [node for node in tree.body if not (
        isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "EXPERIMENTS"
                                             for t in node.targets))]
    without_list = "\n".join(ast.get_source_segment(_source(module_path(REGISTRY)), node) or ""
                             for node in code)
    return digest(json.dumps([entries, FIGURE_NAME, source_digest(without_list)]))


@dataclass(frozen=True)
class Fingerprint:
    """A job's code: ``total`` over its script and every module it runs, and one digest each."""

    total: str
    modules: dict[str, str]

    def as_dict(self) -> dict[str, object]:
        return {"total": self.total, "modules": self.modules}


#: The registry's entry in the fingerprint of a job that shows what only the report reads.
REGISTRY_TEXTS = f"{REGISTRY} (titles, sources, seed notes)"


def job_fingerprint(script: str | Path, by_name: Iterable[str] = (), *,
                    shows_registry_texts: bool = False) -> Fingerprint:
    """The fingerprint of a job that runs ``script`` (a path; "" for none) and loads the
    modules ``by_name`` by name. A job that ``shows_registry_texts`` (the report's rendering)
    also depends on the registry's titles, sources and notes."""
    modules: dict[str, str] = {}
    if shows_registry_texts:
        modules[REGISTRY_TEXTS] = _analyse(module_path(REGISTRY)).digest
    imported = set(by_name)
    if script:
        analysis = _analyse(Path(script).resolve())
        modules[f"script:{Path(script).name}"] = analysis.digest
        imported |= _resolve(analysis.imports, None)
    for name in sorted(closure(imported)):
        modules[name] = module_digest(name)
    return Fingerprint(digest(json.dumps(modules, sort_keys=True)), modules)


def changed_modules(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The modules whose digests differ between two fingerprints, or that only one has."""
    return sorted(name for name in set(recorded) | set(current)
                  if recorded.get(name) != current.get(name))
