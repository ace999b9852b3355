"""``hubsim report``: one self-contained HTML file (and its PNGs) from an output folder.

:func:`write_report` recognises what the folder holds: a run written by ``hubsim run --out``
(``summary.json`` and ``model.json`` beside ``kpi/`` and ``events/``) or a sweep written by
``hubsim sweep --out`` (``manifest.json`` and ``runs/``, then ``comparison.csv`` and
``summary.json`` once it has finished). It draws the charts from the files (a run's in
parallel, and only those neither the run nor an earlier report of it drew already) and writes
``report.html`` with the charts embedded, plus the PNGs beside it. A folder it does not
recognise, or cannot read, raises :class:`ReportInputError` naming the file and the fix.
"""

from sim.report.build import REPORT_NAME, ReportInputError, folder_kind, write_report

__all__ = ["REPORT_NAME", "ReportInputError", "folder_kind", "write_report"]
