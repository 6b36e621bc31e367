"""Dates as precise as their sources: a day, a month or a year, read as a window.

The data states a date as an ``xsd:date``, or as an ``xsd:gYearMonth`` / ``xsd:gYear``
when the sources know only the month or the year. Such a date is a window of days, never
its first day: a deal "completed in 2025" is not known to hold on 1 January 2025.

Examples
--------
>>> date_window("2025")
(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
>>> date_window("2024-02")
(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
>>> date_window("2025-07-07")[0] == date_window("2025-07-07")[1]
True
>>> date_window("soon") is None
True
"""

from __future__ import annotations

import datetime as dt
import functools

__all__ = ["date_window"]


@functools.lru_cache(maxsize=1 << 16)  # one date object per distinct value
def date_window(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date of the data can name, or None if it is not a date."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if len(text) == 7 and text[4] == "-":
            year, month = int(text[:4]), int(text[5:7])
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            return dt.date(year, month, 1), dt.date(year, month, last)
        day = dt.date.fromisoformat(text[:10])
        return day, day
    except ValueError:
        return None
