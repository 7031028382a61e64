"""The council report: a data structure built from the model's results (``build_report``),
rendered as HTML, PDF and Excel (``render``), gathered by ``load_report``."""

from byibalance.reports.loader import load_report
from byibalance.reports.model import CouncilReport, build_report
from byibalance.reports.render import render_html, write_html, write_pdf, write_xlsx

__all__ = [
    "CouncilReport",
    "build_report",
    "load_report",
    "render_html",
    "write_html",
    "write_pdf",
    "write_xlsx",
]
