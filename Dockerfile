# One image for the three services (and the rest of the `sonar` command line).
# TypeScript runs through tsx: there is no build step.
#   docker build -t sonar-stream .
#   docker run --rm sonar-stream trainer        # or ingest, scorer, --help
FROM node:20-bookworm-slim

# The pnpm of package.json's packageManager field.
RUN npm install -g pnpm@12.4.2 && npm cache clean --force

WORKDIR /app

# Manifests first: the dependency layer is rebuilt only when one of them changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/bench/package.json packages/bench/
COPY packages/cli/package.json packages/cli/
COPY packages/contracts/package.json packages/contracts/
COPY packages/dataset/package.json packages/dataset/
COPY packages/kafka/package.json packages/kafka/
COPY packages/model/package.json packages/model/
COPY packages/runtime/package.json packages/runtime/
COPY packages/stack/package.json packages/stack/
COPY packages/store/package.json packages/store/
COPY packages/testkit/package.json packages/testkit/
COPY services/ingest/package.json services/ingest/
COPY services/scorer/package.json services/scorer/
COPY services/trainer/package.json services/trainer/
RUN CI=true pnpm install --frozen-lockfile

# The sources (node_modules of the build context are excluded by .dockerignore).
COPY tsconfig.json tsconfig.base.json ./
COPY packages/ packages/
COPY services/ services/
COPY infra/ infra/

USER node
EXPOSE 9100 9101 9102
ENTRYPOINT ["node", "--max-semi-space-size=64", "--min-semi-space-size=64", "--import", "tsx", "packages/cli/src/main.ts"]
CMD ["--help"]
