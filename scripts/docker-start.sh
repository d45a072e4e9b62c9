#!/bin/sh
# The image's entrypoint: applies migrations to DATABASE_URL, then runs the
# command (the web server by default). PostgreSQL migrations take Prisma's
# advisory lock, so N processes starting at once apply them once. Set
# CART_RELAY_SKIP_MIGRATIONS=true where a release step migrates instead.
set -eu
if [ "${CART_RELAY_SKIP_MIGRATIONS:-false}" != "true" ]; then
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) node --import tsx scripts/postgres/migrate.ts ;;
    *) node_modules/.bin/prisma migrate deploy ;;
  esac
fi
exec "$@"
