"""One test per property of the stack, each a validator run over what the program registered.

`conftest.deployment` runs the program under Pulumi's mocks (`@pulumi.runtime.test`) and
records every resource's inputs; the validators are the ones the policy pack runs.
`infra/tests/mutations.py` breaks the program one property at a time and checks that the
matching test here fails.
"""

from __future__ import annotations

import copy
import glob
import os
import re

import pytest

from conftest import CONFIG, DB_PASSWORD, INFRA, PINECONE_KEY, REGION, ROOT, WITHOUT_PINECONE, is_secret, reveal
from refarch_infra import validators
from refarch_infra.validators import RULES, UNKNOWN_SENTINELS, Resource


def assert_holds(deployment, rule: str, **options) -> None:
    report = validators.run(rule, deployment.resources, **options)
    assert report.examined[rule] > 0, f"{rule} examined no resource: the test would pass by looking at nothing"
    assert not report.violations, "\n".join(str(v) for v in report.violations)


def test_deployment_is_complete(deployment):
    types = {r.type for r in deployment.resources}
    for expected in (
        "aws:ec2/vpc:Vpc", "aws:ec2/natGateway:NatGateway", "aws:rds/instance:Instance", "aws:sqs/queue:Queue",
        "aws:ecs/service:Service", "aws:appautoscaling/policy:Policy", "aws:iam/rolePolicy:RolePolicy",
    ):
        assert expected in types
    assert len([r for r in deployment.resources if r.type == "aws:ec2/subnet:Subnet"]) == 4
    assert len([r for r in deployment.resources if r.type == "aws:ec2/natGateway:NatGateway"]) == 1
    zones = {r.get("availabilityZone") for r in deployment.resources if r.type == "aws:ec2/subnet:Subnet"}
    assert zones == {f"{REGION}a", f"{REGION}b"}


def test_rds_is_private(deployment):
    assert_holds(deployment, "rds-not-public")


def test_rds_storage_is_encrypted(deployment):
    assert_holds(deployment, "rds-encrypted")


def test_rds_enforces_tls(deployment):
    assert_holds(deployment, "rds-tls-enforced")


def test_rds_has_automated_backups(deployment):
    assert_holds(deployment, "rds-backups")


def test_rds_password_is_generated_and_never_plain(deployment):
    assert_holds(deployment, "rds-password-generated")
    assert not any("password" in key.lower() for key in CONFIG), "no password in stack configuration"
    db = next(k for k in deployment.raw_inputs if k.startswith("aws:rds/instance:Instance::"))
    assert is_secret(deployment.raw_inputs[db]["password"]), "the master password input must be a Pulumi secret"
    assert DB_PASSWORD not in repr(deployment.outputs)


def test_security_group_ingress_is_exactly_as_listed(deployment):
    assert_holds(deployment, "security-group-ingress")


def test_jobs_queue_is_fifo_with_encrypted_fifo_dlq_after_five_receives(deployment):
    assert_holds(deployment, "sqs-fifo-dlq")


def test_alarms_watch_the_right_queues_and_notify_the_topic(deployment):
    assert_holds(deployment, "queue-alarms")


def test_emu_scales_on_backlog_per_task_within_configured_bounds(deployment):
    assert_holds(deployment, "emu-backlog-scaling", min_tasks=int(CONFIG["refarch-tui:emuMinTasks"]), max_tasks=int(CONFIG["refarch-tui:emuMaxTasks"]))
    policy = next(r for r in deployment.resources if r.type == "aws:appautoscaling/policy:Policy")
    assert policy.get("targetTrackingScalingPolicyConfiguration", "targetValue") == float(CONFIG["refarch-tui:emuBacklogPerTask"])


def test_iam_policies_name_their_resources(deployment):
    assert_holds(deployment, "iam-scoped")


def test_pinecone_key_and_db_password_are_injected_as_secrets(deployment):
    assert_holds(deployment, "secrets-injected")


def test_no_secret_value_in_any_resource_input(deployment):
    def allowed(resource: Resource, key: str) -> bool:
        return (resource.type, key) in {
            ("aws:secretsmanager/secretVersion:SecretVersion", "secretString"),
            ("aws:rds/instance:Instance", "password"),  # the engine keeps it encrypted (checked above)
        }

    inputs = [Resource(*key.split("::", 1), reveal(props)) for key, props in deployment.raw_inputs.items()]
    leaks = validators.find_secret_values(inputs, [DB_PASSWORD, PINECONE_KEY], allowed)
    assert not leaks, f"secret values appear in {leaks}"
    assert PINECONE_KEY not in repr(deployment.outputs) and DB_PASSWORD not in repr(deployment.outputs)
    # and they do reach Secrets Manager (else the scan above proves nothing)
    stored = [r.get("secretString") for r in deployment.resources if r.type == "aws:secretsmanager/secretVersion:SecretVersion"]
    assert any(DB_PASSWORD in s for s in stored)
    assert WITHOUT_PINECONE or any(PINECONE_KEY in s for s in stored)


