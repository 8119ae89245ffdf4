"""`pulumi up` entry point: read the stack's settings, declare the resources, export the outputs."""

import pulumi

from refarch_infra.settings import StackSettings
from refarch_infra.stack import build

stack = build(StackSettings.from_config())
for key, value in stack.outputs.items():
    if value is not None:
        pulumi.export(key, value)
