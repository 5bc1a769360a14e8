# syntax=docker/dockerfile:1
# The cardquant image (docs/DEPLOY.md). Stage `build` installs every dependency and compiles the
# API (dist/) and the web app (web/build); stage `runtime` keeps only what runs: production
# dependencies, dist/, bin/, web/build and package.json, owned by root and run by a non-root user.
# Migrations travel inside dist/ (platform/db/migrations, each .js beside the .ts it is checksummed by).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; the toolchain builds it where none matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first (a layer that survives source edits); install scripts run only where allowed.
COPY package.json package-lock.json ./
COPY web/package.json web/package.json
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY . .
# dist/ and web/build (scripts/build.mjs), then drop the development dependencies.
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# pg_dump / pg_restore for `cardquant backup` on PostgreSQL: the client must be at least the
# server's major version (bookworm ships 15; set PG_CLIENT for another package).
ARG PG_CLIENT=postgresql-client
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${PG_CLIENT} tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    DATABASE_URL=sqlite:/var/lib/cardquant/cardquant.db \
    BACKUP_DIR=/var/lib/cardquant/backups
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/web/build ./web/build
# The only writable place: the SQLite database, its key file and backups (a volume in compose.yaml).
RUN mkdir -p /var/lib/cardquant/backups && chown -R node:node /var/lib/cardquant
VOLUME ["/var/lib/cardquant"]
# The `node` user (uid 1000) of the official image; the code it runs stays owned by root.
USER node
EXPOSE 8787
# Liveness with what the image has (node's fetch; no curl): /healthz answers without the database.
# A `worker` container serves no HTTP: compose.yaml turns this check off for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini forwards SIGTERM to cardquant (graceful shutdown within SHUTDOWN_GRACE_MS) and reaps the
# pipeline and backtest child processes.
ENTRYPOINT ["tini", "--", "node", "bin/cardquant.js"]
CMD ["start"]
