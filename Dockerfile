# syntax=docker/dockerfile:1
# Image of the runtime controller, `cdk8s-ai-platform-controller` (see docs/controller.md). Not built by this
# repository's tasks; PlatformController (src/platform/platform-controller.ts) runs it.
#
#   npm pack    # cdk8s-ai-platform-<version>.tgz: the compiled library, its jsii assembly, the bundled dependencies
#   docker build --build-arg PACKAGE=cdk8s-ai-platform-<version>.tgz \
#     -t ghcr.io/cdk8s-ai-platform/controller:<version> .
#
# The controller is plain Node.js (Node 20 or later): no native modules, no writes to the file system (it runs with
# a read-only root file system), no shell needed. It serves /metrics, /healthz and /readyz on --metrics-port (8080).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS install
ARG PACKAGE
COPY ${PACKAGE} /tmp/cdk8s-ai-platform.tgz
# The package bundles @kubernetes/client-node, prom-client, ajv and yaml; npm installs its peer dependencies
# (cdk8s, cdk8s-plus-28, constructs) beside it.
RUN npm install --global --omit=dev /tmp/cdk8s-ai-platform.tgz \
  && npm cache clean --force \
  && test -x /usr/local/lib/node_modules/cdk8s-ai-platform/lib/controller/main.js

FROM ${NODE_IMAGE}
COPY --from=install /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/cdk8s-ai-platform/lib/controller/main.js /usr/local/bin/cdk8s-ai-platform-controller
ENV NODE_ENV=production
# Any non-root user (the restricted Pod Security Standard): 65532 is "nonroot" in distroless images.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["cdk8s-ai-platform-controller"]
