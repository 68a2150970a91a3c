# nslab server image. Run it with docker-compose.yml: it must be privileged and
# share the host's network and pid namespaces and /var/run/netns to do its job.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/topology/package.json packages/topology/
# The netlink addon is built by its install script, so its sources come before npm ci.
COPY packages/kernel/package.json packages/kernel/binding.gyp packages/kernel/index.cjs packages/kernel/index.d.ts packages/kernel/
COPY packages/kernel/src/ packages/kernel/src/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
# prune rewrites node_modules/.package-lock.json, which the bundled CLI is stamped with; it removes nothing the bundle holds.
RUN npm run build && npm prune --omit=dev && node scripts/bundleCli.mjs --restamp

FROM node:20-bookworm-slim
# The tools nslab drives; iptables is Debian's nf_tables flavour, like the host's.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 iptables tcpdump iputils-ping traceroute procps util-linux kmod findutils cgroup-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NSLAB_DATA_DIR=/var/lib/nslab \
    NSLAB_RUN_DIR=/run/nslab \
    NSLAB_HOST=127.0.0.1 \
    NSLAB_PORT=7000
VOLUME /var/lib/nslab
EXPOSE 7000
ENTRYPOINT ["node", "/app/bin/nslab"]
CMD ["serve"]
