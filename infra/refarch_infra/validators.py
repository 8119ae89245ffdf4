"""The stack's security and reliability rules, as plain functions over resources.

Each rule takes every resource of a stack (type token, logical name, properties in the
provider's camelCase names, and the id when known) and reports what it checked and what it
found wrong. The unit tests run them on the resources the program registers under Pulumi's
mocks; the policy pack (`infra/policy`) runs the same functions on a real preview or update.
This module imports neither `pulumi` nor `pulumi_policy`, so both can use it.

A value that is not known yet (during a preview, an id or ARN that AWS has not assigned)
never passes: a rule that depends on it reports a violation marked `unknown`, so a check can
not succeed by looking at nothing. Each rule also counts the resources it examined; a rule
that examined none is itself a failure in the tests (a renamed type would otherwise make it
silently vacuous).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

# Pulumi's sentinels for values not known during a preview (the engine's and pulumi-policy's).
UNKNOWN_SENTINELS = frozenset(
    {
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string (also the engine's generic unknown)
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)

ROLE_TAG = "refarch:role"
METRICS_PORT = 9464
POSTGRES_PORT = 5432
MAX_RECEIVE_COUNT = 5

# Actions AWS does not scope to a resource ARN: the only ones a statement with Resource "*"
# may grant. Everything that reads or writes data (queues, topics, secrets, logs) names ARNs.
ACTIONS_WITHOUT_RESOURCE_SCOPE = frozenset(
    {
        "ecr:GetAuthorizationToken",
        "ecs:ListServices",
        "ecs:ListTasks",
        "ecs:DescribeTasks",
        "cloudwatch:GetMetricData",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
)
# Services whose actions touch data: their statements must name resources this stack owns.
DATA_SERVICES = ("sqs", "sns", "secretsmanager", "logs", "kms", "s3", "ssm")

REGION_PATTERN = re.compile(
    r"(?<![a-z0-9-])(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-"
    r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9](?![0-9])"
)
SECRET_ENV_NAME = re.compile(r"PASSWORD|SECRET|API_KEY|TOKEN|ACCESS_KEY|PRIVATE_KEY", re.IGNORECASE)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


@dataclass(frozen=True)
class Resource:
    """One resource as both the mocks and the policy engine see it."""

    type: str
    name: str
    props: Mapping[str, Any]
    id: Optional[str] = None

    def get(self, *path: Any) -> Any:
        value: Any = self.props
        for key in path:
            if is_unknown(value):
                return value
            if isinstance(value, Mapping):
                value = value.get(key)
            elif isinstance(value, (list, tuple)) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        return value

    @property
    def role(self) -> Any:
        return self.get("tags", ROLE_TAG)

    def __str__(self) -> str:
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class Violation:
    rule: str
    resource: str
    message: str
    unknown: bool = False

    def __str__(self) -> str:
        kind = "cannot be proven (value unknown)" if self.unknown else "violated"
        return f"[{self.rule}] {self.resource}: {kind}: {self.message}"


@dataclass
class Report:
    """Violations found, and how many resources each rule examined."""

    violations: list[Violation] = field(default_factory=list)
    examined: Counter = field(default_factory=Counter)

    def examine(self, rule: str, resource: Resource) -> None:
        self.examined[rule] += 1

    def require(self, rule: str, resource: Any, ok: bool, message: str, *inputs: Any) -> bool:
        """Records a violation unless `ok`; an unknown among `inputs` is always a violation."""
        unknown = any(contains_unknown(v) for v in inputs)
        if unknown or not ok:
            self.violations.append(Violation(rule, str(resource), message, unknown))
            return False
        return True

    def of(self, rule: str) -> list[Violation]:
        return [v for v in self.violations if v.rule == rule]


def _of_type(resources: Iterable[Resource], type_token: str) -> list[Resource]:
    return [r for r in resources if r.type == type_token]


def _json(value: Any) -> Any:
    if isinstance(value, str) and not is_unknown(value):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _by_role(resources: Iterable[Resource], type_token: str, role: str) -> list[Resource]:
    return [r for r in _of_type(resources, type_token) if r.role == role]


# ------------------------------------------------------------------------------------ RDS

RDS = "aws:rds/instance:Instance"


def rds_not_public(resources: Sequence[Resource], report: Report) -> None:
    """RDS is not publicly accessible and lives in private subnets behind the database group."""
    rule = "rds-not-public"
    private_ids = {s.id for s in _by_role(resources, "aws:ec2/subnet:Subnet", "private")}
    groups = {g.get("name"): g for g in _of_type(resources, "aws:rds/subnetGroup:SubnetGroup")}
    db_groups = {g.id for g in _by_role(resources, "aws:ec2/securityGroup:SecurityGroup", "database")}
    for db in _of_type(resources, RDS):
        report.examine(rule, db)
        public = db.get("publiclyAccessible")
        report.require(rule, db, public is False, f"publiclyAccessible must be false (is {public!r})", public)
        group_name = db.get("dbSubnetGroupName")
        group = groups.get(group_name)
        subnets = _as_list(group.get("subnetIds")) if group else []
        report.require(
            rule, db, bool(subnets) and all(s in private_ids for s in subnets),
            f"subnet group {group_name!r} must hold only private subnets (has {subnets})", group_name, subnets,
        )
        sgs = _as_list(db.get("vpcSecurityGroupIds"))
        report.require(rule, db, bool(sgs) and set(sgs) <= db_groups, f"security groups {sgs} must be the database group", sgs)


def rds_encrypted(resources: Sequence[Resource], report: Report) -> None:
    rule = "rds-encrypted"
    for db in _of_type(resources, RDS):
        report.examine(rule, db)
        value = db.get("storageEncrypted")
        report.require(rule, db, value is True, f"storageEncrypted must be true (is {value!r})", value)


def rds_tls_enforced(resources: Sequence[Resource], report: Report) -> None:
    """Postgres 15 with a parameter group that sets rds.force_ssl = 1."""
    rule = "rds-tls-enforced"
    groups = {g.get("name"): g for g in _of_type(resources, "aws:rds/parameterGroup:ParameterGroup")}
    for db in _of_type(resources, RDS):
        report.examine(rule, db)
        engine, version = db.get("engine"), str(db.get("engineVersion") or "")
        report.require(rule, db, engine == "postgres" and version.split(".")[0] == "15", f"must be Postgres 15 (is {engine} {version})", engine, version)
        name = db.get("parameterGroupName")
        group = groups.get(name)
        params = {p.get("name"): str(p.get("value")) for p in _as_list(group.get("parameters"))} if group else {}
        report.require(
            rule, db, group is not None and params.get("rds.force_ssl") == "1",
            f"parameter group {name!r} must set rds.force_ssl = 1 (has {params})", name, params,
        )
        if group is not None:
            report.require(rule, db, group.get("family") == "postgres15", "parameter group family must be postgres15", group.get("family"))


def rds_backups(resources: Sequence[Resource], report: Report) -> None:
    rule = "rds-backups"
    for db in _of_type(resources, RDS):
        report.examine(rule, db)
        days = db.get("backupRetentionPeriod")
        report.require(rule, db, _number(days) and days >= 1, f"automated backups must be on (retention {days!r})", days)


def rds_password_generated(resources: Sequence[Resource], report: Report) -> None:
    """The master password comes from random.RandomPassword and is kept in Secrets Manager."""
    rule = "rds-password-generated"
    generated = {r.get("result") for r in _of_type(resources, "random:index/randomPassword:RandomPassword")}
    stored = []
    for version in _of_type(resources, "aws:secretsmanager/secretVersion:SecretVersion"):
        body = _json(version.get("secretString"))
        if isinstance(body, Mapping):
            stored.append(body.get("password"))
    for db in _of_type(resources, RDS):
        report.examine(rule, db)
        password = db.get("password")
        managed = db.get("manageMasterUserPassword")
        if managed is True:
            continue  # RDS generates it and keeps it in Secrets Manager itself
        report.require(rule, db, password is not None and password in generated, "master password must be a random.RandomPassword result", password)
        report.require(rule, db, password in stored, "master password must be stored in a Secrets Manager secret", password)


# ------------------------------------------------------------------------------------ network

SG = "aws:ec2/securityGroup:SecurityGroup"


def _rule_key(rule: Mapping[str, Any]) -> tuple:
    return (
        str(rule.get("protocol")),
        rule.get("fromPort"),
        rule.get("toPort"),
        tuple(sorted(_as_list(rule.get("cidrBlocks")))),
        tuple(sorted(_as_list(rule.get("ipv6CidrBlocks")))),
        tuple(sorted(_as_list(rule.get("prefixListIds")))),
        tuple(sorted(_as_list(rule.get("securityGroups")))),
        bool(rule.get("self")),
    )


def security_group_ingress(resources: Sequence[Resource], report: Report) -> None:
    """Each group's ingress is exactly what its role allows: nothing else reaches anything."""
    rule = "security-group-ingress"
    groups = _of_type(resources, SG)
    ids = {role: sorted((str(g.id) for g in groups if g.role == role)) for role in ("workers", "console", "database")}
    vpc_cidrs = [v.get("cidrBlock") for v in _of_type(resources, "aws:ec2/vpc:Vpc")]
    expected = {
        "database": {("tcp", POSTGRES_PORT, POSTGRES_PORT, (), (), (), tuple(sorted(ids["workers"] + ids["console"])), False)},
        "workers": {("tcp", METRICS_PORT, METRICS_PORT, tuple(sorted(vpc_cidrs)), (), (), (), False)},
        "console": set(),
    }
    for group in groups:
        report.examine(rule, group)
        ingress = _as_list(group.get("ingress"))
        role = group.role
        if not report.require(rule, group, role in expected, f"security group has no known role tag {ROLE_TAG!r} (is {role!r})", role):
            continue
        actual = {_rule_key(r) for r in ingress if isinstance(r, Mapping)}
        report.require(
            rule, group, actual == expected[role] and len(ingress) == len(expected[role]),
            f"ingress must be exactly {sorted(expected[role], key=str)} for role {role} (is {sorted(actual, key=str)})", ingress, ids, vpc_cidrs,
        )
    for rule_resource in _of_type(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") + _of_type(
        resources, "aws:ec2/securityGroupRule:SecurityGroupRule"
    ):
        report.examine(rule, rule_resource)
        report.require(rule, rule_resource, rule_resource.get("type") == "egress", "ingress only inline in the group, where it is checked")


