"""The paper step of the straightforward loop: ``loop_paper.py PARAMS LOOP_DIR SECTIONS``.

Reads the section records the notebooks wrote under LOOP_DIR/sections (SECTIONS: their names,
comma-separated, in order), builds the paper's
Markdown and renders HTML and PDF with the package's renderer (and the public version, as the
pack does), in one fresh process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from evaluation.config.params import load_params
from evaluation.report.paper import SectionRecord, build_markdown
from evaluation.report.render import render_paper


def main(params_file: str, loop_dir: str, sections: str) -> None:
    """Render LOOP_DIR/html/paper.html and LOOP_DIR/pdf/paper.pdf from the section records,
    and the public version (paper-public.*) when the params ask for it, as the pack does."""
    params = load_params(params_file)
    out = Path(loop_dir)
    records = [SectionRecord.read(out / "sections" / f"{s}.json") for s in sections.split(",")]
    for name, public in (("paper", False), ("paper-public", True)):
        if public and not params.public_version:
            continue
        md = out / f"{name}.md"
        md.write_text(build_markdown(params, records, ["Benchmark loop."], public=public),
                      encoding="utf-8")
        render_paper(md, out / "html" / f"{name}.html", out / "pdf" / f"{name}.pdf",
                     title=params.title, header_left=params.organisation,
                     footer_left=f"{params.board} — {params.paper_date:%d %B %Y}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
