# syntax=docker/dockerfile:1
#
# One image for every Vesti process: the `vesti` CLI (migrate, sources sync, run, serve) and the
# scheduler, ingest, ops and web services; docker-compose.yml picks the process with `command`.
#
# The packages export TypeScript source and run under tsx (no build step), so the image carries the
# workspace sources plus node_modules. tsx is a root devDependency, hence a full (not --prod) install.
#
#   docker build -t vesti:local .
#   docker run --rm vesti:local                    # prints the CLI help
#   docker run --rm -e DATABASE_URL=... vesti:local vesti db migrate

# Node 20 (the project's floor, see README "Versions") on Debian bookworm, slim variant. The minor line
# is pinned so rebuilds stay on the Node the project tests with; bump together with CI.
ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
# The exact pnpm of package.json "packageManager", through npm: corepack's signature check is unreliable.
ARG PNPM_VERSION=10.34.9
RUN npm install -g "pnpm@${PNPM_VERSION}" \
 && npm cache clean --force
ENV TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1
# pnpm writes absolute paths into node_modules/.bin shims: install and run in the same directory.
WORKDIR /app

# ---------------------------------------------------------------------------------------------------
# pruner: the sub-monorepo the services need. out/json holds only manifests + the pruned lockfile (the
# install layer's cache key), out/full the sources of the packages they depend on.
FROM base AS pruner
ARG TURBO_VERSION=2.11.11
ARG PRUNE_TARGETS="@vesti/cli @vesti/scheduler @vesti/ingest @vesti/ops @vesti/web-service"
RUN npm install -g "turbo@${TURBO_VERSION}" \
 && npm cache clean --force
COPY . .
RUN turbo prune ${PRUNE_TARGETS} --docker

# ---------------------------------------------------------------------------------------------------
# deps: reinstalled only when a manifest or the lockfile changes. Full install: tsx (root devDependency)
# runs everything. pnpm-workspace.yaml's onlyBuiltDependencies lets esbuild (tsx) and msgpackr-extract
# (BullMQ) run their install scripts; both ship prebuilt binaries, so no compiler is needed.
# NODE_ENV must not be "production" here, or pnpm would skip the devDependencies.
FROM base AS deps
COPY --from=pruner /app/out/json/ ./
RUN --mount=type=cache,id=vesti-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir=/pnpm/store

# ---------------------------------------------------------------------------------------------------
FROM base AS runtime
# tini as PID 1: forwards SIGTERM to node (graceful shutdown of BullMQ workers) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

COPY --from=deps /app/ ./
COPY --from=pruner /app/out/full/ ./
# Not part of turbo's prune output, but the packages' tsconfig.json extend it (tsx reads it).
COPY tsconfig.base.json ./
# infra/sources.yaml is what `vesti sources sync` loads (compose can bind-mount a newer one over it).
COPY infra/ ./infra/

# `vesti <cmd>` from any directory, like `pnpm vesti <cmd>` from the repository root.
RUN printf '#!/bin/sh\nexec /app/node_modules/.bin/tsx /app/packages/cli/src/main.ts "$@"\n' \
      > /usr/local/bin/vesti \
 && chmod 0755 /usr/local/bin/vesti

ENV NODE_ENV=production \
    SOURCES_FILE=/app/infra/sources.yaml

# /healthz + /metrics of every service; Bull Board (ops); the trends page (web).
EXPOSE 9464 3000 8080

# Files stay root-owned (read-only to the app); the processes run as the image's unprivileged user.
# tsx keeps its transform cache in /tmp, which is writable.
USER node

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["vesti", "--help"]