# ------------------------------------------------------------------------------------ queues

QUEUE = "aws:sqs/queue:Queue"


def _encrypted(queue: Resource) -> bool:
    return queue.get("sqsManagedSseEnabled") is True or bool(queue.get("kmsMasterKeyId"))


def sqs_fifo_with_dlq(resources: Sequence[Resource], report: Report) -> None:
    """Every queue is FIFO and encrypted; the jobs queue redrives to a FIFO DLQ after 5 receives."""
    rule = "sqs-fifo-dlq"
    queues = _of_type(resources, QUEUE)
    dlq_arns = {q.get("arn"): q for q in queues if q.role == "dead-letters"}
    for queue in queues:
        report.examine(rule, queue)
        name, fifo = queue.get("name"), queue.get("fifoQueue")
        report.require(rule, queue, fifo is True and str(name).endswith(".fifo"), f"must be FIFO with a .fifo name (is {name!r}, fifo {fifo!r})", name, fifo)
        report.require(rule, queue, _encrypted(queue), "server-side encryption must be on", queue.get("sqsManagedSseEnabled"), queue.get("kmsMasterKeyId"))
        if queue.role == "jobs":
            policy = _json(queue.get("redrivePolicy"))
            target = policy.get("deadLetterTargetArn") if isinstance(policy, Mapping) else None
            count = policy.get("maxReceiveCount") if isinstance(policy, Mapping) else None
            report.require(rule, queue, target in dlq_arns, f"redrive target {target!r} must be the stack's DLQ", queue.get("redrivePolicy"), target)
            report.require(rule, queue, count == MAX_RECEIVE_COUNT, f"maxReceiveCount must be {MAX_RECEIVE_COUNT} (is {count!r})", count)
        else:
            report.require(rule, queue, queue.role == "dead-letters", f"queue has no known role (is {queue.role!r})", queue.role)
    report.require(rule, "stack", any(q.role == "jobs" for q in queues), "the stack must have a jobs queue")