def test_no_region_is_hard_coded(deployment):
    assert_holds(deployment, "single-region", region=REGION)
    for path in glob.glob(os.path.join(INFRA, "refarch_infra", "*.py")) + [os.path.join(INFRA, "__main__.py")]:
        with open(path) as f:
            source = f.read()
        assert not validators.REGION_PATTERN.findall(source), f"{path} names a region"


def test_tasks_connect_with_sslmode_verify_full(deployment):
    assert_holds(deployment, "tasks-verify-tls")


def test_services_run_privately_and_pelican_has_a_standby(deployment):
    assert_holds(deployment, "ecs-services-private")


def test_ecr_scans_on_push_with_immutable_tags(deployment):
    assert_holds(deployment, "ecr-scanned-immutable")


def test_log_groups_have_retention(deployment):
    assert_holds(deployment, "log-retention")


def test_every_validator_examined_a_resource(deployment):
    options = {"emu-backlog-scaling": {"min_tasks": 2, "max_tasks": 7}, "single-region": {"region": REGION}}
    for rule in RULES:
        report = validators.run(rule, deployment.resources, **options.get(rule, {}))
        assert report.examined[rule] > 0, f"{rule} ran on no resource"


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _unknown_except_tags(props):
    """Every value unknown, as in a first `pulumi preview`, except the tags (literals in the program)."""

    def blur(value):
        if isinstance(value, dict):
            return {k: blur(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blur(v) for v in value]
        return UNKNOWN

    return {k: (v if k == "tags" else blur(v)) for k, v in props.items()}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_unknown_values_never_pass(deployment, rule):
    assert UNKNOWN in UNKNOWN_SENTINELS
    blurred = [Resource(r.type, r.name, _unknown_except_tags(copy.deepcopy(dict(r.props))), UNKNOWN) for r in deployment.resources]
    options = {"emu-backlog-scaling": {"min_tasks": 2, "max_tasks": 7}, "single-region": {"region": REGION}}
    report = validators.run(rule, blurred, **options.get(rule, {}))
    if rule == "single-region":
        # Nothing to read is nothing named: the one rule that rightly passes on unknowns.
        assert report.examined[rule] > 0
        return
    assert report.violations, f"{rule} passed with every value unknown"
    assert any(v.unknown for v in report.violations), f"{rule} must say the values were unknown"


def _names_the_binary_reads() -> set[str]:
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    # `POSTGRES_DB_HOST` / `_PORT` / ... in the table are spelled out in the settings source.
    with open(os.path.join(ROOT, "Sources", "Configuration", "Settings.swift")) as f:
        names |= set(re.findall(r'"([A-Z][A-Z0-9_]+)"', f.read()))
    return names


def test_environment_names_are_the_ones_the_binary_reads(deployment):
    readable = _names_the_binary_reads() | {"PGSSLROOTCERT"}  # libpq's own
    for task in (r for r in deployment.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"):
        for container in validators._containers(task):
            names = {e["name"] for e in container.get("environment", [])} | {s["name"] for s in container.get("secrets", [])}
            assert names <= readable, f"{task.name}: {sorted(names - readable)} are not read by refarch-tui"
    exported = set(re.findall(r"^export ([A-Z0-9_]+)=", deployment.outputs["consoleEnvironment"], re.M))
    required = {"POSTGRES_DB_HOST", "SQS_QUEUE_URL", "POSTGRES_DB_PASSWORD"} | (set() if WITHOUT_PINECONE else {"PINECONE_API_KEY", "PINECONE_INDEX"})
    assert exported <= readable and required <= exported
    assert WITHOUT_PINECONE or "PINECONE_API_KEY" in {s["name"] for t in deployment.resources if t.type.endswith("TaskDefinition") for c in validators._containers(t) for s in c["secrets"]}


def test_outputs_say_how_to_seed_and_reach_the_stack(deployment):
    o = deployment.outputs
    for key in ("jobsQueueUrl", "deadLetterQueueUrl", "alertTopicArn", "dbEndpoint", "clusterName", "pelicanServiceName", "emuServiceName"):
        assert o.get(key), key
    assert o["migrateAndSeedCommand"].startswith("aws ecs run-task ")
    assert "--task-definition refarch-test-migrate" in o["migrateAndSeedCommand"] and f"--region {REGION}" in o["migrateAndSeedCommand"]
    assert "--enable-execute-command" in o["consoleRunTaskCommand"]
    assert "secretsmanager get-secret-value" in o["consoleEnvironment"]
    migrate = next(r for r in deployment.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition" and r.name == "task-migrate")
    command = " ".join(validators._containers(migrate)[0]["command"])
    assert "db migrate" in command and "db seed" in command
