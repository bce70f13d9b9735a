"""PDF exports (reportlab): the page engine (:mod:`.layout`), the fonts with their CJK fallback
(:mod:`.fonts`) and the documents built on them: the client estimate (:mod:`.estimate`), the
contact report (:mod:`.contact_report`) and the status report (:mod:`.status_report`)."""

from keyplan.exports.pdf.contact_report import build_contact_report_pdf
from keyplan.exports.pdf.estimate import build_estimate_pdf
from keyplan.exports.pdf.status_report import build_status_report_pdf

__all__ = ["build_contact_report_pdf", "build_estimate_pdf", "build_status_report_pdf"]
