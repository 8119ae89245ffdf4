"""Runs the Pulumi program once under Pulumi's mocks (no CLI, no network, no AWS account).

The mocks answer the provider's invokes (availability zones, region, account) and give every
resource the ids, ARNs, names and URLs AWS would, built from the mocked region so nothing in
a test depends on one. Every resource's inputs are recorded, exactly as the engine would hand
them to the provider (and to a policy pack), and the tests run the validators over them.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest

INFRA = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(INFRA)
sys.path.insert(0, INFRA)

from refarch_infra.validators import Resource  # noqa: E402

# A real region, but not a common one: a program that hard-codes us-east-1 shows up at once.
REGION = "ap-southeast-4"
ACCOUNT = "123456789012"
# Values that must never appear outside Secrets Manager (and the RDS master password input).
DB_PASSWORD = "MockPw-" + uuid.uuid4().hex
PINECONE_KEY = "pcsk_mock_" + uuid.uuid4().hex

CONFIG = {
    "refarch-tui:imageTag": "0.1.0-test",
    "refarch-tui:pineconeIndex": "products",
    "refarch-tui:pineconeApiKey": PINECONE_KEY,
    "refarch-tui:emuMinTasks": "2",
    "refarch-tui:emuMaxTasks": "7",
    "refarch-tui:emuBacklogPerTask": "150",
    "refarch-tui:alarmEmail": "ops@example.com",
}
SECRET_KEYS = ["refarch-tui:pineconeApiKey"]
# test_without_pinecone.py runs the suite again in a child process with no Pinecone index.
WITHOUT_PINECONE = os.environ.get("REFARCH_INFRA_TEST_WITHOUT_PINECONE") == "1"
if WITHOUT_PINECONE:
    CONFIG = {k: v for k, v in CONFIG.items() if "pinecone" not in k}
    SECRET_KEYS = []


# How the engine marks a secret value on the wire ({SECRET_SIG: SECRET_MARK, "value": ...}).
SECRET_SIG, SECRET_MARK = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_MARK


def reveal(value: Any) -> Any:
    """The value with secret markers removed, as a policy pack sees it."""
    if is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[Resource] = []
        # Inputs as registered, secret markers kept: which inputs the engine treats as secret.
        self.raw_inputs: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.raw_inputs[f"{args.typ}::{args.name}"] = dict(args.inputs)
        inputs = reveal(dict(args.inputs))
        service = args.typ.split(":")[1].split("/")[0]
        name = inputs.get("name") or f"{args.name}-a1b2c3d"
        state: dict[str, Any] = {"name": name, "arn": f"arn:aws:{service}:{REGION}:{ACCOUNT}:{name}"}
        resource_id = f"{args.name}-id"
        if args.typ == "aws:sqs/queue:Queue":
            resource_id = state["url"] = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
        elif args.typ == "aws:ec2/subnet:Subnet":
            resource_id = f"subnet-{args.name}"
        elif args.typ == "aws:ec2/securityGroup:SecurityGroup":
            resource_id = f"sg-{args.name}"
        elif args.typ == "aws:ec2/vpc:Vpc":
            resource_id = "vpc-mock"
        elif args.typ == "aws:rds/instance:Instance":
            identifier = inputs.get("identifierPrefix", "db-") + "mock"
            state.update(identifier=identifier, address=f"{identifier}.cmock.{REGION}.rds.amazonaws.com")
            state["endpoint"] = f"{state['address']}:5432"
            state["arn"] = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{identifier}"
        elif args.typ == "aws:secretsmanager/secret:Secret":
            name = inputs.get("namePrefix", "secret-") + "mock"
            state.update(name=name, arn=f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf")
            resource_id = state["arn"]
        elif args.typ == "aws:ecr/repository:Repository":
            state["repositoryUrl"] = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}"
        elif args.typ == "aws:ecs/cluster:Cluster":
            state["arn"] = resource_id = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{name}"
        elif args.typ == "aws:ecs/service:Service":
            state["arn"] = resource_id = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/{name}"
        elif args.typ == "aws:ecs/taskDefinition:TaskDefinition":
            state["arn"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{inputs.get('family')}:1"
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"
        elif args.typ == "aws:sns/topic:Topic":
            state["arn"] = f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
        elif args.typ == "random:index/randomPassword:RandomPassword":
            state = {"result": DB_PASSWORD}
        outputs = {**inputs, **state}
        self.resources.append(Resource(args.typ, args.name, outputs, resource_id))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            zones = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]
            return {"names": zones, "zoneIds": [f"apse4-az{i}" for i in (1, 2, 3)], "id": REGION}
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": REGION, "region": REGION, "id": REGION, "description": "mock", "endpoint": f"ec2.{REGION}.amazonaws.com"}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/test", "userId": "AIDMOCK", "id": ACCOUNT}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsSuffix": "com.amazonaws", "id": "aws"}
        raise AssertionError(f"the program called {args.token}, which the mocks do not answer")


@dataclass
class Deployment:
    resources: list[Resource]
    outputs: dict[str, Any]
    settings: Any
    raw_inputs: dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def deployment() -> Deployment:
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project="refarch-tui", stack="test", preview=False)
    pulumi.runtime.set_all_config(CONFIG, SECRET_KEYS)
    from refarch_infra.settings import StackSettings
    from refarch_infra.stack import build

    holder: dict[str, Any] = {}

    # Without this decorator the program's outputs would never be awaited and every check
    # below would look at an empty list; `deployment_is_complete` guards that too.
    @pulumi.runtime.test
    def run_program():
        settings = StackSettings.from_config()
        holder["settings"] = settings
        outputs = build(settings).outputs
        known = {k: v for k, v in outputs.items() if v is not None}
        return pulumi.Output.all(**known).apply(lambda values: holder.__setitem__("outputs", values))

    run_program()
    return Deployment(mocks.resources, holder["outputs"], holder["settings"], mocks.raw_inputs)