def queue_alarms(resources: Sequence[Resource], report: Report) -> None:
    """DLQ depth > 0 and the jobs queue's oldest message age alarm, both notifying the alert topic."""
    rule = "queue-alarms"
    topics = {t.get("arn") for t in _by_role(resources, "aws:sns/topic:Topic", "alerts")}
    alarms = _of_type(resources, "aws:cloudwatch/metricAlarm:MetricAlarm")

    def alarm_for(queue: Resource, metric: str) -> list[Resource]:
        return [
            a for a in alarms
            if a.get("namespace") == "AWS/SQS" and a.get("metricName") == metric and a.get("dimensions", "QueueName") == queue.get("name")
        ]

    for queue in _of_type(resources, QUEUE):
        if queue.role == "dead-letters":
            metric, check = "ApproximateNumberOfMessagesVisible", lambda a: (
                (a.get("comparisonOperator") == "GreaterThanThreshold" and a.get("threshold") == 0)
                or (a.get("comparisonOperator") == "GreaterThanOrEqualToThreshold" and a.get("threshold") == 1)
            )
        elif queue.role == "jobs":
            metric, check = "ApproximateAgeOfOldestMessage", lambda a: a.get("comparisonOperator") == "GreaterThanThreshold" and (a.get("threshold") or 0) > 0
        else:
            continue
        report.examine(rule, queue)
        found = [a for a in alarm_for(queue, metric) if check(a)]
        report.require(rule, queue, bool(found), f"needs a {metric} alarm (depth > 0 / age) on this queue", queue.get("name"))
        for alarm in found:
            actions = _as_list(alarm.get("alarmActions"))
            report.require(rule, alarm, bool(topics) and any(a in topics for a in actions), f"alarm must notify the alert topic (actions {actions})", actions)


