# Every library comes from a Debian package; `.ci/run` and scripts/install-deps install them.
find_package(PkgConfig REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(spdlog REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
find_package(Threads REQUIRED)

add_library(osbuild_deps INTERFACE)
add_library(osbuild::deps ALIAS osbuild_deps)
target_link_libraries(osbuild_deps INTERFACE
  CLI11::CLI11 nlohmann_json::nlohmann_json OpenSSL::Crypto spdlog::spdlog
  PkgConfig::TOMLPP Threads::Threads ${CMAKE_DL_LIBS})
# libcurl's, libgit2's and libarchive's headers only: src/util/{curl,git2,archive}_loader.cpp
# load them on first use, so that a command that never goes to the network, to git or to an
# archive does not pay for loading them and their dependencies (src/util/lazy_library.h).
target_include_directories(osbuild_deps INTERFACE
  ${CURL_INCLUDE_DIRS} ${LIBGIT2_INCLUDE_DIRS} ${LIBARCHIVE_INCLUDE_DIRS})
