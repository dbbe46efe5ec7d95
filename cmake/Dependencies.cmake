# Every library comes from a Debian package; `.ci/run` and scripts/install-deps install them.
find_package(PkgConfig REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
# libcrypto linked statically (libssl-dev's libcrypto.a): its shared library's relocations cost
# every osbuild process about 0.5 ms before main(), a tenth of a no-op build (bench/README.md,
# "build"). The executable exports none of its symbols, so libcurl's own libssl, loaded on first
# use, still binds to the shared libcrypto.
set(OPENSSL_USE_STATIC_LIBS TRUE)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
find_package(Threads REQUIRED)

add_library(osbuild_deps INTERFACE)
add_library(osbuild::deps ALIAS osbuild_deps)
# fmt, spdlog and toml++ from their Debian headers, compiled into osbuild rather than loaded as
# shared libraries: each shared library costs every process its relocations before main(), and
# so does libstdc++.so, which only they would still need once the osbuild binary carries its
# own libstdc++ (CMakeLists.txt). spdlog is included by log.cpp alone and toml++ by the TOML
# reader; toml++'s implementation is compiled once, in src/config/toml_impl.cpp. Its own
# assertions stay off in every build type, as in the library Debian ships.
target_compile_definitions(osbuild_deps INTERFACE
  FMT_HEADER_ONLY=1 SPDLOG_HEADER_ONLY=1 SPDLOG_FMT_EXTERNAL=1 TOML_HEADER_ONLY=0)
target_compile_options(osbuild_deps INTERFACE "-DTOML_ASSERT(expr)=((void)0)")
target_include_directories(osbuild_deps INTERFACE ${TOMLPP_INCLUDE_DIRS})
target_link_libraries(osbuild_deps INTERFACE
  CLI11::CLI11 nlohmann_json::nlohmann_json OpenSSL::Crypto Threads::Threads ${CMAKE_DL_LIBS})
# libcurl's, libgit2's and libarchive's headers only: src/util/{curl,git2,archive}_loader.cpp
# load them on first use, so that a command that never goes to the network, to git or to an
# archive does not pay for loading them and their dependencies (src/util/lazy_library.h).
target_include_directories(osbuild_deps INTERFACE
  ${CURL_INCLUDE_DIRS} ${LIBGIT2_INCLUDE_DIRS} ${LIBARCHIVE_INCLUDE_DIRS})
