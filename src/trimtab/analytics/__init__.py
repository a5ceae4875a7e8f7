"""Measures of what a strategy did: returns, tax alpha, tracking error, turnover, dispersion."""
