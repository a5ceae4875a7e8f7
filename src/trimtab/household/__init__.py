"""The household as one portfolio: shared target, asset location, household cash requests."""
