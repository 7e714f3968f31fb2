# etcd-snapshot-operator image: the operator, the snapshot agent its Jobs run,
# and the etcd-snapshot CLI, plus etcdutl for data-directory restores.
# Not built by `make test` (the CI machines have no container engine).

# --- TypeScript build -------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && chmod +x dist/main.js \
 && npm prune --omit=dev

# --- etcdutl from the same pinned module the tests use ----------------------
FROM golang:1.26-bookworm AS etcdutl
WORKDIR /tools
COPY test/tools/etcd-3.6/ ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/etcdutl go.etcd.io/etcd/etcdutl/v3

# --- runtime -----------------------------------------------------------------
FROM node:24-bookworm-slim
LABEL org.opencontainers.image.source="https://github.com/etcd-snapshot-operator/etcd-snapshot-operator" \
      org.opencontainers.image.description="Scheduled, verified etcd snapshots to object storage, with restore"
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=etcdutl /out/etcdutl /usr/local/bin/etcdutl
RUN ln -s /app/dist/main.js /usr/local/bin/etcd-snapshot
# The Job spec decides the user: 65532 by default, root only to read host files
# (kubeadm's /etc/kubernetes/pki/etcd keys are root-only).
USER 65532:65532
# The shebang carries the Node flags (--max-semi-space-size=2 keeps RSS flat).
ENTRYPOINT ["etcd-snapshot"]
CMD ["--help"]
