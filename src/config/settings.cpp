#include "osbuild/config/settings.h"

#include <unistd.h>

#include <charconv>
#include <thread>

#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/text.h"

extern char** environ;

namespace osbuild::config {

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::flag: return "flag";
    case Origin::environment: return "environment";
    case Origin::file: return "file";
    case Origin::builtin: return "default";
  }
  return "default";
}

const std::vector<SettingDef>& setting_table() {
  static const std::vector<SettingDef> table = {
      {"arch", SettingType::arch, "--arch", {"BUILDSYS_ARCH", "OSBUILD_ARCH"}, "", "",
       "target architecture: x86_64 or aarch64 (aliases amd64, arm64); default the host's"},
      {"variant", SettingType::string, "", {"BUILDSYS_VARIANT", "OSBUILD_VARIANT"}, "", "",
       "variant used when a command names none"},
      {"jobs", SettingType::integer, "-j,--jobs", {"BUILDSYS_JOBS", "OSBUILD_JOBS"}, "", "",
       "parallel jobs: packages built at once (default the number of cores), downloads at once "
       "(default 8)"},
      {"cache.dir", SettingType::path, "--cache-dir", {"OSBUILD_CACHE_DIR"}, "cache.dir",
       "~/.cache/osbuild", "the local content store"},
      {"cache.max-size", SettingType::size, "", {"OSBUILD_CACHE_MAX_SIZE"}, "cache.max-size",
       "20 GiB", "`osbuild cache gc` evicts least recently used entries down to this size"},
      {"cache.remote", SettingType::string, "--remote-cache", {"OSBUILD_REMOTE_CACHE"},
       "cache.remote", "", "the Bazel HTTP remote cache URL (docs/remote-cache.md)"},
      {"cache.zig", SettingType::path, "", {"OSBUILD_ZIG_CACHE_DIR"}, "", "",
       "where osbuild fills zig's global cache (the libc and compiler runtime it builds) once per "
       "zig version and target; each zig build works in its own copy. Default <cache.dir>/zig. "
       "Caches that share it skip filling again (the tests share one)"},
      {"cache.remote-upload", SettingType::boolean, "", {"OSBUILD_REMOTE_UPLOAD"},
       "cache.remote-upload", "true", "write results to the remote cache"},
      {"sources.lookaside", SettingType::list, "", {"OSBUILD_LOOKASIDE"}, "sources.lookaside", "",
       "lookaside cache URLs, tried in order (comma-separated in the environment)"},
      {"sources.upstream-fallback", SettingType::boolean, "--upstream-source-fallback",
       {"BUILDSYS_UPSTREAM_SOURCE_FALLBACK", "OSBUILD_UPSTREAM_SOURCE_FALLBACK"},
       "sources.upstream-fallback", "false",
       "download from upstream URLs when the lookaside caches miss"},
      {"offline", SettingType::boolean, "--offline", {"OSBUILD_OFFLINE"}, "", "false",
       "never touch the network: fail listing what is missing"},
      {"locked", SettingType::boolean, "--locked", {"OSBUILD_LOCKED"}, "", "false",
       "refuse to run when osbuild.lock is missing or stale"},
      {"publish.repo", SettingType::string, "--repo", {"PUBLISH_REPO", "OSBUILD_PUBLISH_REPO"}, "",
       "default", "the [repo.<name>] of Infra.toml to publish to or read"},
      {"publish.infra-config-path", SettingType::path, "--infra-config",
       {"PUBLISH_INFRA_CONFIG_PATH", "OSBUILD_INFRA_CONFIG_PATH"}, "", "Infra.toml",
       "the Infra.toml to read, relative to the project"},
      {"publish.expiration-policy-path", SettingType::path, "--expiration-policy",
       {"PUBLISH_EXPIRATION_POLICY_PATH", "OSBUILD_EXPIRATION_POLICY_PATH"}, "",
       "repo-expirations.toml",
       "the repo-expirations.toml to use; the built-in policy when the file is absent"},
      {"publish.wave-policy-path", SettingType::path, "--wave-policy",
       {"PUBLISH_WAVE_POLICY_PATH", "OSBUILD_WAVE_POLICY_PATH"}, "", "waves.toml",
       "the waves.toml to use; the built-in policy when the file is absent"},
      {"publish.disk-image", SettingType::boolean, "--disk-image", {"OSBUILD_PUBLISH_DISK_IMAGE"},
       "", "false",
       "also publish the disk image (and the split plan's data image) as an lz4 target; updates "
       "need only the update images"},
      {"release-start-time", SettingType::string, "--release-start-time",
       {"RELEASE_START_TIME", "OSBUILD_RELEASE_START_TIME"}, "", "",
       "start of waves and metadata validity: RFC 3339 or 'in 2 days'; default now"},
      {"repo.expiring-within", SettingType::duration, "--within",
       {"REPO_METADATA_EXPIRING_WITHIN", "OSBUILD_REPO_METADATA_EXPIRING_WITHIN"}, "", "3 days",
       "the window of `osbuild repo check-expirations`, e.g. '3 days'"},
      // Where the image stage takes GRUB from (docs/boot.md): Debian's module folders.
      {"image.grub-x86_64-modules", SettingType::path, "", {"OSBUILD_GRUB_X86_64_MODULES"}, "",
       "/usr/lib/grub/x86_64-efi",
       "GRUB's x86_64-efi module folder, from which BOOTX64.EFI is made (Debian: grub-efi-amd64-bin)"},
      {"image.grub-aarch64-modules", SettingType::path, "", {"OSBUILD_GRUB_AARCH64_MODULES"}, "",
       "/usr/lib/grub/arm64-efi",
       "GRUB's arm64-efi module folder, from which BOOTAA64.EFI is made (Debian: "
       "grub-efi-arm64-bin:arm64)"},
      {"log-level", SettingType::choice, "--log-level", {"OSBUILD_LOG_LEVEL"}, "", "warn",
       "debug log level: trace, debug, info, warn, error, off",
       {"trace", "debug", "info", "warn", "error", "off"}},
      {"sandbox", SettingType::choice, "--sandbox", {"OSBUILD_SANDBOX"}, "", "sealed",
       "where package builds run: sealed (bubblewrap: a build sees only its inputs, the system's "
       "/usr and its toolchain; no network, no $HOME, no keys) or unshare (network and process "
       "isolation only: a build can read and change your files; never chosen on its own). Not "
       "settable in osbuild.toml: a project cannot weaken its own sandbox",
       {"sealed", "unshare"}},
      // The virtual machine of `osbuild qemu` (docs/qemu.md).
      {"qemu.cpus", SettingType::integer, "--cpus", {"OSBUILD_QEMU_CPUS"}, "", "1",
       "virtual CPUs of `osbuild qemu` (QEMU's -smp)"},
      {"qemu.memory", SettingType::size, "--memory", {"OSBUILD_QEMU_MEMORY"}, "", "512 MiB",
       "memory of `osbuild qemu` (QEMU's -m), e.g. '1 GiB'"},
      {"qemu.kvm", SettingType::choice, "--kvm", {"OSBUILD_QEMU_KVM"}, "", "auto",
       "auto: KVM when /dev/kvm is usable and the guest is the host's arch, else TCG; yes: KVM "
       "or fail; no: always TCG",
       {"auto", "yes", "no"}},
      {"qemu.firmware-x86_64", SettingType::path, "", {"OSBUILD_QEMU_FIRMWARE_X86_64"}, "", "",
       "UEFI firmware for x86_64 guests: a QEMU firmware descriptor (.json) or a *CODE*.fd with "
       "its *VARS*.fd beside it; default the first fitting descriptor in "
       "/usr/share/qemu/firmware, else OVMF_CODE_4M.fd"},
      {"qemu.firmware-aarch64", SettingType::path, "", {"OSBUILD_QEMU_FIRMWARE_AARCH64"}, "", "",
       "UEFI firmware for aarch64 guests, as qemu.firmware-x86_64; default AAVMF_CODE.fd"},
      // How downloads (sources, kits, remote caches) retry and time out (docs/fetch.md).
      {"fetch.retries", SettingType::count, "", {"OSBUILD_FETCH_RETRIES"}, "", "4",
       "download attempts after the first, per URL"},
      {"fetch.backoff-ms", SettingType::count, "", {"OSBUILD_FETCH_BACKOFF_MS"}, "", "500",
       "the first backoff between download attempts, in milliseconds"},
      {"fetch.backoff-max-ms", SettingType::count, "", {"OSBUILD_FETCH_BACKOFF_MAX_MS"}, "",
       "30000", "the longest backoff between download attempts, in milliseconds"},
      {"fetch.connect-timeout", SettingType::integer, "", {"OSBUILD_FETCH_CONNECT_TIMEOUT"}, "",
       "30", "seconds to connect"},
      {"fetch.low-speed-time", SettingType::integer, "", {"OSBUILD_FETCH_LOW_SPEED_TIME"}, "",
       "30",
       "seconds below the low-speed limit before a download gives up (this also bounds a server "
       "that never answers)"},
      {"fetch.low-speed-limit", SettingType::integer, "", {"OSBUILD_FETCH_LOW_SPEED_LIMIT"}, "",
       "1024", "the low-speed limit, in bytes per second"},
      {"fetch.max-redirects", SettingType::count, "", {"OSBUILD_FETCH_MAX_REDIRECTS"}, "", "10",
       "redirects a download follows"},
      {"fetch.host-connections", SettingType::integer, "", {"OSBUILD_FETCH_HOST_CONNECTIONS"}, "",
       "8", "connections per host"},
  };
  return table;
}

