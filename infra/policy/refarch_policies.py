"""The policy pack's policies: one per rule in refarch_infra/validators.py, the same functions
the unit tests run, so a real `pulumi preview --policy-pack infra/policy` enforces what the
tests prove on the mocks.

A definite violation is mandatory. A value the preview cannot know yet (a new stack's ids and
ARNs) never passes silently: the rule reports it through the advisory policy
`refarch-unproven-at-preview`, and the mandatory rule runs again at `pulumi up`. A rule that
found no resource to examine is a mandatory violation (a renamed type must not make it vacuous).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pulumi_policy import EnforcementLevel, StackValidationPolicy  # noqa: E402

from refarch_infra import validators  # noqa: E402

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def plain(value: Any) -> Any:
    """The raw value behind pulumi-policy's unknown-checking proxies (unknowns stay sentinels)."""
    if isinstance(value, Mapping):
        try:
            value = value["__target"]
        except KeyError:
            pass
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        try:
            value = value["__target"]  # type: ignore[index]
        except (KeyError, TypeError, IndexError):
            pass
        return [plain(v) for v in value]
    return value


def resources_of(args: Any) -> list[validators.Resource]:
    resources = []
    for r in args.resources:
        props = plain(r.props)
        resources.append(validators.Resource(r.resource_type, r.name, props, props.get("id", UNKNOWN)))
    return resources


def _rule_policy(rule: str) -> StackValidationPolicy:
    def validate(args: Any, report_violation: Any) -> None:
        report = validators.run(rule, resources_of(args))
        if report.examined[rule] == 0:
            report_violation(f"{rule}: no resource to examine (the stack changed shape; update the rule)", None)
        for v in report.violations:
            if not v.unknown:
                report_violation(str(v), None)

    doc = (validators.RULES[rule].__doc__ or rule).strip().splitlines()[0]
    return StackValidationPolicy(
        name=f"refarch-{rule}", description=doc, validate=validate, enforcement_level=EnforcementLevel.MANDATORY
    )


def _unproven(args: Any, report_violation: Any) -> None:
    resources = resources_of(args)
    for rule in validators.RULES:
        for v in validators.run(rule, resources).violations:
            if v.unknown:
                report_violation(str(v), None)


POLICIES = [_rule_policy(rule) for rule in validators.RULES] + [
    StackValidationPolicy(
        name="refarch-unproven-at-preview",
        description="Rules whose values are not known until the update runs (re-checked then).",
        validate=_unproven,
        enforcement_level=EnforcementLevel.ADVISORY,
    )
]