# ------------------------------------------------------------------------------------ ECS

SERVICE = "aws:ecs/service:Service"


def _containers(task: Resource) -> list[Mapping[str, Any]]:
    value = _json(task.get("containerDefinitions"))
    return [c for c in value if isinstance(c, Mapping)] if isinstance(value, list) else []


def emu_backlog_scaling(resources: Sequence[Resource], report: Report, *, min_tasks: Optional[int] = None, max_tasks: Optional[int] = None) -> None:
    """Emu scales on jobs visible ÷ running emu tasks, within the configured bounds."""
    rule = "emu-backlog-scaling"
    clusters = {c.get("arn"): c for c in _of_type(resources, "aws:ecs/cluster:Cluster")}
    jobs_names = {q.get("name") for q in _by_role(resources, QUEUE, "jobs")}
    targets = _of_type(resources, "aws:appautoscaling/target:Target")
    policies = _of_type(resources, "aws:appautoscaling/policy:Policy")
    for service in _by_role(resources, SERVICE, "emu"):
        report.examine(rule, service)
        cluster = clusters.get(service.get("cluster"))
        cluster_name = cluster.get("name") if cluster else None
        insights = {s.get("name"): s.get("value") for s in _as_list(cluster.get("settings"))} if cluster else {}
        report.require(rule, service, insights.get("containerInsights") in ("enabled", "enhanced"), "the cluster needs Container Insights (RunningTaskCount)", insights)
        resource_id = f"service/{cluster_name}/{service.get('name')}"
        mine = [t for t in targets if t.get("resourceId") == resource_id and t.get("scalableDimension") == "ecs:service:DesiredCount"]
        if not report.require(rule, service, len(mine) == 1, f"needs one scalable target for {resource_id}", cluster_name, service.get("name")):
            continue
        target = mine[0]
        lo, hi = target.get("minCapacity"), target.get("maxCapacity")
        if min_tasks is not None or max_tasks is not None:
            report.require(rule, target, (lo, hi) == (min_tasks, max_tasks), f"bounds must be {min_tasks}..{max_tasks} (are {lo}..{hi})", lo, hi)
        else:
            report.require(rule, target, _number(lo) and _number(hi) and 1 <= lo <= hi, f"bounds must satisfy 1 <= min <= max (are {lo}..{hi})", lo, hi)
        attached = [p for p in policies if p.get("resourceId") == resource_id]
        report.require(rule, service, len(attached) >= 1, "needs a scaling policy")
        for policy in attached:
            report.require(rule, policy, policy.get("policyType") == "TargetTrackingScaling", "must be target tracking", policy.get("policyType"))
            spec = policy.get("targetTrackingScalingPolicyConfiguration", "customizedMetricSpecification")
            metrics = _as_list(spec.get("metrics")) if isinstance(spec, Mapping) else []
            by_id = {m.get("id"): m for m in metrics if isinstance(m, Mapping)}

            def stat(m: Mapping[str, Any]) -> tuple:
                metric = (m.get("metricStat") or {}).get("metric") or {}
                dims = {d.get("name"): d.get("value") for d in _as_list(metric.get("dimensions"))}
                return metric.get("namespace"), metric.get("metricName"), dims

            returned = [m for m in metrics if isinstance(m, Mapping) and m.get("returnData") is True]
            ok = False
            if len(returned) == 1 and returned[0].get("expression"):
                parts = re.fullmatch(r"\s*\(?\s*(\w+)\s*\)?\s*/\s*\(?\s*(\w+)\s*\)?\s*", str(returned[0].get("expression")))
                if parts and parts.group(1) in by_id and parts.group(2) in by_id:
                    ns1, name1, dims1 = stat(by_id[parts.group(1)])
                    ns2, name2, dims2 = stat(by_id[parts.group(2)])
                    ok = (
                        (ns1, name1) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible") and dims1.get("QueueName") in jobs_names
                        and (ns2, name2) == ("ECS/ContainerInsights", "RunningTaskCount")
                        and dims2 == {"ClusterName": cluster_name, "ServiceName": service.get("name")}
                    )
            report.require(rule, policy, ok, "must track jobs visible ÷ running emu tasks (metric math over the customized metrics)", metrics)
            value = (policy.get("targetTrackingScalingPolicyConfiguration") or {}).get("targetValue")
            report.require(rule, policy, _number(value) and value > 0, f"target backlog per task must be > 0 (is {value!r})", value)


