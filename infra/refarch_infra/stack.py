"""The AWS side of refarch-tui: network, database, queues, alarms, ECS services and their roles.

`build(settings)` declares every resource and returns the stack outputs. Nothing here names a
region or an account: both come from the provider (`aws.get_region`, `aws.get_caller_identity`),
so a stack works in any region. The properties that matter (private encrypted RDS with TLS,
least-privilege security groups and IAM, FIFO queue with DLQ, alarms, backlog scaling) are
checked by `validators.py`, in the unit tests and in the policy pack.
"""

from __future__ import annotations

import ipaddress
import shlex
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from .settings import (
    MAX_RECEIVE_COUNT,
    METRICS_PORT,
    POSTGRES_PORT,
    RDS_CA_BUNDLE,
    StackSettings,
)

ROLE_TAG = "refarch:role"


@dataclass
class Stack:
    """What `build` made that callers (tests, __main__) need."""

    outputs: dict[str, Any]


def _tags(name: str, role: Optional[str] = None) -> dict[str, str]:
    tags = {"Name": name, "app": "refarch-tui", "stack": pulumi.get_stack()}
    if role:
        tags[ROLE_TAG] = role
    return tags


def _policy(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def build(settings: StackSettings) -> Stack:
    stack = pulumi.get_stack()
    prefix = f"refarch-{stack}"
    region = aws.get_region_output().region
    account = aws.get_caller_identity_output().account_id

    # ---------------------------------------------------------------- network: two zones, one NAT
    zones = aws.get_availability_zones_output(state="available").names.apply(lambda names: names[:2])
    vpc = aws.ec2.Vpc(
        "vpc",
        cidr_block=settings.vpc_cidr,
        enable_dns_hostnames=True,
        enable_dns_support=True,
        tags=_tags(f"{prefix}-vpc"),
    )
    blocks = list(ipaddress.ip_network(settings.vpc_cidr).subnets(new_prefix=20))
    public_subnets, private_subnets = [], []
    for i in range(2):
        zone = zones.apply(lambda names, i=i: names[i])
        public_subnets.append(
            aws.ec2.Subnet(
                f"public-{i}",
                vpc_id=vpc.id,
                cidr_block=str(blocks[i]),
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=_tags(f"{prefix}-public-{i}", "public"),
            )
        )
        private_subnets.append(
            aws.ec2.Subnet(
                f"private-{i}",
                vpc_id=vpc.id,
                cidr_block=str(blocks[8 + i]),
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags=_tags(f"{prefix}-private-{i}", "private"),
            )
        )
    gateway = aws.ec2.InternetGateway("igw", vpc_id=vpc.id, tags=_tags(f"{prefix}-igw"))
    nat_ip = aws.ec2.Eip("nat-ip", domain="vpc", tags=_tags(f"{prefix}-nat"))
    nat = aws.ec2.NatGateway(
        "nat", allocation_id=nat_ip.id, subnet_id=public_subnets[0].id, tags=_tags(f"{prefix}-nat")
    )
    public_routes = aws.ec2.RouteTable(
        "public-routes",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
        tags=_tags(f"{prefix}-public"),
    )
    private_routes = aws.ec2.RouteTable(
        "private-routes",
        vpc_id=vpc.id,
        routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}],
        tags=_tags(f"{prefix}-private"),
    )
    for i in range(2):
        aws.ec2.RouteTableAssociation(f"public-{i}", subnet_id=public_subnets[i].id, route_table_id=public_routes.id)
        aws.ec2.RouteTableAssociation(f"private-{i}", subnet_id=private_subnets[i].id, route_table_id=private_routes.id)
    private_subnet_ids = [s.id for s in private_subnets]
    private_cidrs = [str(blocks[8]), str(blocks[9])]

    # ---------------------------------------------------------------- security groups
    # Tasks talk to AWS APIs, ECR and Pinecone over HTTPS (through the NAT) and to the database in
    # the private subnets; nothing reaches the tasks except Prometheus scrapes from inside the VPC.
    task_egress = [
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "description": "HTTPS: AWS APIs, ECR, Pinecone"},
        {"protocol": "tcp", "from_port": POSTGRES_PORT, "to_port": POSTGRES_PORT, "cidr_blocks": private_cidrs, "description": "Postgres"},
    ]
    workers_sg = aws.ec2.SecurityGroup(
        "workers-sg",
        vpc_id=vpc.id,
        description="refarch-tui workers: metrics port from inside the VPC only",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": METRICS_PORT,
                "to_port": METRICS_PORT,
                "cidr_blocks": [settings.vpc_cidr],
                "description": "Prometheus /metrics and /healthz",
            }
        ],
        egress=task_egress,
        tags=_tags(f"{prefix}-workers", "workers"),
    )
    console_sg = aws.ec2.SecurityGroup(
        "console-sg",
        vpc_id=vpc.id,
        description="refarch-tui console and one-off tasks: no inbound (reached with ECS Exec)",
        ingress=[],
        egress=task_egress,
        tags=_tags(f"{prefix}-console", "console"),
    )
    db_sg = aws.ec2.SecurityGroup(
        "db-sg",
        vpc_id=vpc.id,
        description="refarch-tui Postgres: 5432 from the workers and the console only",
        ingress=[
            {
                "protocol": "tcp",
                "from_port": POSTGRES_PORT,
                "to_port": POSTGRES_PORT,
                "security_groups": [workers_sg.id, console_sg.id],
                "description": "Postgres from refarch-tui tasks",
            }
        ],
        egress=[],
        tags=_tags(f"{prefix}-db", "database"),
    )

    # ---------------------------------------------------------------- secrets
    db_password = random.RandomPassword(
        "db-password", length=32, special=True, override_special="!#%*()-_=+[]{}<>?", min_lower=1, min_upper=1, min_numeric=1
    )
    db_secret = aws.secretsmanager.Secret(
        "db-secret",
        name_prefix=f"{prefix}/database-",
        description="refarch-tui RDS master user (JSON: username, password)",
        recovery_window_in_days=7,
        tags=_tags(f"{prefix}-db-secret", "database-secret"),
    )
    aws.secretsmanager.SecretVersion(
        "db-secret-value",
        secret_id=db_secret.id,
        secret_string=pulumi.Output.secret(
            pulumi.Output.json_dumps({"username": settings.db_user, "password": db_password.result})
        ),
    )
    pinecone_secret = None
    if settings.pinecone_index:
        pinecone_secret = aws.secretsmanager.Secret(
            "pinecone-secret",
            name_prefix=f"{prefix}/pinecone-api-key-",
            description="Pinecone API key for the refarch-tui workers and console",
            recovery_window_in_days=7,
            tags=_tags(f"{prefix}-pinecone-secret", "pinecone-secret"),
        )
        aws.secretsmanager.SecretVersion(
            "pinecone-secret-value",
            secret_id=pinecone_secret.id,
            secret_string=pulumi.Output.secret(settings.pinecone_api_key),
        )

    # ---------------------------------------------------------------- database
    db_params = aws.rds.ParameterGroup(
        "db-params",
        family="postgres15",
        description="refarch-tui: TLS required for every connection",
        parameters=[{"name": "rds.force_ssl", "value": "1", "apply_method": "pending-reboot"}],
        tags=_tags(f"{prefix}-db-params"),
    )
    db_subnets = aws.rds.SubnetGroup(
        "db-subnets", subnet_ids=private_subnet_ids, description="refarch-tui private subnets", tags=_tags(f"{prefix}-db")
    )
    db = aws.rds.Instance(
        "db",
        identifier_prefix=f"{prefix}-",
        engine="postgres",
        engine_version="15",
        instance_class=settings.db_instance_class,
        allocated_storage=settings.db_allocated_storage_gb,
        storage_type="gp3",
        storage_encrypted=True,
        db_name=settings.db_name,
        username=settings.db_user,
        password=db_password.result,
        port=POSTGRES_PORT,
        parameter_group_name=db_params.name,
        db_subnet_group_name=db_subnets.name,
        vpc_security_group_ids=[db_sg.id],
        publicly_accessible=False,
        backup_retention_period=settings.db_backup_retention_days,
        copy_tags_to_snapshot=True,
        deletion_protection=settings.db_deletion_protection,
        skip_final_snapshot=not settings.db_deletion_protection,
        final_snapshot_identifier=None if not settings.db_deletion_protection else f"{prefix}-final",
        auto_minor_version_upgrade=True,
        apply_immediately=False,
        tags=_tags(f"{prefix}-db", "database"),
    )

    # ---------------------------------------------------------------- queues, topic, alarms
    # FIFO names are explicit (FIFO queues must end in .fifo, and mocks do no autonaming).
    dlq = aws.sqs.Queue(
        "dlq",
        name=f"{prefix}-dead-letters.fifo",
        fifo_queue=True,
        sqs_managed_sse_enabled=True,
        message_retention_seconds=14 * 24 * 3600,
        tags=_tags(f"{prefix}-dead-letters", "dead-letters"),
    )
    jobs = aws.sqs.Queue(
        "jobs",
        name=f"{prefix}-jobs.fifo",
        fifo_queue=True,
        sqs_managed_sse_enabled=True,
        visibility_timeout_seconds=120,
        message_retention_seconds=4 * 24 * 3600,
        redrive_policy=pulumi.Output.json_dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": MAX_RECEIVE_COUNT}),
        tags=_tags(f"{prefix}-jobs", "jobs"),
    )
    topic = aws.sns.Topic("alerts", name=f"{prefix}-dead-letter-alerts", tags=_tags(f"{prefix}-alerts", "alerts"))
    if settings.alarm_email:
        aws.sns.TopicSubscription("alerts-email", topic=topic.arn, protocol="email", endpoint=settings.alarm_email)
    aws.cloudwatch.MetricAlarm(
        "dlq-not-empty",
        alarm_description="Messages reached the refarch-tui dead-letter queue: `refarch-tui queue peek --dlq`, then `queue redrive`.",
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": dlq.name},
        statistic="Maximum",
        period=60,
        evaluation_periods=1,
        threshold=0,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
        tags=_tags(f"{prefix}-dlq-not-empty"),
    )
    aws.cloudwatch.MetricAlarm(
        "jobs-oldest-message",
        alarm_description="The oldest refarch-tui job waits too long: emu is down or too few tasks run.",
        namespace="AWS/SQS",
        metric_name="ApproximateAgeOfOldestMessage",
        dimensions={"QueueName": jobs.name},
        statistic="Maximum",
        period=60,
        evaluation_periods=5,
        threshold=settings.oldest_message_alarm_seconds,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
        tags=_tags(f"{prefix}-jobs-oldest-message"),
    )

    # ---------------------------------------------------------------- image, logs, cluster
    repository = aws.ecr.Repository(
        "repository",
        name=f"{prefix}/refarch-tui",
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration={"scan_on_push": True},
        encryption_configurations=[{"encryption_type": "AES256"}],
        tags=_tags(f"{prefix}-repository"),
    )
    image = pulumi.Output.concat(repository.repository_url, ":", settings.image_tag)
    log_groups = {
        kind: aws.cloudwatch.LogGroup(
            f"logs-{kind}",
            name=f"/refarch/{stack}/{kind}",
            retention_in_days=settings.log_retention_days,
            tags=_tags(f"{prefix}-{kind}"),
        )
        for kind in ("pelican", "emu", "console", "migrate")
    }
    cluster = aws.ecs.Cluster(
        "cluster",
        name=f"{prefix}",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        tags=_tags(f"{prefix}-cluster"),
    )

    # ---------------------------------------------------------------- IAM
    assume_ecs_tasks = pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                }
            ],
        }
    )
    secret_arns = [db_secret.arn] + ([pinecone_secret.arn] if pinecone_secret else [])
    log_stream_arns = [pulumi.Output.concat(g.arn, ":log-stream:*") for g in log_groups.values()]
    execution_role = aws.iam.Role("execution-role", assume_role_policy=assume_ecs_tasks, tags=_tags(f"{prefix}-execution"))
    aws.iam.RolePolicy(
        "execution-policy",
        role=execution_role.id,
        policy=_policy(
            [
                {"Sid": "EcrLogin", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
                {
                    "Sid": "PullImage",
                    "Effect": "Allow",
                    "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                    "Resource": [repository.arn],
                },
                {"Sid": "WriteLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": log_stream_arns},
                {"Sid": "InjectSecrets", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": secret_arns},
            ]
        ),
    )

    queue_actions_worker = [
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
    ]
    ecs_exec = {
        "Sid": "EcsExec",
        "Effect": "Allow",
        "Action": [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ],
        "Resource": "*",
    }
    worker_role = aws.iam.Role("worker-role", assume_role_policy=assume_ecs_tasks, tags=_tags(f"{prefix}-worker"))
    aws.iam.RolePolicy(
        "worker-policy",
        role=worker_role.id,
        policy=_policy(
            [
                {"Sid": "Queues", "Effect": "Allow", "Action": queue_actions_worker, "Resource": [jobs.arn, dlq.arn]},
                {"Sid": "DeadLetterAlerts", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": [topic.arn]},
            ]
        ),
    )
    console_role = aws.iam.Role("console-role", assume_role_policy=assume_ecs_tasks, tags=_tags(f"{prefix}-console"))
    # Services are named here so their ARNs exist before the console's policy names them.
    service_names = {"pelican": f"{prefix}-pelican", "emu": f"{prefix}-emu"}
    service_arns = [
        pulumi.Output.concat("arn:", aws.get_partition_output().partition, ":ecs:", region, ":", account, ":service/", cluster.name, "/", name)
        for name in service_names.values()
    ]
    aws.iam.RolePolicy(
        "console-policy",
        role=console_role.id,
        policy=_policy(
            [
                {
                    "Sid": "Queues",
                    "Effect": "Allow",
                    "Action": queue_actions_worker
                    + ["sqs:PurgeQueue", "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks", "sqs:CancelMessageMoveTask"],
                    "Resource": [jobs.arn, dlq.arn],
                },
                {"Sid": "Alerts", "Effect": "Allow", "Action": ["sns:ListSubscriptionsByTopic", "sns:GetTopicAttributes"], "Resource": [topic.arn]},
                {"Sid": "Services", "Effect": "Allow", "Action": ["ecs:DescribeServices", "ecs:UpdateService"], "Resource": service_arns},
                {"Sid": "Cluster", "Effect": "Allow", "Action": ["ecs:DescribeClusters"], "Resource": [cluster.arn]},
                {"Sid": "Database", "Effect": "Allow", "Action": ["rds:DescribeDBInstances"], "Resource": [db.arn]},
                {
                    "Sid": "ReadOnlyListings",
                    "Effect": "Allow",
                    "Action": [
                        "ecs:ListServices",
                        "ecs:ListTasks",
                        "ecs:DescribeTasks",
                        "cloudwatch:GetMetricData",
                        "application-autoscaling:DescribeScalableTargets",
                        "application-autoscaling:DescribeScalingPolicies",
                    ],
                    "Resource": "*",
                },
                ecs_exec,
            ]
        ),
    )

    # ---------------------------------------------------------------- task definitions
    environment = {
        "AWS_REGION": region,
        "POSTGRES_DB_HOST": db.address,
        "POSTGRES_DB_PORT": str(POSTGRES_PORT),
        "POSTGRES_DB_NAME": settings.db_name,
        "POSTGRES_DB_USER": settings.db_user,
        "POSTGRES_SSLMODE": "verify-full",
        "PGSSLROOTCERT": RDS_CA_BUNDLE,
        "SQS_QUEUE_URL": jobs.url,
        "SQS_DLQ_URL": dlq.url,
        "SNS_TOPIC_ARN": topic.arn,
        "ECS_CLUSTER": cluster.name,
        "RDS_INSTANCE_ID": db.identifier,
    }
    if settings.pinecone_index:
        environment["PINECONE_INDEX"] = settings.pinecone_index
    secrets = [{"name": "POSTGRES_DB_PASSWORD", "valueFrom": pulumi.Output.concat(db_secret.arn, ":password::")}]
    if pinecone_secret is not None:
        secrets.append({"name": "PINECONE_API_KEY", "valueFrom": pinecone_secret.arn})

    def task_definition(
        kind: str, cpu: int, memory: int, command: Sequence[str], role: aws.iam.Role,
        entry_point: Optional[Sequence[str]] = None, health: bool = False, exec_enabled: bool = False,
    ) -> aws.ecs.TaskDefinition:
        container: dict[str, Any] = {
            "name": kind,
            "image": image,
            "essential": True,
            "command": list(command),
            "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
            "secrets": secrets,
            "readonlyRootFilesystem": False,
            "stopTimeout": 60,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": log_groups[kind].name, "awslogs-region": region, "awslogs-stream-prefix": kind},
            },
        }
        if entry_point is not None:
            container["entryPoint"] = list(entry_point)
        if health:
            container["portMappings"] = [{"containerPort": METRICS_PORT, "protocol": "tcp"}]
            container["healthCheck"] = {
                "command": ["CMD-SHELL", f"curl -fsS http://127.0.0.1:{METRICS_PORT}/healthz >/dev/null || exit 1"],
                "interval": 30,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 120,
            }
        if exec_enabled:
            container["linuxParameters"] = {"initProcessEnabled": True}
        return aws.ecs.TaskDefinition(
            f"task-{kind}",
            family=f"{prefix}-{kind}",
            cpu=str(cpu),
            memory=str(memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": "X86_64"},
            execution_role_arn=execution_role.arn,
            task_role_arn=role.arn,
            container_definitions=pulumi.Output.json_dumps([container]),
            tags=_tags(f"{prefix}-{kind}"),
        )

    metrics_flags = ["--metrics-port", str(METRICS_PORT), "--metrics-host", "0.0.0.0"]
    pelican_task = task_definition(
        "pelican", settings.pelican_cpu, settings.pelican_memory_mb, ["worker", "pelican", *metrics_flags], worker_role, health=True
    )
    emu_task = task_definition(
        "emu", settings.emu_cpu, settings.emu_memory_mb, ["worker", "emu", *metrics_flags], worker_role, health=True
    )
    migrate_task = task_definition(
        "migrate",
        settings.console_cpu,
        settings.console_memory_mb,
        [f"refarch-tui db migrate && refarch-tui db seed --count {settings.seed_count}"],
        console_role,
        entry_point=["/bin/sh", "-c"],
    )
    console_task = task_definition(
        "console",
        settings.console_cpu,
        settings.console_memory_mb,
        ["infinity"],
        console_role,
        entry_point=["sleep"],
        exec_enabled=True,
    )

    # ---------------------------------------------------------------- services and scaling
    network = {"subnets": private_subnet_ids, "security_groups": [workers_sg.id], "assign_public_ip": False}

    def worker_service(kind: str, task: aws.ecs.TaskDefinition, desired_count: int, minimum_healthy_percent: int, **extra):
        """A worker's Fargate service in the private subnets, tagged with its kind."""
        return aws.ecs.Service(
            kind,
            name=service_names[kind],
            cluster=cluster.arn,
            task_definition=task.arn,
            desired_count=desired_count,
            launch_type="FARGATE",
            network_configuration=network,
            deployment_minimum_healthy_percent=minimum_healthy_percent,
            deployment_maximum_percent=200,
            propagate_tags="SERVICE",
            tags=_tags(service_names[kind], kind),
            **extra,
        )

    # One pelican may stop during a deploy (the outbox keeps the changes); emu keeps its
    # full count, and autoscaling owns that count once the service exists.
    pelican = worker_service("pelican", pelican_task, settings.pelican_tasks, minimum_healthy_percent=50)
    emu = worker_service(
        "emu",
        emu_task,
        settings.emu_min_tasks,
        minimum_healthy_percent=100,
        opts=pulumi.ResourceOptions(ignore_changes=["desiredCount"]),
    )
    emu_target = aws.appautoscaling.Target(
        "emu-scaling-target",
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id=pulumi.Output.concat("service/", cluster.name, "/", emu.name),
        min_capacity=settings.emu_min_tasks,
        max_capacity=settings.emu_max_tasks,
    )
    aws.appautoscaling.Policy(
        "emu-backlog-per-task",
        policy_type="TargetTrackingScaling",
        service_namespace=emu_target.service_namespace,
        scalable_dimension=emu_target.scalable_dimension,
        resource_id=emu_target.resource_id,
        target_tracking_scaling_policy_configuration={
            "target_value": settings.emu_backlog_per_task,
            "scale_out_cooldown": 60,
            "scale_in_cooldown": 300,
            "customized_metric_specification": {
                "metrics": [
                    {
                        "id": "visible",
                        "label": "Jobs waiting",
                        "return_data": False,
                        "metric_stat": {
                            "stat": "Sum",
                            "metric": {
                                "namespace": "AWS/SQS",
                                "metric_name": "ApproximateNumberOfMessagesVisible",
                                "dimensions": [{"name": "QueueName", "value": jobs.name}],
                            },
                        },
                    },
                    {
                        "id": "running",
                        "label": "Running emu tasks",
                        "return_data": False,
                        "metric_stat": {
                            "stat": "Average",
                            "metric": {
                                "namespace": "ECS/ContainerInsights",
                                "metric_name": "RunningTaskCount",
                                "dimensions": [
                                    {"name": "ClusterName", "value": cluster.name},
                                    {"name": "ServiceName", "value": emu.name},
                                ],
                            },
                        },
                    },
                    {"id": "backlog_per_task", "label": "Jobs per running emu task", "expression": "visible / running", "return_data": True},
                ]
            },
        },
    )

    # ---------------------------------------------------------------- outputs
    network_arg = pulumi.Output.all(ids=pulumi.Output.all(*private_subnet_ids), sg=console_sg.id).apply(
        lambda v: f"awsvpcConfiguration={{subnets=[{','.join(v['ids'])}],securityGroups=[{v['sg']}],assignPublicIp=DISABLED}}"
    )

    def run_task(task: aws.ecs.TaskDefinition, extra: Sequence[str] = ()) -> pulumi.Output[str]:
        return pulumi.Output.all(region=region, cluster=cluster.name, family=task.family, network=network_arg).apply(
            lambda v: " ".join(
                ["aws", "ecs", "run-task", "--region", v["region"], "--cluster", v["cluster"], "--launch-type", "FARGATE",
                 "--task-definition", v["family"], "--network-configuration", shlex.quote(v["network"]), *extra]
            )
        )

    console_environment = pulumi.Output.all(
        **{k: pulumi.Output.from_input(v) for k, v in environment.items()}, secret_arn=db_secret.arn,
        pinecone_arn=pinecone_secret.arn if pinecone_secret else "",
    ).apply(lambda v: _export_block(v))

    return Stack(
        outputs={
            "region": region,
            "jobsQueueUrl": jobs.url,
            "deadLetterQueueUrl": dlq.url,
            "alertTopicArn": topic.arn,
            "dbEndpoint": db.endpoint,
            "dbInstanceId": db.identifier,
            "dbSecretArn": db_secret.arn,
            "pineconeSecretArn": pinecone_secret.arn if pinecone_secret else None,
            "ecrRepositoryUrl": repository.repository_url,
            "image": image,
            "clusterName": cluster.name,
            "pelicanServiceName": pelican.name,
            "emuServiceName": emu.name,
            "migrateAndSeedCommand": run_task(migrate_task),
            "consoleRunTaskCommand": run_task(console_task, ["--enable-execute-command"]),
            "consoleExecCommand": pulumi.Output.all(region=region, cluster=cluster.name).apply(
                lambda v: f"aws ecs execute-command --region {v['region']} --cluster {v['cluster']} --task TASK_ID "
                f"--container console --interactive --command 'refarch-tui console'"
            ),
            "consoleEnvironment": console_environment,
        }
    )


def _export_block(values: Mapping[str, str]) -> str:
    """The `export` lines a console user runs; secrets are fetched by reference, never printed."""
    lines = []
    for key, value in values.items():
        if key in ("secret_arn", "pinecone_arn"):
            continue
        lines.append(f"export {key}={shlex.quote(str(value))}")
    lines.append(
        "export POSTGRES_DB_PASSWORD=\"$(aws secretsmanager get-secret-value --secret-id "
        f"{values['secret_arn']} --query SecretString --output text | jq -r .password)\""
    )
    if values.get("pinecone_arn"):
        lines.append(
            "export PINECONE_API_KEY=\"$(aws secretsmanager get-secret-value --secret-id "
            f"{values['pinecone_arn']} --query SecretString --output text)\""
        )
    return "\n".join(lines)
