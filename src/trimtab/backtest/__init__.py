"""Backtests: replay a household through a price history under several strategies, booking every
trade through the tax engine, and measure what each strategy was worth after tax."""
