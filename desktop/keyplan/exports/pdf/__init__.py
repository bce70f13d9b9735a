"""PDF exports (reportlab): the page engine (:mod:`.layout`), the fonts with their CJK fallback
(:mod:`.fonts`) and the documents built on them (the client estimate: :mod:`.estimate`)."""

from keyplan.exports.pdf.estimate import build_estimate_pdf

__all__ = ["build_estimate_pdf"]
