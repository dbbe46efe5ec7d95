# Options that shape how osbuild's own targets are compiled. Linked PRIVATE by our targets only.
option(OSBUILD_BUILD_TESTS "Build the unit tests and register the integration tests" ON)
option(OSBUILD_BUILD_BENCH "Build the benchmarks under bench/" OFF)
option(OSBUILD_FUZZ "Build the libFuzzer targets under tests/fuzz (clang only; docs/fuzzing.md)" OFF)
# A build made once, like CI's sanitizer and fuzz builds, compiles the sources of osbuild_core
# and of the CLI in batches of 16 (CMake's unity build): a third of the compile time. Off for the
# everyday build, where editing one file recompiles only that file. Unit tests stay one per file.
option(OSBUILD_UNITY "Compile osbuild_core and the CLI as unity batches (docs/fuzzing.md, CI)" OFF)
option(OSBUILD_WARNINGS_AS_ERRORS "Treat compiler warnings as errors (CI turns this on)" OFF)
set(OSBUILD_SANITIZE "" CACHE STRING "Sanitizers to build with: empty, address;undefined, or thread")

add_library(osbuild_settings INTERFACE)
if(OSBUILD_SANITIZE)
  list(JOIN OSBUILD_SANITIZE "," sanitizers)
  target_compile_options(osbuild_settings INTERFACE -fsanitize=${sanitizers} -fno-omit-frame-pointer
                                                    -fno-sanitize-recover=all)
  target_link_options(osbuild_settings INTERFACE -fsanitize=${sanitizers})
endif()
target_compile_definitions(osbuild_settings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