const SettingDef& setting(std::string_view key) {
  for (const auto& def : setting_table()) {
    if (def.key == key) return def;
  }
  throw Error("internal: undeclared setting '" + std::string(key) + "'");
}

std::string_view long_flag(const SettingDef& def) {
  auto comma = def.flag.rfind(',');
  return comma == std::string_view::npos ? def.flag : def.flag.substr(comma + 1);
}

const std::vector<std::pair<std::string_view, std::string_view>>& file_kinds() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kinds = {
      {"osbuild.toml", "the project file, found by searching upward from the current folder"},
      {"package.toml", "one per package, in packages/<name>/"},
      {"kit.toml", "one per kit, in kits/<name>/"},
      {"variant.toml", "one per variant, in variants/<name>/"},
      {"Release.toml",
       "the OS version and the migrations between versions (Bottlerocket's format)"},
      {"Infra.toml",
       "TUF repositories and their signing keys (Bottlerocket's [repo.<name>] subset)"},
      {"repo-expirations.toml", "how long each signed role stays valid; built-in when absent"},
      {"waves.toml", "how an update is rolled out over the fleet; built-in when absent"},
      {"osbuild.lock", "written by `osbuild update`: the exact kit versions and digests"},
      {"osbuild.override.toml", "local, uncommitted overrides of kit registries and names"},
  };
  return kinds;
}

