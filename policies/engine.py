"""The de-identification step: apply a policy's rules to the findings in request texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detectors.errors import DeidentificationError
from detectors.findings import EntityType, Finding
from policies.operators import OPERATORS, Operator, OperatorContext, Substitute, Value
from policies.schema import EntityRule, Policy
from policies.session import SessionState

__all__ = ["DeidentifiedText", "Replacement", "deidentify_text", "deidentify_texts"]


@dataclass(frozen=True, slots=True)
class Replacement:
    """One replaced stretch: `start`/`end` in the input, `output_start`/`output_end` in the output.

    `reversible` is true when the session holds a vault entry that restores the original. It contains offsets and names only, no text.
    """

    start: int
    end: int
    output_start: int
    output_end: int
    entity_type: EntityType
    operator: str
    reversible: bool


@dataclass(frozen=True, slots=True)
class DeidentifiedText:
    """A text as the upstream may see it, and what was replaced in it."""

    text: str
    replacements: tuple[Replacement, ...]

    def __repr__(self) -> str:
        return f"DeidentifiedText(chars={len(self.text)}, replacements={len(self.replacements)})"


def deidentify_text(
    text: str, findings: Sequence[Finding], policy: Policy, state: SessionState
) -> DeidentifiedText:
    """De-identify one text in `state`'s session; see `deidentify_texts`."""
    return deidentify_texts([text], [findings], policy, state)[0]


def deidentify_texts(
    texts: Sequence[str],
    findings: Sequence[Sequence[Finding]],
    policy: Policy,
    state: SessionState,
) -> list[DeidentifiedText]:
    """De-identify the texts of one request together, in `state`'s session.

    `findings` contains one sorted, non-overlapping list per text. Findings scored below their
    rule's threshold, and findings whose text is on the policy's allow list, are left as they
    are. Surrogates are checked against every text of the request and placeholder-shaped text
    in any of them is never minted as a token. Reversible replacements are recorded in `state`.

    Raises `DeidentificationError` (with offsets and types only) when the findings are out of
    order or out of range, or when an operator cannot replace a value.
    """
    if len(texts) != len(findings):
        raise DeidentificationError(f"got {len(texts)} texts but {len(findings)} finding lists")

    context = OperatorContext(
        state=state,
        request_texts=tuple(texts),
        date_shift_min_days=policy.session.date_shift_min_days,
        date_shift_max_days=policy.session.date_shift_max_days,
    )
    operators = _Operators(policy)
    return [
        _deidentify_one(text, text_findings, policy, operators, context)
        for text, text_findings in zip(texts, findings, strict=True)
    ]


def _deidentify_one(
    text: str,
    findings: Sequence[Finding],
    policy: Policy,
    operators: _Operators,
    context: OperatorContext,
) -> DeidentifiedText:
    _check_order(text, findings)
    context.start_text()
    allowed = _allowed_terms(policy)

    pieces: list[str] = []
    replacements: list[Replacement] = []
    cursor = output_length = 0
    for finding in findings:
        rule = policy.rule_for(finding.entity_type)
        original = text[finding.start : finding.end]
        if finding.score < rule.threshold or _fold(original) in allowed:
            continue

        substitute = _replace(operators.get(rule), Value(original, finding.entity_type), context)
        if substitute.subject is not None:
            context.patient = substitute.subject

        pieces += [text[cursor : finding.start], substitute.text]
        output_start = output_length + finding.start - cursor
        output_length = output_start + len(substitute.text)
        cursor = finding.end
        replacements.append(
            Replacement(
                start=finding.start,
                end=finding.end,
                output_start=output_start,
                output_end=output_length,
                entity_type=finding.entity_type,
                operator=rule.operator,
                reversible=substitute.reversible,
            )
        )
    pieces.append(text[cursor:])
    return DeidentifiedText("".join(pieces), tuple(replacements))


def _replace(operator: Operator, value: Value, context: OperatorContext) -> Substitute:
    try:
        return operator.replace(value, context)
    except ValueError as error:
        # `SessionState.add_entry` raises ValueError when a token would stand for two originals.
        raise DeidentificationError(
            f"operator {operator.name} failed on an entity of type {value.entity_type.value}"
        ) from error


def _check_order(text: str, findings: Sequence[Finding]) -> None:
    previous_end = 0
    for index, finding in enumerate(findings):
        if finding.start < previous_end:
            raise DeidentificationError(
                f"finding {index} starts at {finding.start}, before the previous one ends at "
                f"{previous_end}: findings must be sorted and must not overlap"
            )
        if finding.end > len(text):
            raise DeidentificationError(
                f"finding {index} ends at {finding.end}, past the text's {len(text)} characters"
            )
        previous_end = finding.end


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _allowed_terms(policy: Policy) -> frozenset[str]:
    return frozenset(_fold(term) for term in policy.allow_list)


class _Operators:
    """Operators built from a policy's rules, each once per call."""

    def __init__(self, policy: Policy) -> None:
        self._built: dict[int, Operator] = {}
        self._policy = policy

    def get(self, rule: EntityRule) -> Operator:
        operator = self._built.get(id(rule))
        if operator is None:
            operator = OPERATORS[rule.operator].from_params(rule.params)
            self._built[id(rule)] = operator
        return operator
