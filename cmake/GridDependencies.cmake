# Every dependency comes from a Debian 12 package (scripts/install-deps.sh); nothing is
# vendored or downloaded at configure time.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(NATS REQUIRED IMPORTED_TARGET libnats)      # libnats-dev (nats.c 3.4)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)       # libuv1-dev
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib) # libcpp-httplib-dev
find_package(OpenSSL 3 REQUIRED)                               # libssl-dev (httplib HTTPS)
find_package(nlohmann_json 3.11 REQUIRED)                      # nlohmann-json3-dev
find_package(yaml-cpp REQUIRED)                                # libyaml-cpp-dev
find_package(spdlog REQUIRED)                                  # libspdlog-dev
find_package(CLI11 REQUIRED)                                   # libcli11-dev
if(GRID_BUILD_TESTS)
  find_package(GTest REQUIRED)                                 # libgtest-dev
  include(GoogleTest)
endif()

# yaml-cpp 0.7 in Debian exports the plain target name.
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()