const std::vector<FileKeyDef>& file_key_table() {
  static const std::vector<FileKeyDef> table = {
      // osbuild.toml
      {"osbuild.toml", "", "schema-version", "1",
       "the file format this project is written in; required"},
      {"osbuild.toml", "", "name", R"("hello-os")",
       "the OS name used in file names and os-release; required"},
      {"osbuild.toml", "", "release-version", R"("1.4.0")",
       "the OS version; must equal Release.toml's version when both exist"},
      {"osbuild.toml", "[vendor.<name>]", "registry", R"("127.0.0.1:5000/osbuild")",
       "the OCI registry (host[:port]/path) kits of this vendor live in"},
      {"osbuild.toml", "[vendor.<name>]", "insecure", "true",
       "talk plain HTTP to the registry (a local test registry)"},
      {"osbuild.toml", "[[kit]]", "name", R"("core-kit")", "an external kit this project consumes"},
      {"osbuild.toml", "[[kit]]", "version", R"("^2.1")",
       "a semver requirement; `osbuild update` pins the newest match"},
      {"osbuild.toml", "[[kit]]", "vendor", R"("local")", "the [vendor.<name>] the kit comes from"},
      {"osbuild.toml", "[[kit]]", "override-packages", R"(["greet"])",
       "packages of the kit this project builds itself instead"},
      {"osbuild.toml", "[sources]", "lookaside", R"(["../lookaside", "https://cache.example.org"])",
       "lookaside caches tried in order: folders (relative to the project), file://, http(s)://"},
      {"osbuild.toml", "[sources]", "upstream-fallback", "false",
       "download from the upstream URL when every lookaside misses"},
      {"osbuild.toml", "[cache]", "dir", R"("~/.cache/osbuild")", "the local content store"},
      {"osbuild.toml", "[cache]", "max-size", R"("20 GiB")",
       "`osbuild cache gc` trims the store to this size"},
      {"osbuild.toml", "[cache]", "remote", R"("http://127.0.0.1:9090/cache")",
       "a Bazel HTTP remote cache, asked after the local store"},
      {"osbuild.toml", "[cache]", "remote-upload", "true", "write results to the remote cache"},
      {"osbuild.toml", "[[constraint-setting]]", "name", R"("board")",
       "a constraint setting of your own, beside cpu, os, libc and glibc"},
      {"osbuild.toml", "[[constraint-setting]]", "values", R"(["rpi4", "generic"])",
       "the values it may take"},
      {"osbuild.toml", "[[constraint-setting]]", "default", R"("generic")",
       "the value of platforms that do not name one"},
      {"osbuild.toml", "[platform.<name>]", "parent", R"("linux-aarch64")",
       "the platform this one extends"},
      {"osbuild.toml", "[platform.<name>]", "constraint-values", R"(["glibc:2.28"])",
       "constraint values or constraint-set names added to the parent's"},
      {"osbuild.toml", "[platform.<name>]", "exec", "false",
       "whether builds may run on this platform"},
      {"osbuild.toml", "[constraint-set.<name>]", "constraint-values",
       R"(["os:linux", "libc:gnu"])",
       "a named bundle usable wherever a list of constraint values is"},
      {"osbuild.toml", "[[toolchain]]", "name", R"("cross-aarch64")",
       "the toolchain's name, for `--extra-toolchain` and `osbuild toolchains`"},
      {"osbuild.toml", "[[toolchain]]", "kind", R"("gcc")", "gcc or zig"},
      {"osbuild.toml", "[[toolchain]]", "type", R"("cc")",
       "the toolchain type; cc is the only one"},
      {"osbuild.toml", "[[toolchain]]", "exec-compatible-with", R"(["cpu:x86_64"])",
       "constraints the machine running the build must meet"},
      {"osbuild.toml", "[[toolchain]]", "target-compatible-with", R"(["cpu:aarch64", "linux-gnu"])",
       "constraints the target platform must meet"},
      {"osbuild.toml", "[[toolchain]]", "cc", R"("/opt/cross/bin/aarch64-linux-gnu-gcc")",
       "the C compiler"},
      {"osbuild.toml", "[[toolchain]]", "cxx", R"("/opt/cross/bin/aarch64-linux-gnu-g++")",
       "the C++ compiler"},
      {"osbuild.toml", "[[toolchain]]", "ar", R"("/opt/cross/bin/aarch64-linux-gnu-ar")",
       "the archiver"},
      {"osbuild.toml", "[[toolchain]]", "ranlib", R"("/opt/cross/bin/aarch64-linux-gnu-ranlib")",
       "ranlib"},
      {"osbuild.toml", "[[toolchain]]", "strip", R"("/opt/cross/bin/aarch64-linux-gnu-strip")",
       "strip"},
      {"osbuild.toml", "[[toolchain]]", "target", R"("aarch64-linux-gnu")",
       "the GNU triple builds see as OSBUILD_TARGET"},
      {"osbuild.toml", "[[toolchain]]", "sysroot", R"("/opt/cross/sysroot")",
       "the toolchain's own sysroot"},
      {"osbuild.toml", "[[toolchain]]", "cflags", R"(["-O2"])", "flags added to CFLAGS"},
      {"osbuild.toml", "[[toolchain]]", "ldflags", R"(["-Wl,-O1"])", "flags added to LDFLAGS"},
      // package.toml
      {"package.toml", "[package]", "name", R"("zlib")",
       "the package name; the folder name when absent"},
      {"package.toml", "[package]", "version", R"("1.3.1")", "the upstream version; required"},
      {"package.toml", "[package]", "license", R"("Zlib")",
       "an SPDX license expression, copied into the image's SBOM"},
      {"package.toml", "[package]", "depends", R"(["libc"])",
       "build-time dependencies, staged into the sysroot before building"},
      {"package.toml", "[package]", "requires", R"(["libc"])",
       "run-time dependencies, pulled into images with this package"},
      {"package.toml", "[package]", "source-groups", R"(["zlib-patches"])",
       "folders under sources/ this package reads (hashed into its key)"},
      {"package.toml", "[package]", "uses-release-version", "true",
       "the build reads the OS version, so a version bump rebuilds it"},
      {"package.toml", "[[external-files]]", "url", R"("https://zlib.net/zlib-1.3.1.tar.gz")",
       "where the file comes from when no lookaside has it"},
      {"package.toml", "[[external-files]]", "sha512", R"("<128 hex digits>")",
       "the file's SHA-512 in lowercase hex; required"},
      {"package.toml", "[[external-files]]", "path", R"("zlib-1.3.1.tar.gz")",
       "the file name; the last part of the URL when absent"},
      {"package.toml", "[[external-files]]", "force-upstream", "true",
       "skip the lookaside caches for this file"},
      {"package.toml", "[[external-files]]", "unpack", "false",
       "unpack this archive into the work dir (default: the first archive)"},
      {"package.toml", "[[git-sources]]", "url", R"("https://github.com/example/tool.git")",
       "the repository, fetched with libgit2"},
      {"package.toml", "[[git-sources]]", "rev", R"("<40-hex commit>")", "the pinned commit"},
      {"package.toml", "[[git-sources]]", "name", R"("tool")",
       "the folder under $OSBUILD_SOURCES; the repository name when absent"},
      {"package.toml", "[build]", "system", R"("cmake")", "cmake, autotools, make or script"},
      {"package.toml", "[build]", "script", R"("build.sh")",
       "the build script, for system = \"script\""},
      {"package.toml", "[build]", "target-compatible-with", R"(["os:linux"])",
       "constraint values the target must meet; a mismatch skips the package, said out loud"},
      {"package.toml", "[build]", "constraint-values", R"(["compiler:gcc", "libc:gnu"])",
       "values that replace the target platform's for this package's builds (its toolchain)"},
      {"package.toml", "[build]", "env", R"({ CRC_FAST_TARGET_CPU = "generic" })",
       "environment variables the build sees"},
      {"package.toml", "[build]", "patches", R"(["0001-fix.patch"])",
       "patches applied in order before building"},
      {"package.toml", "[[build.step]]", "name", R"("deps")",
       "a layered step, cached on its own inputs"},
      {"package.toml", "[[build.step]]", "inputs", R"(["go.mod", "go.sum"])",
       "the only files that key this step"},
      {"package.toml", "[[build.step]]", "run", R"("go mod download")",
       "the shell command of the step"},
      // kit.toml, variant.toml
      {"kit.toml", "[kit]", "name", R"("core-kit")", "the kit name; the folder name when absent"},
      {"kit.toml", "[kit]", "vendor", R"("local")", "the [vendor.<name>] it is published to"},
      {"kit.toml", "[kit]", "included-packages", R"(["libc", "zlib"])",
       "packages in the kit; their `requires` closure is included"},
      {"variant.toml", "[variant]", "name", R"("dev")",
       "the variant name; the folder name when absent"},
      {"variant.toml", "[variant]", "included-packages", R"(["init", "zlib"])",
       "packages in the image; their `requires` closure is included"},
      {"variant.toml", "[variant]", "supported-arches", R"(["x86_64", "aarch64"])",
       "arches the variant builds for; others are refused"},
      {"variant.toml", "[variant]", "kernel-parameters", R"(["init.poweroff", "panic=-1"])",
       "added to the kernel command line after the arch's console"},
      {"variant.toml", "[variant.image]", "format", R"("raw")", "raw, qcow2 or vmdk"},
      {"variant.toml", "[variant.image]", "root-filesystem", R"("erofs")",
       "erofs, squashfs or ext4"},
      {"variant.toml", "[variant.image]", "os-image-size-mib", "512", "size of the OS disk"},
      {"variant.toml", "[variant.image]", "data-image-size-mib", "256",
       "size of the data disk (or partition)"},
      {"variant.toml", "[variant.image]", "partition-plan", R"("split")",
       "split (OS and data disks) or unified (one disk)"},
      {"variant.toml", "[variant.image]", "in-place-updates", "true",
       "A/B banks for in-place updates"},
      // Release.toml, Infra.toml, policies
      {"Release.toml", "", "version", R"("1.4.0")", "the OS version; required"},
      {"Release.toml", "[migrations]", "\"(<from>, <to>)\"",
       R"(["migrate_v1.4.0_agent-config.lz4"])",
       "migrations run between two versions; files in migrations/"},
      {"Infra.toml", "[repo.<name>]", "root_role_url", R"("https://example.com/root.json")",
       "the trusted root.json of an existing repository"},
      {"Infra.toml", "[repo.<name>]", "root_role_sha512", R"("<128 hex digits>")",
       "its SHA-512; given with root_role_url"},
      {"Infra.toml", "[repo.<name>]", "signing_keys", R"({ file = { path = "keys/default.pem" } })",
       "the PEM signing key, relative to Infra.toml"},
      {"Infra.toml", "[repo.<name>]", "metadata_base_url", R"("https://example.com/metadata/")",
       "where the existing repository's metadata is read from"},
      {"Infra.toml", "[repo.<name>]", "targets_url", R"("https://example.com/targets/")",
       "where the existing repository's targets are read from"},
      {"Infra.toml", "[repo.<name>]", "root_key_threshold", "1", "signatures a new root needs"},
      {"Infra.toml", "[repo.<name>]", "pub_key_threshold", "1", "signatures each other role needs"},
      {"Infra.toml", "[vendor.<name>]", "registry", R"("127.0.0.1:5000/osbuild")",
       "the vendor's OCI registry, as in osbuild.toml"},
      {"Infra.toml", "[vendor.<name>]", "insecure", "true", "plain HTTP to the registry"},
      {"repo-expirations.toml", "", "snapshot_expiration", "'2 weeks'",
       "validity of snapshot.json; required"},
      {"repo-expirations.toml", "", "targets_expiration", "'2 weeks'",
       "validity of targets.json; required"},
      {"repo-expirations.toml", "", "timestamp_expiration", "'1 week'",
       "validity of timestamp.json; required"},
      {"waves.toml", "[[waves]]", "start_after", "'1 hour'",
       "when this wave starts, after the release start time"},
      {"waves.toml", "[[waves]]", "fleet_percentage", "1",
       "the share of the fleet updated by the end of this wave"},
      // osbuild.lock, osbuild.override.toml
      {"osbuild.lock", "", "schema-version", "1", "the lock format"},
      {"osbuild.lock", "[[kit]]", "name", R"("core-kit")", "a locked kit"},
      {"osbuild.lock", "[[kit]]", "version", R"("2.1.0")",
       "the exact version `osbuild update` chose"},
      {"osbuild.lock", "[[kit]]", "vendor", R"("local")", "its vendor"},
      {"osbuild.lock", "[[kit]]", "source", R"("127.0.0.1:5000/osbuild/core-kit:v2.1.0")",
       "where it was found"},
      {"osbuild.lock", "[[kit]]", "digest", R"("sha256:…")",
       "the digest of the image index `osbuild fetch` pulls and verifies"},
      {"osbuild.lock", "[[kit]]", "kits",
       R"([{ name = "base-kit", version = "^1.0", vendor = "local" }])",
       "the kits this kit depends on"},
      {"osbuild.override.toml", "[vendor.<name>]", "registry", R"("127.0.0.1:5001/test")",
       "use this registry for the vendor instead"},
      {"osbuild.override.toml", "[kit.<name>]", "name", R"("my-greet-kit")",
       "use the kit of this name instead"},
      {"osbuild.override.toml", "[kit.<name>]", "registry", R"("127.0.0.1:5001/test")",
       "pull this kit from this registry instead"},
  };
  return table;
}

