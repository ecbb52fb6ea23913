# syntax=docker/dockerfile:1
# MetaBuyer production image: compiled JavaScript, production dependencies only, non-root.
# `metabuyer serve` by default (Slack app + health endpoints); run `worker` from the same image.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
ENV NODE_ENV=production \
    METABUYER_HOME=/var/lib/metabuyer \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.json ./
COPY bin ./bin
COPY drizzle ./drizzle
COPY examples ./examples
RUN mkdir -p /var/lib/metabuyer && chown node:node /var/lib/metabuyer
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/metabuyer.js"]
CMD ["serve"]
