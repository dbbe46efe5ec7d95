// TUF metadata through the parsers and the client's verifier. The input is a flags byte and up to
// five files separated by NUL bytes (which JSON text cannot hold): timestamp.json, the snapshot,
// the targets, 2.root.json and the content of every target. With flag bit 0 each file that parses
// as metadata is re-signed with the trusted key before the client reads it, so the fuzzer gets
// past the signature checks to versions, lengths, hashes and expiry. Every file is also given to
// the typed parser its _type names, and to the signature check against the trusted root.
//
// Run with OSBUILD_FUZZ_TUF_SEEDS=<folder> to write a valid repository as seeds and exit.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "osbuild/repo/client.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/units.h"

using namespace osbuild;
using namespace osbuild::repo;

namespace {

// A fixed key, so that seeds and the trusted root agree across runs.
constexpr std::string_view k_key_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIOroQgFm2vt+7TKr4rxcrSY1xUl2R9PFy1OOVKRJJDtM\n"
    "-----END PRIVATE KEY-----\n";
const std::string k_meta = "http://repo.test/metadata/dev/x86_64/";
const std::string k_targets = "http://repo.test/targets/";
enum Part { timestamp, snapshot, targets, next_root, target_content, part_count };

Time at(const char* text) {
  return parse_rfc3339(text).value();
}

struct Trusted {
  SigningKey key = SigningKey::from_pem(k_key_pem, "the fuzz key");
  RootRole root;
  Metadata root_md;
  Trusted() {
    root.expires = at("2030-01-01T00:00:00Z");
    root.keys[key.key_id()] = key.public_key();
    for (Role r : k_roles) root.roles[r] = RoleKeys{{key.key_id()}, 1};
    root_md = Metadata{root.to_json(), {}};
    root_md.sign(key);
  }
};

const Trusted& trusted() {
  static const Trusted t;
  return t;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Serves the parts by file name, whatever version the client asks for.
class FuzzTransport : public Transport {
 public:
  std::array<std::optional<std::string>, part_count> parts;
  FetchStatus fetch(const std::string& url, std::uint64_t max_bytes,
                    const std::function<void(std::string_view)>& sink) override {
    const std::optional<std::string>* file = &parts[target_content];
    if (url.rfind(k_meta, 0) == 0) {
      std::string_view name = std::string_view(url).substr(k_meta.size());
      file = name == "timestamp.json"           ? &parts[timestamp]
             : ends_with(name, "snapshot.json") ? &parts[snapshot]
             : ends_with(name, "targets.json")  ? &parts[targets]
             : name == "2.root.json"            ? &parts[next_root]
                                                : nullptr;
    }
    if (file == nullptr || !*file) return FetchStatus::missing;
    if ((*file)->size() > max_bytes) {
      throw Error(url + ": more than " + std::to_string(max_bytes) + " bytes");
    }
    sink(**file);
    return FetchStatus::ok;
  }
};

// The typed parser for the file's _type, and the signature check against the trusted root.
void parse_typed(const std::string& text) {
  fuzz::errors_only([&] {
    Metadata md = Metadata::parse(text, "fuzz.json");
    (void)md.canonical_body();
    std::string type = md.body.contains("_type") && md.body["_type"].is_string()
                           ? md.body["_type"].get<std::string>()
                           : std::string();
    auto role = parse_role(type);
    (void)threshold_problem(md, trusted().root, role.ok() ? role.value() : Role::root);
    if (type == "root") {
      RootRole r = parse_root(md.body, "fuzz.json");
      (void)r.to_json();
      (void)verify_self_signed_root(md, "fuzz.json");
    } else if (type == "targets") {
      (void)parse_targets(md.body, "fuzz.json").to_json();
    } else if (type == "snapshot") {
      (void)parse_snapshot(md.body, "fuzz.json").to_json();
    } else {
      (void)parse_timestamp(md.body, "fuzz.json").to_json();
    }
  });
}

std::string resigned(const std::string& text) {
  std::string out = text;
  fuzz::errors_only([&] {
    Metadata md = Metadata::parse(text, "fuzz.json");
    md.signatures.clear();
    md.sign(trusted().key);
    out = md.to_file();
  });
  return out;
}

void write_seeds(const std::filesystem::path& dir) {
  const Trusted& t = trusted();
  std::string content = "image bytes";
  TargetsRole tr;
  tr.expires = at("2030-01-01T00:00:00Z");
  TargetFile f;
  f.length = content.size();
  f.hashes["sha256"] = sha256_hex(content);
  tr.targets["a.img"] = f;
  Metadata tm{tr.to_json(), {}};
  tm.sign(t.key);
  SnapshotRole sr;
  sr.expires = tr.expires;
  sr.meta["targets.json"] = describe(1, tm.to_file());
  Metadata sm{sr.to_json(), {}};
  sm.sign(t.key);
  TimestampRole ts;
  ts.expires = tr.expires;
  ts.snapshot = describe(1, sm.to_file());
  Metadata tsm{ts.to_json(), {}};
  tsm.sign(t.key);
  RootRole r2 = t.root;
  r2.version = 2;
  Metadata r2m{r2.to_json(), {}};
  r2m.sign(t.key);
  std::filesystem::create_directories(dir);
  std::string nul(1, '\0');
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  std::string files = tsm.to_file() + nul + sm.to_file() + nul + tm.to_file();
  write("seed-repo", std::string(1, '\0') + files + nul + nul + content);
  write("seed-repo-resign", std::string(1, '\1') + files + nul + r2m.to_file() + nul + content);
  write("seed-root", std::string(1, '\0') + t.root_md.to_file());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("OSBUILD_FUZZ_TUF_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  bool resign = (data[0] & 1) != 0;
  std::string_view rest = fuzz::as_text(data + 1, size - 1);
  FuzzTransport transport;
  for (int i = 0; i < part_count && !rest.empty(); ++i) {
    std::size_t end = i == target_content ? std::string_view::npos : rest.find('\0');
    std::string part(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (part.empty()) continue;
    if (i != target_content) parse_typed(part);
    transport.parts[i] = resign && i != target_content ? resigned(part) : part;
  }
  RepoLocation where{k_meta, k_targets};
  LoadOptions options{Expiry::enforce, at("2026-11-21T00:00:00Z"), {}};
  fuzz::errors_only([&] {
    auto repo = load_repository(transport, where, trusted().root_md, options);
    if (!repo) return;
    (void)verify_targets(transport, where, *repo);
    for (const auto& [name, file] : repo->targets.targets) {
      (void)fetch_target_text(transport, where, repo->targets, name);
    }
  });
  return 0;
}
