# syntax=docker/dockerfile:1
# The Conduit gateway as a container: `conduit start` (production rules) from
# the packed @conduit/gateway, installed the way a user installs it. The build
# steps are the commands the outside-in test runs (outside-in/outsideIn.test.ts
# reads them from this file), so they are tested on every `npm test`.
#   docker build -t conduit-gateway .
#   docker run -e CONDUIT_SIGNING_KEY=$(openssl rand -base64 32) -p 8288:8288 conduit-gateway

FROM node:20-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund
RUN node scripts/packPackages.mjs /packages
RUN node scripts/installPackages.mjs /packages /app --only @conduit/gateway

FROM node:20-slim
ENV NODE_ENV=production \
    CONDUIT_HOST=0.0.0.0 \
    CONDUIT_PORT=8288
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The image's own unprivileged user (uid 1000), never root.
USER node
EXPOSE 8288
# conduit start drains on SIGTERM: every stream gets $close shutdown (clients
# resume elsewhere), then it exits 0; docker stop's default 10 s is enough.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.CONDUIT_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "node_modules/@conduit/gateway/bin/conduit.js", "start"]