def ecs_services_private(resources: Sequence[Resource], report: Report) -> None:
    """Services run on Fargate in private subnets without public IPs; pelican runs leader + standby;
    a deploy never takes emu below its count."""
    rule = "ecs-services-private"
    private_ids = {s.id for s in _by_role(resources, "aws:ec2/subnet:Subnet", "private")}
    for service in _of_type(resources, SERVICE):
        report.examine(rule, service)
        network = service.get("networkConfiguration") or {}
        subnets = _as_list(network.get("subnets")) if isinstance(network, Mapping) else []
        report.require(rule, service, service.get("launchType") == "FARGATE", "must run on Fargate", service.get("launchType"))
        report.require(rule, service, network.get("assignPublicIp") is not True, "must not assign public IPs", network)
        report.require(rule, service, bool(subnets) and set(subnets) <= private_ids, f"subnets {subnets} must be private", subnets)
        if service.role == "pelican":
            report.require(rule, service, service.get("desiredCount") == 2, "pelican runs 2 tasks: one leader, one standby", service.get("desiredCount"))
        if service.role == "emu":
            minimum = service.get("deploymentMinimumHealthyPercent")
            report.require(rule, service, minimum == 100, "emu keeps its full count during a deploy (minimum healthy 100 %)", minimum)


def secrets_injected(resources: Sequence[Resource], report: Report) -> None:
    """Passwords and API keys reach containers as ECS secrets from Secrets Manager, never as values."""
    rule = "secrets-injected"
    secret_arns = {s.get("arn") for s in _of_type(resources, "aws:secretsmanager/secret:Secret")}

    def from_secret(value_from: Any) -> bool:
        return isinstance(value_from, str) and any(value_from == a or value_from.startswith(f"{a}:") for a in secret_arns if a)

    for task in _of_type(resources, "aws:ecs/taskDefinition:TaskDefinition"):
        report.examine(rule, task)
        containers = _containers(task)
        report.require(rule, task, bool(containers), "container definitions must be readable", task.get("containerDefinitions"))
        for c in containers:
            env = {e.get("name"): e.get("value") for e in _as_list(c.get("environment"))}
            secrets = {s.get("name"): s.get("valueFrom") for s in _as_list(c.get("secrets"))}
            leaked = sorted(k for k in env if SECRET_ENV_NAME.search(str(k)))
            report.require(rule, task, not leaked, f"{leaked} must be secrets, not environment values", list(env))
            report.require(rule, task, from_secret(secrets.get("POSTGRES_DB_PASSWORD")), "POSTGRES_DB_PASSWORD must come from a stack secret", secrets)
            if "PINECONE_INDEX" in env:
                report.require(rule, task, from_secret(secrets.get("PINECONE_API_KEY")), "PINECONE_API_KEY must come from a stack secret", secrets)
            for name, value_from in secrets.items():
                report.require(rule, task, from_secret(value_from), f"secret {name} must come from this stack's Secrets Manager", value_from)


