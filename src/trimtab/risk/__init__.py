"""Risk models: annual covariance of security returns, for the tracking term of the objective."""

from trimtab.risk.model import RiskModel, class_model, estimated_model, risk_model_for

__all__ = ["RiskModel", "class_model", "estimated_model", "risk_model_for"]
