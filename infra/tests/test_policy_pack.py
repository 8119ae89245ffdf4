"""The policy pack wraps the same validators the tests run, and reports what they find."""

from __future__ import annotations

import copy
import os
import sys
from types import SimpleNamespace

from conftest import INFRA
from refarch_infra import validators

sys.path.insert(0, os.path.join(INFRA, "policy"))
import refarch_policies  # noqa: E402


def _args(resources):
    return SimpleNamespace(
        resources=[SimpleNamespace(resource_type=r.type, name=r.name, props={**r.props, "id": r.id}, urn=f"urn:{r.name}") for r in resources]
    )


def _run(policy, resources):
    found = []
    policy.validate(_args(resources), lambda message, urn=None: found.append(message))
    return found


def test_the_pack_has_a_policy_per_rule():
    names = {p.name for p in refarch_policies.POLICIES}
    assert {f"refarch-{rule}" for rule in validators.RULES} <= names


def test_the_pack_passes_the_stack_and_catches_a_broken_one(deployment):
    for policy in refarch_policies.POLICIES:
        assert _run(policy, deployment.resources) == [], policy.name
    broken = copy.deepcopy(deployment.resources)
    db = next(i for i, r in enumerate(broken) if r.type == "aws:rds/instance:Instance")
    broken[db] = validators.Resource(broken[db].type, broken[db].name, {**broken[db].props, "publiclyAccessible": True}, broken[db].id)
    policy = next(p for p in refarch_policies.POLICIES if p.name == "refarch-rds-not-public")
    assert _run(policy, broken)


def test_unknowns_are_reported_not_passed(deployment):
    blurred = [validators.Resource(r.type, r.name, {**r.props, "storageEncrypted": refarch_policies.UNKNOWN}, r.id) for r in deployment.resources]
    mandatory = next(p for p in refarch_policies.POLICIES if p.name == "refarch-rds-encrypted")
    advisory = next(p for p in refarch_policies.POLICIES if p.name == "refarch-unproven-at-preview")
    assert _run(mandatory, blurred) == []
    assert any("rds-encrypted" in m for m in _run(advisory, blurred))


def test_a_rule_with_nothing_to_examine_is_a_violation(deployment):
    without_db = [r for r in deployment.resources if r.type != "aws:rds/instance:Instance"]
    policy = next(p for p in refarch_policies.POLICIES if p.name == "refarch-rds-encrypted")
    assert _run(policy, without_db)
