// The nats-server configuration file GRID generates from ServerOptions (SPEC §16 D-1), and
// the address helpers that go with it. Pure functions except write_config; all thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "grid/natsd/server_options.hpp"

namespace grid::natsd {

// Renders the configuration in nats-server 2.9 syntax: server_name (when set), host, port,
// jetstream { store_dir, max_memory_store / max_file_store when > 0 }, cluster (when enabled),
// http (always: monitoring is loopback-only when http is disabled) and ports_file_dir.
// Every string is quoted.
std::string render_config(const ServerOptions& options);

// <store_dir>/grid-nats-server.conf
std::filesystem::path config_path(const ServerOptions& options);

// Creates the store directory (mode 0750) when missing and writes render_config(options) to
// config_path(options) atomically (temporary file + rename, mode 0600). Throws grid::Error.
void write_config(const ServerOptions& options);

// "host:port", with IPv6 literals bracketed ("[::1]:4222").
std::string join_host_port(std::string_view host, int port);

// The address a local client uses to reach a server listening on `listen_host`: the host
// itself, or 127.0.0.1 for "", "0.0.0.0", "::" and "[::]".
std::string connect_host(std::string_view listen_host);

}  // namespace grid::natsd
