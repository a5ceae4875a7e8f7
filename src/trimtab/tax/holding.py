"""Holding period: when a lot's gain turns long-term (IRC §1222, §1223; Pub. 550).

Convention (docs/tax.md): the holding period starts the day after the trade date and includes the
sale date, and it is counted in calendar months (Rev. Rul. 66-7). A lot is long-term when held
*more than* one year, so the first long-term sale date is the one-year anniversary of the day after
acquisition. When that anniversary would be February 29 of a common year (the holding period
started on a leap day), it is March 1: twelve calendar months from 2024-02-29 end on 2025-02-28.

    acquired 2023-02-05 -> first long-term sale 2024-02-06
    acquired 2024-02-28 -> holding starts 2024-02-29 -> long-term from 2025-03-01
    acquired 2023-02-28 -> holding starts 2023-03-01 -> long-term from 2024-03-01
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from trimtab.names import Term

_ONE_DAY = timedelta(days=1)


def long_term_from(acquired: date) -> date:
    """The first sale date on which a lot acquired on `acquired` is long-term."""
    start = acquired + _ONE_DAY
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # the holding period started on February 29
        return date(start.year + 1, 3, 1)


def term_of(acquired: date, sold: date) -> Term:
    """Short or long term of a sale on `sold` of a lot acquired on `acquired`."""
    return Term.LONG if sold >= long_term_from(acquired) else Term.SHORT


def long_term_dates(acquired: np.ndarray) -> np.ndarray:
    """Vectorized `long_term_from`: acquired as datetime64[D], result datetime64[D].

    Adding twelve months to the month of the holding-period start and then its day offset rolls a
    February 29 start over to March 1 of the next year, as `long_term_from` does.
    """
    start = np.asarray(acquired, dtype="datetime64[D]") + np.timedelta64(1, "D")
    month = start.astype("datetime64[M]")
    offset = start - month.astype("datetime64[D]")
    return (month + np.timedelta64(12, "M")).astype("datetime64[D]") + offset


def is_long_term(acquired: np.ndarray, on: date) -> np.ndarray:
    """Boolean array: would a sale on `on` of each lot (acquired, datetime64[D]) be long-term."""
    return long_term_dates(acquired) <= np.datetime64(on, "D")


def days_to_long_term(acquired: np.ndarray, on: date) -> np.ndarray:
    """Days (int64) from `on` until each lot turns long-term; 0 for lots already long-term."""
    days = (long_term_dates(acquired) - np.datetime64(on, "D")).astype(np.int64)
    return np.maximum(days, 0)
