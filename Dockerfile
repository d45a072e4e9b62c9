# Cart Relay: one image for web and worker processes, both database modes.
#   docker build -t cart-relay .
#   docker run -p 3000:3000 --env-file .env -v cart-relay-data:/data cart-relay            # web (+ embedded worker)
#   docker run --env-file .env cart-relay node --import tsx app/worker.ts                  # a worker (scale mode)
# Migrations run at start (scripts/docker-start.sh). docs/deploy.md has the rest.
# CI runs these same steps without Docker (scripts/dockerfile-check.mjs) where no engine exists.

FROM node:24-slim AS base
WORKDIR /app
# Build tools only for the case better-sqlite3's prebuilt binary cannot be fetched and it compiles.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ > /dev/null && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY extensions/checkout-capture/package.json extensions/checkout-capture/
COPY extensions/checkout-pixel/package.json extensions/checkout-pixel/

# Production dependencies only: what the running app loads (the extensions' packages are
# dev dependencies: Shopify CLI bundles them, the server never loads them).
FROM base AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Everything, to build the Remix app and generate both Prisma clients.
FROM base AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx prisma generate && npx tsx scripts/postgres/client.ts && npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATABASE_URL=file:/data/cart-relay.sqlite
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# The generated Prisma clients (SQLite in node_modules/.prisma, PostgreSQL in prisma/postgres/client).
COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/build ./build
COPY --from=build /app/package.json /app/server.mjs /app/prisma.config.ts /app/tsconfig.json ./
# The worker runs from source through tsx, with the scripts that migrate PostgreSQL.
COPY --from=build /app/app ./app
COPY --from=build /app/scripts ./scripts
RUN mkdir -p /data && chown node:node /data && rm -f prisma/*.sqlite*
USER node
EXPOSE 3000
# Healthy when the web server (PORT) or a worker's health listener answers /healthz.
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "Promise.any([process.env.PORT, process.env.CART_RELAY_WORKER_HEALTH_PORT].filter(Boolean).map((port) => fetch('http://127.0.0.1:' + port + '/healthz').then((r) => { if (!r.ok) throw new Error(); }))).then(() => process.exit(0), () => process.exit(1))"
ENTRYPOINT ["sh", "scripts/docker-start.sh"]
CMD ["node", "server.mjs"]