def tasks_verify_tls(resources: Sequence[Resource], report: Report) -> None:
    """Every task connects to Postgres with sslmode=verify-full against the image's CA bundle."""
    rule = "tasks-verify-tls"
    for task in _of_type(resources, "aws:ecs/taskDefinition:TaskDefinition"):
        report.examine(rule, task)
        containers = _containers(task)
        report.require(rule, task, bool(containers), "container definitions must be readable", task.get("containerDefinitions"))
        for c in containers:
            env = {e.get("name"): e.get("value") for e in _as_list(c.get("environment"))}
            report.require(rule, task, env.get("POSTGRES_SSLMODE") == "verify-full", f"POSTGRES_SSLMODE must be verify-full (is {env.get('POSTGRES_SSLMODE')!r})", env)
            report.require(rule, task, bool(env.get("PGSSLROOTCERT")), "PGSSLROOTCERT must point at the RDS CA bundle", env)


def ecr_scanned_immutable(resources: Sequence[Resource], report: Report) -> None:
    rule = "ecr-scanned-immutable"
    for repo in _of_type(resources, "aws:ecr/repository:Repository"):
        report.examine(rule, repo)
        report.require(rule, repo, repo.get("imageTagMutability") == "IMMUTABLE", "tags must be immutable", repo.get("imageTagMutability"))
        scan = repo.get("imageScanningConfiguration", "scanOnPush")
        report.require(rule, repo, scan is True, "images must be scanned on push", scan)


# ------------------------------------------------------------------------------------ IAM, logs


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if isinstance(document, Mapping):
        return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]
    return []


def iam_scoped(resources: Sequence[Resource], report: Report) -> None:
    """Policies name the stack's own ARNs; "*" only for actions AWS cannot scope; no managed policies."""
    rule = "iam-scoped"
    owned = {
        "sqs": {q.get("arn") for q in _of_type(resources, QUEUE)},
        "sns": {t.get("arn") for t in _of_type(resources, "aws:sns/topic:Topic")},
        "secretsmanager": {s.get("arn") for s in _of_type(resources, "aws:secretsmanager/secret:Secret")},
        "logs": {f"{g.get('arn')}:log-stream:*" for g in _of_type(resources, "aws:cloudwatch/logGroup:LogGroup")}
        | {g.get("arn") for g in _of_type(resources, "aws:cloudwatch/logGroup:LogGroup")},
    }
    owned = {k: {a for a in v if a} for k, v in owned.items()}
    documents = [(p, p.get("policy")) for p in _of_type(resources, "aws:iam/rolePolicy:RolePolicy")]
    documents += [(p, p.get("policy")) for p in _of_type(resources, "aws:iam/policy:Policy")]
    documents += [(r, r.get("assumeRolePolicy")) for r in _of_type(resources, "aws:iam/role:Role")]
    for role in _of_type(resources, "aws:iam/role:Role"):
        report.require(rule, role, not _as_list(role.get("managedPolicyArns")), "managed policies are not scoped to this stack", role.get("managedPolicyArns"))
        for inline in _as_list(role.get("inlinePolicies")):
            documents.append((role, inline.get("policy") if isinstance(inline, Mapping) else None))
    for attachment in _of_type(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        report.examine(rule, attachment)
        report.require(rule, attachment, False, f"attached policy {attachment.get('policyArn')!r} is not scoped to this stack")
    for holder, raw in documents:
        report.examine(rule, holder)
        document = _json(raw)
        if not report.require(rule, holder, isinstance(document, Mapping), "policy document must be readable JSON", raw):
            continue
        for statement in _statements(document):
            if statement.get("Principal") is not None:
                continue  # a trust policy: who may assume the role, not what it may do
            report.require(rule, holder, "NotAction" not in statement and "NotResource" not in statement, "NotAction/NotResource grant too much")
            if statement.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in _as_list(statement.get("Action"))]
            resources_ = _as_list(statement.get("Resource"))
            report.require(rule, holder, all("*" not in a for a in actions), f"actions must be named, not wildcards ({actions})", actions)
            if "*" in resources_:
                report.require(
                    rule, holder, resources_ == ["*"] and all(a in ACTIONS_WITHOUT_RESOURCE_SCOPE for a in actions),
                    f"Resource \"*\" only for actions AWS cannot scope (got {sorted(set(actions) - ACTIONS_WITHOUT_RESOURCE_SCOPE)})", actions,
                )
                continue
            for action in actions:
                service = action.split(":", 1)[0]
                for arn in resources_:
                    report.require(rule, holder, isinstance(arn, str) and ("*" not in arn or arn in owned.get("logs", set())), f"resource {arn!r} must be an exact ARN", arn)
                    if service in owned:
                        report.require(rule, holder, arn in owned[service], f"{action} on {arn!r}: not one of this stack's {service} resources", arn)
                    elif service in DATA_SERVICES:
                        report.require(rule, holder, False, f"{action}: data access outside the stack's queues, topic, secrets and logs")


