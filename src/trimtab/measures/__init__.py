"""What several layers measure alike: drift, targets after screens, substitute groups, location.

Below the methods (optimize, household, baseline) and the rebalance step that runs them, above
the snapshot: every method and every result is measured by the same code.
"""
