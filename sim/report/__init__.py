"""``hubsim report``: one self-contained HTML file (and its PNGs) from an output folder.

:func:`write_report` recognises what the folder holds (a run written by ``hubsim run --out``:
``summary.json`` and ``model.json`` beside ``kpi/`` and ``events/``), draws the charts again
from the files, and writes ``report.html`` with the charts embedded, plus the PNGs beside it.
A folder it does not recognise raises :class:`ReportInputError` naming what is missing.
"""

from sim.report.build import REPORT_NAME, ReportInputError, folder_kind, write_report

__all__ = ["REPORT_NAME", "ReportInputError", "folder_kind", "write_report"]
