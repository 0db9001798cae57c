"""Render the paper's Markdown to a self-contained HTML file and an A4 PDF, without LaTeX.

Quarto is used when ``quarto`` is on PATH. Otherwise the route Quarto itself takes: Pandoc
(from the ``pypandoc-binary`` wheel) writes HTML and Typst, and Typst (the ``typst`` wheel)
compiles the PDF. Both outputs come from the same Markdown source.
"""

from __future__ import annotations

import html
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from evaluation.errors import EvaluationError

log = logging.getLogger(__name__)

DRAFT_BANNER = '<div class="draft-banner" role="alert">DRAFT — INCOMPLETE</div>\n'


class RenderError(EvaluationError):
    """Pandoc, Typst or Quarto failed to render the paper."""


@dataclass(frozen=True)
class RenderResult:
    html: Path
    pdf: Path
    engine: str  # "quarto" or "pandoc+typst"


def _template(name: str) -> Path:
    return Path(str(resources.files("evaluation.report") / "templates" / name))


def _pandoc(args: list[str], source: Path) -> None:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    cmd = [pandoc, str(source), "--from", "markdown", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RenderError(f"Pandoc failed ({' '.join(args[:2])}): {proc.stderr.strip()}")
    for line in proc.stderr.splitlines():
        log.warning("pandoc: %s", line)


def _typst_string(text: str) -> str:
    """``text`` as the inside of a Typst string literal (no markup escapes, one line)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"')


def render_with_pandoc_typst(
    markdown: Path, html_out: Path, pdf_out: Path, *, title: str, header_left: str,
    footer_left: str, draft: bool = False, author: str = "", subject: str = "",
    label: str = "", header_right: str = "Business Coordination Board",
) -> RenderResult:
    """Markdown → HTML (Pandoc, resources embedded) and Markdown → Typst → PDF.

    The PDF's metadata (title, author, subject, language) is written as plain strings, not
    as Pandoc-escaped markup; ``label`` (e.g. "SYNTHETIC SAMPLE — NOT REAL DATA") is printed
    in every page's footer."""
    import typst

    root = markdown.parent
    html_out.parent.mkdir(parents=True, exist_ok=True)
    pdf_out.parent.mkdir(parents=True, exist_ok=True)
    filt = str(_template("boxes.lua"))
    common = ["--lua-filter", filt, "--resource-path", str(root),
              "--metadata", f"pagetitle={title}", "--metadata", "lang=en-GB"]
    html_args = ["--to", "html5", "--standalone", "--embed-resources",
                 "--css", str(_template("paper.css")),
                 "--output", str(html_out), *common]
    if draft:
        banner = root / "draft-banner.html"
        banner.write_text(DRAFT_BANNER, encoding="utf-8")
        html_args += ["--include-before-body", str(banner)]
    if label and not draft:  # the HTML has no pages: the label stays at the window's top
        with tempfile.TemporaryDirectory() as tmp:
            banner = Path(tmp) / "label-banner.html"
            banner.write_text(f'<div class="label-banner" role="note">{html.escape(label)}'
                              "</div>\n", encoding="utf-8")
            _pandoc([*html_args, "--include-before-body", str(banner)], markdown)
    else:
        _pandoc(html_args, markdown)

    typ = markdown.with_suffix(".typ")
    typ_args = ["--to", "typst", "--standalone", "--template", str(_template("paper.typ")),
                "--output", str(typ), *common,
                "--variable", f"header-left={header_left}",
                "--variable", f"footer-left={footer_left}",
                "--variable", f"header-right={header_right}",
                "--variable", f"doc-title={_typst_string(title)}",
                "--variable", f"doc-author={_typst_string(author)}",
                "--variable", f"doc-subject={_typst_string(subject)}"]
    if label:
        typ_args += ["--variable", f"page-label={label}"]
    if draft:
        typ_args += ["--variable", "draft=true"]
    _pandoc(typ_args, markdown)
    try:
        # tagged PDF/UA-1: every figure carries its alt text (written by boxes.lua)
        typst.compile(str(typ), output=str(pdf_out), root=str(root), pdf_standards=["ua-1"])
    except Exception as exc:  # typst raises its own error type with the source location
        raise RenderError(f"Typst failed to compile {typ.name}: {exc}") from None
    return RenderResult(html_out, pdf_out, "pandoc+typst")


def render_with_quarto(
    quarto: str, markdown: Path, html_out: Path, pdf_out: Path, *, title: str,
    draft: bool = False,
) -> RenderResult:
    """Render through the Quarto CLI (HTML with embedded resources, and Typst PDF)."""
    root = markdown.parent
    shutil.copy(_template("paper.css"), root / "paper.css")
    front = (
        "---\n"
        f'pagetitle: "{title}"\n'
        "lang: en-GB\n"
        "format:\n"
        "  html:\n    embed-resources: true\n    toc: true\n    toc-depth: 1\n"
        "    css: paper.css\n"
        "  typst:\n    papersize: a4\n    toc: true\n    toc-depth: 1\n"
        "    section-numbering: null\n"
        + (f'    include-before-body:\n      text: "{DRAFT_BANNER.strip()}"\n' if draft else "")
        + "---\n\n"
    )
    qmd = root / "paper.qmd"
    qmd.write_text(front + markdown.read_text(encoding="utf-8"), encoding="utf-8")
    for fmt, out in (("html", html_out), ("typst", pdf_out)):
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [quarto, "render", str(qmd), "--to", fmt, "--output", out.name]
        proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RenderError(f"Quarto failed to render {fmt}: {proc.stderr.strip()}")
        produced = root / out.name
        if produced != out:
            shutil.move(str(produced), out)
    return RenderResult(html_out, pdf_out, "quarto")


def render_paper(
    markdown: Path, html_out: Path, pdf_out: Path, *, title: str, header_left: str = "",
    footer_left: str = "", draft: bool = False, use_quarto: bool | None = None,
    author: str = "", subject: str = "", label: str = "",
    header_right: str = "Business Coordination Board",
) -> RenderResult:
    """Render with Quarto when it is installed (or ``use_quarto``), else Pandoc + Typst."""
    quarto = shutil.which("quarto")
    if use_quarto is None:
        use_quarto = quarto is not None
    if use_quarto:
        if quarto is None:
            raise RenderError("use_quarto was requested but 'quarto' is not on PATH.")
        log.info("rendering with Quarto at %s", quarto)
        return render_with_quarto(quarto, markdown, html_out, pdf_out, title=title, draft=draft)
    log.info("rendering with Pandoc + Typst")
    return render_with_pandoc_typst(markdown, html_out, pdf_out, title=title,
                                    header_left=header_left, footer_left=footer_left,
                                    draft=draft, author=author, subject=subject, label=label,
                                    header_right=header_right)
