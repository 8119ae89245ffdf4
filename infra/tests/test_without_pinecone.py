"""A stack without a Pinecone index (the workers then use the vectors-in-Postgres index)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import INFRA, WITHOUT_PINECONE
from refarch_infra import validators
from refarch_infra.validators import Resource


def test_every_property_holds_without_pinecone():
    if WITHOUT_PINECONE:
        return  # this test is the parent run
    # The mocked runtime is one per process, so the other configuration runs in a child.
    env = {**os.environ, "REFARCH_INFRA_TEST_WITHOUT_PINECONE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "ignore::DeprecationWarning", "-k", "not unknown_values and not mutation and not dockerfile and not policy", "tests"],
        cwd=INFRA, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_no_pinecone_secret_or_setting_without_an_index(deployment):
    if not WITHOUT_PINECONE:
        return
    secrets = [r for r in deployment.resources if r.type == "aws:secretsmanager/secret:Secret"]
    assert [r.name for r in secrets] == ["db-secret"]
    for task in (r for r in deployment.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"):
        names = {e["name"] for c in validators._containers(task) for e in c.get("environment", []) + c.get("secrets", [])}
        assert not {n for n in names if n.startswith("PINECONE")}, task.name
    assert isinstance(secrets[0], Resource)
