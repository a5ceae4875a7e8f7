"""The tax-aware optimizer: one holistic decision per account or household (docs/optimizer.md)."""