Environment current_environment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string_view::npos) {
      env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
  }
  return env;
}

namespace {

std::optional<SettingValue> from_file(const ProjectFile& file, const SettingDef& def) {
  auto where = [&] { return file.path.filename().string(); };
  auto make = [&](std::string value) {
    return SettingValue{std::move(value), Origin::file, where()};
  };
  const auto& c = file.cache;
  if (def.file_key == "cache.dir" && c.dir) return make(*c.dir);
  if (def.file_key == "cache.max-size" && c.max_size_text) return make(*c.max_size_text);
  if (def.file_key == "cache.remote" && c.remote) return make(*c.remote);
  if (def.file_key == "cache.remote-upload" && c.remote_upload) {
    return make(*c.remote_upload ? "true" : "false");
  }
  if (def.file_key == "sources.lookaside" && !file.sources.lookaside.empty()) {
    return make(join(file.sources.lookaside, ","));
  }
  if (def.file_key == "sources.upstream-fallback" && file.sources.upstream_fallback) {
    return make(*file.sources.upstream_fallback ? "true" : "false");
  }
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t = to_lower(trim(text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off" || t.empty()) return false;
  return std::nullopt;
}

}  // namespace

std::string normalise_setting(const SettingDef& def, const SettingValue& v) {
  auto fail = [&](const std::string& why) {
    throw UsageError(std::string(def.key) + " from " + v.source + ": " + why,
                     "fix or unset " + v.source);
  };
  switch (def.type) {
    case SettingType::arch: {
      auto arch = parse_arch(v.value);
      if (!arch) fail(arch.error());
      return std::string(arch_name(arch.value()));
    }
    case SettingType::boolean: {
      auto b = parse_bool(v.value);
      if (!b) fail("expected true or false, got '" + v.value + "'");
      return *b ? "true" : "false";
    }
    case SettingType::integer:
    case SettingType::count: {
      long least = def.type == SettingType::integer ? 1 : 0;
      long n = 0;
      auto [p, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), n);
      if (ec != std::errc() || p != v.value.data() + v.value.size() || n < least) {
        fail("expected a whole number of at least " + std::to_string(least) + ", got '" +
             v.value + "'");
      }
      return v.value;
    }
    case SettingType::choice: {
      for (auto choice : def.choices) {
        if (v.value == choice) return v.value;
      }
      std::vector<std::string> names(def.choices.begin(), def.choices.end());
      std::string last = names.back();
      names.pop_back();
      fail("expected " + join(names, ", ") + " or " + last + ", got '" + v.value + "'");
      return v.value;
    }
    case SettingType::size: {
      auto s = parse_size(v.value);
      if (!s) fail(s.error());
      return v.value;
    }
    case SettingType::duration: {
      auto d = parse_duration(v.value);
      if (!d) fail(d.error());
      return v.value;
    }
    case SettingType::path:
      return expand_home(v.value).string();  // relative ones from osbuild.toml: see resolve()
    case SettingType::string:
    case SettingType::list:
      return v.value;
  }
  return v.value;
}

SettingValue resolve_setting(const SettingDef& def, const ProjectFile* file,
                             const FlagValues& flags, const Environment& env) {
  std::optional<SettingValue> value;
  if (auto f = flags.find(def.key); f != flags.end()) {
    value = SettingValue{f->second, Origin::flag, std::string(long_flag(def))};
  }
  for (auto name : def.env) {
    if (value) break;
    if (auto e = env.find(name); e != env.end() && !e->second.empty()) {
      value = SettingValue{e->second, Origin::environment, std::string(name)};
    }
  }
  if (!value && file != nullptr && !def.file_key.empty()) {
    value = from_file(*file, def);
  }
  if (!value) {
    std::string builtin(def.builtin);
    if (def.key == "arch") builtin = std::string(arch_name(host_arch()));
    if (def.key == "jobs") builtin = std::to_string(std::max(1u, std::thread::hardware_concurrency()));
    value = SettingValue{builtin, Origin::builtin, "built-in"};
  }
  if (!value->value.empty()) {
    value->value = normalise_setting(def, *value);
  }
  // A relative path written in osbuild.toml means a path inside the project, wherever osbuild
  // was started from.
  if (def.type == SettingType::path && value->origin == Origin::file &&
      std::filesystem::path(value->value).is_relative()) {
    value->value = (file->path.parent_path() / value->value).lexically_normal().string();
  }
  return std::move(*value);
}

Settings Settings::resolve(const ProjectFile* file, const FlagValues& flags,
                           const Environment& env) {
  Settings s;
  for (const auto& def : setting_table()) {
    s.m_values.emplace(std::string(def.key), resolve_setting(def, file, flags, env));
  }
  return s;
}

const SettingValue& Settings::get(std::string_view key) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) {
    throw Error("internal: undeclared setting '" + std::string(key) + "'");
  }
  return it->second;
}

bool Settings::boolean(std::string_view key) const { return get(key).value == "true"; }

long Settings::integer(std::string_view key) const { return std::stol(get(key).value); }

std::uint64_t Settings::size(std::string_view key) const {
  return parse_size(get(key).value).value_or_throw(std::string(key));
}

Arch Settings::arch() const { return parse_arch(get("arch").value).value_or_throw("arch"); }

}  // namespace osbuild::config
