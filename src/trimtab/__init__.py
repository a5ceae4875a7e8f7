"""trimtab: automated, tax-aware, household-level portfolio rebalancing."""

__version__ = "0.1.0"
