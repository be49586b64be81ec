# syntax=docker/dockerfile:1
# One image for every production process (see docker-compose.yml): the API (default command), the worker
# (`npm run start:worker`) and the one-shot migration (`npm run migration:run`).

# --- build: install everything, compile TypeScript, then drop the dev dependencies -------------------------
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only --------------------------------------------
FROM node:24-slim AS runtime
# The image never builds: NPM_CONFIG_IGNORE_SCRIPTS skips pre-scripts such as `premigration:run`
# (`npm run build`), whose tools left with the dev dependencies. `npm run <script>` itself still runs.
ENV NODE_ENV=production \
    NPM_CONFIG_IGNORE_SCRIPTS=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=1048576
WORKDIR /app
# package.json is needed at runtime: its "imports" map resolves `#monay/<lib>` to dist/libs/<lib>/src/index.js.
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Writable only where the app may write (DATA_DIR, unused when DATABASE_URL and the secrets are set).
RUN mkdir -p data && chown node:node data
USER node
EXPOSE 3000
# V8 flags as in package.json's start:prod script (a 16 MB young generation, old generation capped at 256 MB) and
# glibc's malloc settings in the ENV above (two arenas trimmed past 1 MB free: README, Performance; without them the
# app would restart itself with them at start, #monay/glibc-malloc).
CMD ["node","--max-semi-space-size=16","--max-old-space-size=256","dist/apps/api/src/main.js"]
