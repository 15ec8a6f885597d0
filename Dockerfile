# GRID container image (minimal for now; the runtime stage is completed with gridw/gridc).
# Build:  docker build -t grid .
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config libnats-dev libuv1-dev libcpp-httplib-dev \
      nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libcli11-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRID_BUILD_TESTS=OFF \
    && cmake --build /build --target grid

FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends \
      libnats3.4 libuv1 libcpp-httplib0.11 libyaml-cpp0.7 libspdlog1.10 nats-server \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/grid --create-home grid
COPY --from=build /build/cmd/grid/grid /usr/bin/grid
COPY config/grid.yaml /etc/grid/grid.yaml
USER grid
WORKDIR /var/lib/grid
EXPOSE 4222 8765
ENTRYPOINT ["/usr/bin/grid", "--config", "/etc/grid/grid.yaml"]
