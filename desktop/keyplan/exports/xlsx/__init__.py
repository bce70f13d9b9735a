"""Excel workbooks (openpyxl): live formulas with cached values, client and internal variants."""

from keyplan.exports.xlsx.estimate import (
    EstimateLayout,
    build_estimate_workbook,
    write_estimate_workbook,
)

__all__ = ["EstimateLayout", "build_estimate_workbook", "write_estimate_workbook"]
