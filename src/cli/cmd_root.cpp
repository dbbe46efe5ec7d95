// `osbuild root init | add-key | remove-key | set-threshold | expire | sign`: tuftool's root
// workflow for a repository's root.json (docs/repo.md "Root role").
#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/repo/root_role.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/units.h"

namespace osbuild::cli {

namespace {

namespace fs = std::filesystem;

struct RootArgs {
  std::string path;
  std::string from;
  std::string expires = "52 weeks";
  std::string key;
  std::vector<std::string> roles;
  std::string role;
  std::uint32_t threshold = 1;
  std::vector<std::string> keys;
};

repo::Time parse_when(const std::string& text) {
  auto spec = parse_duration(text);
  if (!spec) {
    throw UsageError(spec.error(), "write e.g. '52 weeks', 'in 1 year' is not accepted: " +
                                       std::string(k_duration_grammar));
  }
  return spec.value().resolve(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::vector<repo::Role> parse_roles(const std::vector<std::string>& names) {
  std::vector<repo::Role> roles;
  for (const auto& n : names) {
    roles.push_back(repo::parse_role(n).value_or_throw("--role"));
  }
  return roles;
}

// What a root command did: a line, or with --json one event of stage "root" (docs/json.md).
void say(const CliState& state, std::string_view event, Json fields, const std::string& text) {
  if (state.options.output == OutputMode::json) {
    json_event("root", event, fields);
  } else if (state.options.verbosity != Verbosity::quiet) {
    std::printf("%s\n", text.c_str());
  }
}

int sign(const CliState& state, const RootArgs& args) {
  std::vector<fs::path> keys(args.keys.begin(), args.keys.end());
  auto status = repo::root_sign(args.path, keys);
  if (state.options.output == OutputMode::json) {
    json_event("root", "sign",
               {{"path", args.path},
                {"version", status.version},
                {"valid", status.valid},
                {"threshold", status.threshold},
                {"not_root_keys", status.not_root_keys}});
    return 0;
  }
  say(state, "sign", {},
      "signed " + args.path + " (root version " + std::to_string(status.version) +
          "): " + std::to_string(status.valid) + " of " + std::to_string(status.threshold) +
          " root signatures needed");
  for (const auto& id : status.not_root_keys) {
    say(state, "sign", {},
        "  key " + id.substr(0, 16) +
            "… is not a root key of this version: kept as a signature of an older root");
  }
  return 0;
}

template <typename Fn>
CLI::App* command(CLI::App& parent, CliState& state, const char* name, const char* help,
                  const std::shared_ptr<RootArgs>& args, Fn fn) {
  auto* c = parent.add_subcommand(name, help);
  c->add_option("root", args->path, "the root.json file")->required();
  c->callback(
      [&state, args, fn] { state.action = [&state, args, fn] { return fn(state, *args); }; });
  return c;
}

}  // namespace

void setup_root(CLI::App& sub, CliState& state) {
  auto args = std::make_shared<RootArgs>();
  sub.require_subcommand(1);
  sub.fallthrough();
  auto* init = command(sub, state, "init", "write a new unsigned root (or the next version of one)",
                       args, [](const CliState& s, const RootArgs& a) {
                         std::optional<fs::path> from;
                         if (!a.from.empty()) from = a.from;
                         repo::root_init(a.path, from, parse_when(a.expires));
                         say(s, "init", {{"path", a.path}, {"from", a.from}},
                             "wrote " + a.path + (from ? " from " + a.from : std::string()));
                         return 0;
                       });
  init->add_option("--from", args->from, "start from this root: same keys, next version");
  init->add_option("--expires", args->expires, "when the root expires (default '52 weeks')");

  auto* add = command(
      sub, state, "add-key", "add a key to one or more roles", args,
      [](const CliState& s, const RootArgs& a) {
        auto id = repo::root_add_key(a.path, a.key, parse_roles(a.roles));
        say(s, "add_key", {{"path", a.path}, {"keyid", id}, {"roles", a.roles}}, "added key " + id);
        return 0;
      });
  add->add_option("key", args->key, "a PEM private or public key")->required();
  add->add_option("-r,--role", args->roles, "root, targets, snapshot or timestamp; repeatable")
      ->required();

  auto* remove =
      command(sub, state, "remove-key", "remove a key from roles (all by default)", args,
              [](const CliState& s, const RootArgs& a) {
                auto id = repo::root_remove_key(a.path, a.key, parse_roles(a.roles));
                say(s, "remove_key", {{"path", a.path}, {"keyid", id}, {"roles", a.roles}},
                    "removed key " + id);
                return 0;
              });
  remove->add_option("keyid", args->key, "the key id, or a unique prefix of it")->required();
  remove->add_option("-r,--role", args->roles, "only from these roles");

  auto* threshold = command(
      sub, state, "set-threshold", "how many signatures a role needs", args,
      [](const CliState& s, const RootArgs& a) {
        repo::root_set_threshold(a.path, repo::parse_role(a.role).value_or_throw(), a.threshold);
        say(s, "set_threshold", {{"path", a.path}, {"role", a.role}, {"threshold", a.threshold}},
            "threshold of " + a.role + " is " + std::to_string(a.threshold));
        return 0;
      });
  threshold->add_option("role", args->role, "root, targets, snapshot or timestamp")->required();
  threshold->add_option("threshold", args->threshold, "signatures needed")->required();

  auto* expire = command(sub, state, "expire", "set when the root expires", args,
                         [](const CliState& s, const RootArgs& a) {
                           auto when = parse_when(a.expires);
                           repo::root_expire(a.path, when);
                           say(s, "expire", {{"path", a.path}, {"expires", format_rfc3339(when)}},
                               "root expires " + format_rfc3339(when));
                           return 0;
                         });
  expire->add_option("when", args->expires, "'52 weeks', 'in 2 years' or an RFC 3339 time")
      ->required();

  auto* s = command(sub, state, "sign", "sign the root with one or more keys", args, sign);
  s->add_option("-k,--key", args->keys, "a PEM private key; repeatable")->required();
}

}  // namespace osbuild::cli
