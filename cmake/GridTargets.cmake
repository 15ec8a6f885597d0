# Compile settings shared by every target of the project (not by dependencies).

set(GRID_SANITIZER_FLAGS "")
if(GRID_SANITIZE STREQUAL "address-undefined")
  set(GRID_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                           -fno-omit-frame-pointer)
elseif(GRID_SANITIZE STREQUAL "thread")
  set(GRID_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
elseif(GRID_SANITIZE STREQUAL "fuzzer")
  # libFuzzer coverage instrumentation plus ASan+UBSan (clang only); fuzz/ links -fsanitize=fuzzer.
  set(GRID_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined
                           -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(NOT GRID_SANITIZE STREQUAL "")
  message(FATAL_ERROR "GRID_SANITIZE must be empty, address-undefined, thread or fuzzer")
endif()

# grid_configure_target(<target>): warnings, -Werror when GRID_WERROR, sanitizers.
function(grid_configure_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
                         -Wimplicit-fallthrough)
  if(GRID_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(GRID_SANITIZER_FLAGS)
    target_compile_options(${target} PRIVATE ${GRID_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${GRID_SANITIZER_FLAGS})
  endif()
endfunction()

# grid_library(<name> SOURCES ... DEPS ...): a static module library under src/<module>.
function(grid_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  grid_configure_target(${name})
endfunction()

# grid_test(<name> SOURCES ... DEPS ...): a GoogleTest executable registered with CTest.
# Each test case runs in its own process (ctest -j runs them in parallel).
function(grid_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  grid_configure_target(${name})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "${name}."
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "GRID_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
