# feature-forge image: the `ff` CLI (coordinator, worker, sweep, status, …) as the entrypoint.
#   docker build -t feature-forge .
#   docker run --rm feature-forge --help
# docker-compose.yml runs Redis, one coordinator and a scalable worker service from it.
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first (cached while only sources change); the `prepare` build runs below, once the
# sources are there.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --include=dev

COPY tsconfig.json tsconfig.build.json ./
# (tsconfig.build.json also lists bench/: not needed at run time, so not copied)
COPY src ./src
COPY workers ./workers
COPY sweeps ./sweeps
COPY examples ./examples
# the settings file, and the two shipped datasets that `ff:malmas` trials can name (titanic, diabetes_pima)
COPY config ./config
COPY datasets ./datasets
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
  && ln -s /app/dist/src/cli/main.js /usr/local/bin/ff && chmod +x /app/dist/src/cli/main.js

# Trial folders (logs, config files) of workers: mount a volume here.
VOLUME ["/app/runs"]

ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
