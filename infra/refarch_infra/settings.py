"""Stack settings: what differs between deployments, read from the stack's configuration.

The region is not here: it is the AWS provider's (`aws:region`), so any region works and the
program never names one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi

# The port the workers serve /healthz and /metrics on (`worker … --metrics-port`); the image's
# HEALTHCHECK and EXPOSE use the same number.
METRICS_PORT = 9464
POSTGRES_PORT = 5432
# The RDS CA bundle the image carries (see the Dockerfile); libpq reads it through PGSSLROOTCERT.
RDS_CA_BUNDLE = "/etc/ssl/certs/rds-global-bundle.pem"
# How often a message is received before it goes to the dead-letter queue.
MAX_RECEIVE_COUNT = 5


@dataclass(frozen=True)
class StackSettings:
    """Everything a stack may choose. Defaults suit a small demo deployment."""

    image_tag: str
    pinecone_index: Optional[str] = None
    pinecone_api_key: Optional[pulumi.Input[str]] = None
    emu_min_tasks: int = 1
    emu_max_tasks: int = 4
    emu_backlog_per_task: int = 200
    pelican_tasks: int = 2
    pelican_cpu: int = 256
    pelican_memory_mb: int = 512
    emu_cpu: int = 1024
    emu_memory_mb: int = 2048
    console_cpu: int = 512
    console_memory_mb: int = 1024
    db_instance_class: str = "db.t4g.small"
    db_allocated_storage_gb: int = 20
    db_backup_retention_days: int = 7
    db_deletion_protection: bool = True
    db_name: str = "catalog"
    db_user: str = "refarch"
    vpc_cidr: str = "10.40.0.0/16"
    log_retention_days: int = 30
    oldest_message_alarm_seconds: int = 900
    seed_count: int = 10_000
    alarm_email: Optional[str] = None

    def __post_init__(self) -> None:
        if not 1 <= self.emu_min_tasks <= self.emu_max_tasks:
            raise ValueError(
                f"emuMinTasks ({self.emu_min_tasks}) must be at least 1 and at most emuMaxTasks ({self.emu_max_tasks})"
            )
        if self.pinecone_index and self.pinecone_api_key is None:
            raise ValueError(
                "pineconeIndex is set but pineconeApiKey is not: "
                "run `pulumi config set --secret pineconeApiKey <key>` (or unset pineconeIndex for the Postgres index)"
            )
        if self.db_backup_retention_days < 1:
            raise ValueError("dbBackupRetentionDays must be at least 1: automated backups stay on")

    @staticmethod
    def from_config(config: Optional[pulumi.Config] = None) -> "StackSettings":
        """Reads the `refarch-tui:*` keys; secrets stay Outputs marked secret."""
        c = config or pulumi.Config()

        def integer(key: str, default: int) -> int:
            value = c.get_int(key)
            return default if value is None else value

        def boolean(key: str, default: bool) -> bool:
            value = c.get_bool(key)
            return default if value is None else value

        index = c.get("pineconeIndex") or None
        defaults = StackSettings(image_tag="unused")
        return StackSettings(
            image_tag=c.require("imageTag"),
            pinecone_index=index,
            pinecone_api_key=c.get_secret("pineconeApiKey") if index else None,
            emu_min_tasks=integer("emuMinTasks", defaults.emu_min_tasks),
            emu_max_tasks=integer("emuMaxTasks", defaults.emu_max_tasks),
            emu_backlog_per_task=integer("emuBacklogPerTask", defaults.emu_backlog_per_task),
            pelican_cpu=integer("pelicanCpu", defaults.pelican_cpu),
            pelican_memory_mb=integer("pelicanMemoryMb", defaults.pelican_memory_mb),
            emu_cpu=integer("emuCpu", defaults.emu_cpu),
            emu_memory_mb=integer("emuMemoryMb", defaults.emu_memory_mb),
            console_cpu=integer("consoleCpu", defaults.console_cpu),
            console_memory_mb=integer("consoleMemoryMb", defaults.console_memory_mb),
            db_instance_class=c.get("dbInstanceClass") or defaults.db_instance_class,
            db_allocated_storage_gb=integer("dbAllocatedStorageGb", defaults.db_allocated_storage_gb),
            db_backup_retention_days=integer("dbBackupRetentionDays", defaults.db_backup_retention_days),
            db_deletion_protection=boolean("dbDeletionProtection", defaults.db_deletion_protection),
            vpc_cidr=c.get("vpcCidr") or defaults.vpc_cidr,
            log_retention_days=integer("logRetentionDays", defaults.log_retention_days),
            oldest_message_alarm_seconds=integer("oldestMessageAlarmSeconds", defaults.oldest_message_alarm_seconds),
            seed_count=integer("seedCount", defaults.seed_count),
            alarm_email=c.get("alarmEmail") or None,
        )
