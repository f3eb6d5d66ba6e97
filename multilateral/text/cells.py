"""Cells for CSV exports that a spreadsheet shows as text and never runs."""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_STARTS", "spreadsheet_safe"]

#: A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A leading ' on text that would start a formula (OWASP "CSV injection")."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
