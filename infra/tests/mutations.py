"""Breaks the Pulumi program one property at a time and checks the matching test fails.

Run by hand (not part of `make test`; each mutation is one pytest run):
    .refarch/infra-venv/bin/python infra/tests/mutations.py
Each mutation edits infra/refarch_infra/stack.py in place, runs one test, and restores the file
(also on Ctrl-C). Exit status 1 when a test survived its mutation.
"""

from __future__ import annotations

import os
import subprocess
import sys

INFRA = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STACK = os.path.join(INFRA, "refarch_infra", "stack.py")

# (test that must fail, what the mutation breaks, text in stack.py, replacement)
MUTATIONS = [
    ("test_rds_is_private", "RDS publicly accessible", "publicly_accessible=False", "publicly_accessible=True"),
    ("test_rds_is_private", "RDS in public subnets", '"db-subnets", subnet_ids=private_subnet_ids', '"db-subnets", subnet_ids=[s.id for s in public_subnets]'),
    ("test_rds_storage_is_encrypted", "storage not encrypted", "storage_encrypted=True", "storage_encrypted=False"),
    ("test_rds_enforces_tls", "rds.force_ssl off", '"name": "rds.force_ssl", "value": "1"', '"name": "rds.force_ssl", "value": "0"'),
    ("test_rds_has_automated_backups", "backups off", "backup_retention_period=settings.db_backup_retention_days", "backup_retention_period=0"),
    ("test_rds_password_is_generated_and_never_plain", "password from stack code", "password=db_password.result,", 'password="changeme-in-config",'),
    ("test_security_group_ingress_is_exactly_as_listed", "workers open to the internet", '"cidr_blocks": [settings.vpc_cidr]', '"cidr_blocks": ["0.0.0.0/0"]'),
    ("test_security_group_ingress_is_exactly_as_listed", "database open to the VPC", '"security_groups": [workers_sg.id, console_sg.id]', '"cidr_blocks": [settings.vpc_cidr]'),
    ("test_jobs_queue_is_fifo_with_encrypted_fifo_dlq_after_five_receives", "maxReceiveCount 10", '"maxReceiveCount": MAX_RECEIVE_COUNT', '"maxReceiveCount": 10'),
    ("test_jobs_queue_is_fifo_with_encrypted_fifo_dlq_after_five_receives", "DLQ not encrypted", 'name=f"{prefix}-dead-letters.fifo",\n        fifo_queue=True,\n        sqs_managed_sse_enabled=True', 'name=f"{prefix}-dead-letters.fifo",\n        fifo_queue=True,\n        sqs_managed_sse_enabled=False'),
    ("test_alarms_watch_the_right_queues_and_notify_the_topic", "DLQ alarm watches the jobs queue", 'dimensions={"QueueName": dlq.name}', 'dimensions={"QueueName": jobs.name}'),
    ("test_alarms_watch_the_right_queues_and_notify_the_topic", "age alarm notifies nobody", "threshold=settings.oldest_message_alarm_seconds,\n        comparison_operator=\"GreaterThanThreshold\",\n        treat_missing_data=\"notBreaching\",\n        alarm_actions=[topic.arn]", "threshold=settings.oldest_message_alarm_seconds,\n        comparison_operator=\"GreaterThanThreshold\",\n        treat_missing_data=\"notBreaching\",\n        alarm_actions=[]"),
    ("test_emu_scales_on_backlog_per_task_within_configured_bounds", "scale on queue depth alone", '"expression": "visible / running"', '"expression": "visible"'),
    ("test_emu_scales_on_backlog_per_task_within_configured_bounds", "max bound ignored", "max_capacity=settings.emu_max_tasks", "max_capacity=10"),
    ("test_iam_policies_name_their_resources", "queue actions on *", '"Action": queue_actions_worker, "Resource": [jobs.arn, dlq.arn]', '"Action": queue_actions_worker, "Resource": "*"'),
    ("test_iam_policies_name_their_resources", "secret read on every secret", '"Action": ["secretsmanager:GetSecretValue"], "Resource": secret_arns', '"Action": ["secretsmanager:GetSecretValue"], "Resource": ["arn:aws:secretsmanager:*:*:secret:*"]'),
    ("test_pinecone_key_and_db_password_are_injected_as_secrets", "Pinecone key as a plain value", 'environment["PINECONE_INDEX"] = settings.pinecone_index', 'environment["PINECONE_INDEX"] = settings.pinecone_index\n        environment["PINECONE_API_KEY"] = settings.pinecone_api_key'),
    ("test_no_secret_value_in_any_resource_input", "password in a tag", 'tags=_tags(f"{prefix}-db", "database"),\n    )\n\n    # ----', 'tags={**_tags(f"{prefix}-db", "database"), "pw": db_password.result},\n    )\n\n    # ----'),
    ("test_no_region_is_hard_coded", "log region pinned", '"awslogs-region": region', '"awslogs-region": "us-east-1"'),
    ("test_tasks_connect_with_sslmode_verify_full", "sslmode require", '"POSTGRES_SSLMODE": "verify-full"', '"POSTGRES_SSLMODE": "require"'),
    ("test_services_run_privately_and_pelican_has_a_standby", "public IPs", '"assign_public_ip": False', '"assign_public_ip": True'),
    ("test_ecr_scans_on_push_with_immutable_tags", "mutable tags", 'image_tag_mutability="IMMUTABLE"', 'image_tag_mutability="MUTABLE"'),
    ("test_log_groups_have_retention", "no retention", "retention_in_days=settings.log_retention_days", "retention_in_days=0"),
    ("test_environment_names_are_the_ones_the_binary_reads", "a name the binary does not read", '"SQS_QUEUE_URL": jobs.url', '"SQS_JOBS_QUEUE_URL": jobs.url'),
]


def main() -> int:
    with open(STACK) as f:
        original = f.read()
    python = sys.executable
    survived = []
    try:
        for test, what, old, new in MUTATIONS:
            if old not in original:
                print(f"STALE     {test}: {what} (text not found)")
                survived.append(what)
                continue
            with open(STACK, "w") as f:
                f.write(original.replace(old, new, 1))
            run = subprocess.run(
                [python, "-m", "pytest", "-q", "-x", "-W", "ignore::DeprecationWarning", "-k", test, "tests"],
                cwd=INFRA, capture_output=True, text=True,
            )
            verdict = "killed" if run.returncode == 1 else f"SURVIVED (pytest exit {run.returncode})"
            print(f"{verdict:9} {test}: {what}")
            if run.returncode != 1:
                survived.append(what)
    finally:
        with open(STACK, "w") as f:
            f.write(original)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
