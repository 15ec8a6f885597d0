# GRID container image: the controller `grid` (it runs Debian's nats-server as its managed
# child), the worker `gridw` and the CLI `gridc`, run as the non-root user `grid`.
#   docker build -t grid:latest .
#   docker run -p 8765:8765 -p 4222:4222 grid:latest          the controller (default command)
#   docker run grid:latest gridw -c /etc/grid/gridw.yaml      a worker (mount your config)
# docker-compose.yml starts a controller and two workers (docs/DEPLOY.md). CI has no Docker
# engine and does not build this image; scripts/check-containers.sh checks that every package
# installed here exists in Debian 12 and that docker-compose.yml is valid.

FROM debian:12 AS build
# The -dev packages of scripts/install-deps.sh (without the test-only ones).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       g++ cmake ninja-build pkg-config ca-certificates \
       libnats-dev libuv1-dev libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev \
       libspdlog-dev libcli11-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake --preset release -DGRID_BUILD_TESTS=OFF \
    && cmake --build --preset release --target grid gridw gridc

FROM debian:12
# Runtime libraries of the three binaries (they pull in libssl3, libprotobuf-c1, zlib1g and
# libbrotli1), nats-server (>= 2.9) for the managed server, CA certificates for HTTPS.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libnats3.4 libuv1 libcpp-httplib0.11 libyaml-cpp0.7 libspdlog1.10 libfmt9 \
       nats-server ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /var/lib/grid --create-home \
       --shell /usr/sbin/nologin grid
COPY --from=build /src/build/release/cmd/grid/grid /src/build/release/cmd/gridw/gridw \
     /src/build/release/cmd/gridc/gridc /usr/bin/
COPY config/grid.yaml config/gridw.yaml /etc/grid/
# Fails the build if a runtime library is missing.
RUN for b in grid gridw gridc; do \
      if ldd /usr/bin/$b | grep 'not found'; then echo "$b: missing libraries" >&2; exit 1; fi; \
    done \
    && grid --version && gridw --version
USER grid
WORKDIR /var/lib/grid
# 8765: HTTP API; 4222: NATS clients (workers on other hosts).
EXPOSE 8765 4222
CMD ["grid", "-c", "/etc/grid/grid.yaml"]
