"""Operators: what a finding becomes. One module per operator, looked up by name."""

from __future__ import annotations

from policies.operators.base import Operator, OperatorContext, Substitute, Value
from policies.operators.date_shift import DateShiftOperator
from policies.operators.generalize import GeneralizeOperator
from policies.operators.keep import KeepOperator
from policies.operators.redact import RedactOperator
from policies.operators.surrogate import SurrogateOperator
from policies.operators.token import TokenOperator

__all__ = ["OPERATORS", "Operator", "OperatorContext", "Substitute", "Value"]

# The name a policy file uses -> the operator class.
OPERATORS: dict[str, type[Operator]] = {
    operator.name: operator
    for operator in (
        TokenOperator,
        SurrogateOperator,
        DateShiftOperator,
        GeneralizeOperator,
        RedactOperator,
        KeepOperator,
    )
}
