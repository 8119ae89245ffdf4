"""`pulumi preview --policy-pack infra/policy`: refarch-tui's stack rules (see refarch_policies.py)."""

from pulumi_policy import PolicyPack

from refarch_policies import POLICIES

PolicyPack(name="refarch-tui", policies=POLICIES)