def log_retention(resources: Sequence[Resource], report: Report) -> None:
    """Every log group has a retention, and every container logs to one of them."""
    rule = "log-retention"
    groups = _of_type(resources, "aws:cloudwatch/logGroup:LogGroup")
    names = {g.get("name") for g in groups}
    for group in groups:
        report.examine(rule, group)
        days = group.get("retentionInDays")
        report.require(rule, group, _number(days) and days > 0, f"retentionInDays must be set (is {days!r})", days)
    for task in _of_type(resources, "aws:ecs/taskDefinition:TaskDefinition"):
        for c in _containers(task):
            group = ((c.get("logConfiguration") or {}).get("options") or {}).get("awslogs-group")
            report.require(rule, task, group in names, f"container {c.get('name')!r} must log to a stack log group (is {group!r})", group)


# ------------------------------------------------------------------------------------ whole stack


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def single_region(resources: Sequence[Resource], report: Report, *, region: Optional[str] = None) -> None:
    """Every region named in any input is the stack's own (`region`), or at least one and the same."""
    rule = "single-region"
    seen: dict[str, str] = {}
    for resource in resources:
        report.examine(rule, resource)
        for text in _strings(resource.props):
            for match in REGION_PATTERN.findall(text):
                seen.setdefault(match, str(resource))
    allowed = {region} if region else set(list(seen)[:1])
    for found, where in seen.items():
        report.require(rule, where, found in allowed, f"region {found!r} is named, but the stack's region is {sorted(allowed)}")


def find_secret_values(resources: Sequence[Resource], secrets: Iterable[str], allowed: Callable[[Resource, str], bool]) -> list[str]:
    """Where a secret value appears in an input, other than the places `allowed` permits."""
    found = []
    for resource in resources:
        for key, value in resource.props.items():
            for text in _strings(value):
                for secret in secrets:
                    if secret and secret in text and not allowed(resource, key):
                        found.append(f"{resource}.{key}")
    return found


RULES: dict[str, Callable[..., None]] = {
    "rds-not-public": rds_not_public,
    "rds-encrypted": rds_encrypted,
    "rds-tls-enforced": rds_tls_enforced,
    "rds-backups": rds_backups,
    "rds-password-generated": rds_password_generated,
    "security-group-ingress": security_group_ingress,
    "sqs-fifo-dlq": sqs_fifo_with_dlq,
    "queue-alarms": queue_alarms,
    "emu-backlog-scaling": emu_backlog_scaling,
    "ecs-services-private": ecs_services_private,
    "secrets-injected": secrets_injected,
    "tasks-verify-tls": tasks_verify_tls,
    "ecr-scanned-immutable": ecr_scanned_immutable,
    "iam-scoped": iam_scoped,
    "log-retention": log_retention,
    "single-region": single_region,
}


def run(rule: str, resources: Sequence[Resource], **options: Any) -> Report:
    report = Report()
    RULES[rule](resources, report, **options)
    return report
