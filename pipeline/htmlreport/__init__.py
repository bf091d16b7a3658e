"""The run report as a self-contained HTML page (``processed/run_report.html``)."""

from pipeline.htmlreport.render import SECTIONS, render_html

__all__ = ["SECTIONS", "render_html"]
