# gate as a container image (docs/container.md). Not built in gate's own CI: no container engine runs there.
#   docker build -t gate .                         # build stage compiles, runtime stage gets the binary only
#   docker run --rm -v "$PWD:/src" -w /src gate run Suites/pre-deploy.yaml
#
# Build stage: the Swift toolchain and the -dev libraries; `make dist` builds the release binary and the
# reproducible archive. The runtime stage unpacks that archive's bin/gate, so the image runs exactly the
# binary whose SHA-256 is in SHA256SUMS.
FROM swift:6.3.1-bookworm AS build
# The commit and its date, for `gate --version --verbose` and the archive's mtimes: the build context has
# no usable .git when it comes from a worktree, so pass them:
#   --build-arg SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" --build-arg GATE_BUILD_COMMIT="$(git rev-parse HEAD)"
ARG SOURCE_DATE_EPOCH=0
ARG GATE_BUILD_COMMIT=unknown
WORKDIR /src
# Debian's package versions move with every point release; the base image's tag pins the distribution.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxxhash-dev libsqlite3-dev libpcre2-dev zlib1g-dev pkg-config \
      libxml2 git \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make dist SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" GATE_BUILD_COMMIT="$GATE_BUILD_COMMIT" && mkdir /out && tar -xzf dist/gate-*-linux-*.tar.gz -C /out --strip-components=1

# Runtime stage: the gate binary, git (which some verifiers call) and the shared C libraries the binary
# links (the Swift runtime and Foundation are linked in; see docs/distribution.md).
FROM debian:bookworm-slim AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
      libxxhash0 libpcre2-8-0 libsqlite3-0 zlib1g libxml2 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 gate
COPY --from=build /out/bin/gate /usr/local/bin/gate
USER 10001
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/gate"]
CMD ["--help"]
