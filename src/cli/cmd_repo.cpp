// `osbuild repo [V]`, `repo validate`, `repo check-expirations`, `repo refresh` (docs/repo.md).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/repo/repo.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/units.h"

namespace osbuild::cli {

namespace {

namespace fs = std::filesystem;

struct RepoArgs {
  repo::RepoOptions publish;
  bool force = false;
  bool no_targets = false;
  bool unsafe = false;
  std::vector<std::string> keys;
  std::string root;
  std::string trusted_root;  // validate --root
};

// Options every repo command takes: the variant, the repository and where it is read from.
void common_options(CLI::App& app, CliState& state, const std::shared_ptr<RepoArgs>& args) {
  app.add_option("variant", args->publish.target.variant,
                 "the variant (default: BUILDSYS_VARIANT)");
  add_setting_flags(app, state, {"arch", "publish.repo", "publish.infra-config-path"});
  app.add_option("--metadata-url", args->publish.target.metadata_url,
                 "read the repository's metadata/<variant>/<arch>/ from this URL instead");
  app.add_option("--targets-url", args->publish.target.targets_url,
                 "read the repository's targets from this URL instead");
}

void signing_options(CLI::App& app, CliState& state, const std::shared_ptr<RepoArgs>& args) {
  app.add_option("-k,--key", args->keys,
                 "a PEM signing key, instead of Infra.toml's signing_keys; repeat for thresholds");
  app.add_option("--root", args->root,
                 "publish this root.json as the next root version (root rotation)");
  add_setting_flags(app, state, {"publish.expiration-policy-path", "release-start-time"});
}

repo::RepoTarget finish_target(const RepoArgs& args) {
  repo::RepoTarget t = args.publish.target;
  for (const auto& k : args.keys) {
    t.keys.emplace_back(k);
  }
  if (!args.root.empty()) {
    t.root = args.root;
  }
  if (!args.trusted_root.empty()) {
    t.trusted_root = args.trusted_root;
  }
  return t;
}

int print_written(const Context& ctx, const repo::PublishSummary& s, const char* event,
                  const char* verb) {
  if (ctx.json()) {
    json_event("repo", event,
               {{"output", s.output.string()},
                {"metadata", s.metadata_dir.string()},
                {"version", s.version},
                {"new_targets", s.new_targets},
                {"total_targets", s.total_targets},
                {"bytes", s.bytes},
                {"created", s.created},
                {"timestamp_version", s.timestamp_version}});
    return 0;
  }
  if (ctx.options.verbosity == Verbosity::quiet) {
    return 0;
  }
  std::printf("%s %s\n", verb, ctx.shown(s.output).c_str());
  if (!s.version.empty()) {
    std::printf("  version   %s, %zu targets written (%s), %zu in the repository%s\n",
                s.version.c_str(), s.new_targets, format_size(s.bytes).c_str(), s.total_targets,
                s.created ? " (new repository)" : "");
  } else {
    std::printf("  targets   %zu, untouched\n", s.total_targets);
  }
  std::printf("  metadata  %s/ (timestamp version %llu)\n", ctx.shown(s.metadata_dir).c_str(),
              static_cast<unsigned long long>(s.timestamp_version));
  return 0;
}

void print_roles(const std::vector<repo::RoleStatus>& roles) {
  for (const auto& r : roles) {
    std::printf("  %-10s %-20s version %-6llu expires %s\n",
                std::string(repo::role_name(r.role)).c_str(), r.file.c_str(),
                static_cast<unsigned long long>(r.version), format_rfc3339(r.expires).c_str());
  }
}

Json roles_json(const std::vector<repo::RoleStatus>& roles) {
  Json list = Json::array();
  for (const auto& r : roles) {
    list.push_back({{"role", repo::role_name(r.role)},
                    {"file", r.file},
                    {"version", r.version},
                    {"expires", format_rfc3339(r.expires)}});
  }
  return list;
}

int validate(CliState& state, const RepoArgs& args) {
  Context ctx = open_context(state.options);
  auto check = args.no_targets ? repo::CheckTargets::no : repo::CheckTargets::yes;
  auto s = repo::validate_repo(ctx, finish_target(args), check);
  if (ctx.json()) {
    json_event("repo", "validate",
               {{"metadata_url", s.metadata_url},
                {"targets_url", s.targets_url},
                {"roles", roles_json(s.roles)},
                {"targets", s.targets},
                {"target_bytes", s.target_bytes},
                {"valid", true}});
    return 0;
  }
  std::printf("valid: %s\n", s.metadata_url.c_str());
  print_roles(s.roles);
  if (check == repo::CheckTargets::yes) {
    std::printf("  targets    %zu downloaded and checked (%s)\n", s.targets,
                format_size(s.target_bytes).c_str());
  } else {
    std::printf("  targets    %zu listed, not downloaded (--no-targets)\n", s.targets);
  }
  return 0;
}

int check_expirations(CliState& state, const RepoArgs& args) {
  Context ctx = open_context(state.options);
  const auto& within = ctx.settings.get("repo.expiring-within");
  auto window = parse_duration(within.value).value_or_throw("--within");
  if (window.kind != TimeSpec::Kind::offset) {
    throw UsageError("--within '" + within.value + "' must be a duration such as '3 days'");
  }
  auto report = repo::check_expirations(ctx, finish_target(args), window.offset);
  if (ctx.json()) {
    json_event("repo", "expirations",
               {{"roles", roles_json(report.roles)},
                {"expiring", roles_json(report.expiring)},
                {"limit", format_rfc3339(report.limit)}});
  } else {
    print_roles(report.roles);
  }
  if (report.expiring.empty()) {
    return 0;
  }
  std::string hint = fmt::format(
      "{} role{} expire{} within {}; re-sign with `osbuild repo refresh`{}", report.expiring.size(),
      report.expiring.size() == 1 ? "" : "s", report.expiring.size() == 1 ? "s" : "",
      within.value,
      report.expiring.front().role == repo::Role::root
          ? " (the root needs `osbuild root expire` and a rotation)"
          : "");
  for (const auto& r : report.expiring) {
    bool last = &r == &report.expiring.back();
    print_error(fmt::format("{} ({}) {} {}", repo::role_name(r.role), r.file,
                            r.expires <= report.now ? "expired on" : "expires on",
                            format_rfc3339(r.expires)),
                last ? hint : "");
  }
  return static_cast<int>(ExitCode::failure);
}

}  // namespace

void setup_repo(CLI::App& sub, CliState& state) {
  auto args = std::make_shared<RepoArgs>();
  sub.fallthrough();
  common_options(sub, state, args);
  signing_options(sub, state, args);
  sub.add_option("--version", args->publish.version,
                 "the image version to publish (default: Release.toml's version)");
  sub.add_flag("--force", args->force, "replace the same version when it is already published");
  add_setting_flags(sub, state, {"publish.wave-policy-path", "publish.disk-image"});
  sub.callback([&state, args, &sub] {
    if (!sub.get_subcommands().empty()) {
      return;
    }
    state.action = [&state, args] {
      Context ctx = open_context(state.options);
      repo::RepoOptions options = args->publish;
      options.target = finish_target(*args);
      options.force = args->force ? repo::Force::yes : repo::Force::no;
      return print_written(ctx, repo::run_repo(ctx, options), "published", "published to");
    };
  });

  auto* v = sub.add_subcommand("validate", "run the TUF client workflow and check every target");
  common_options(*v, state, args);
  v->add_flag("--no-targets", args->no_targets, "check metadata only, do not download targets");
  v->add_option("--root", args->trusted_root,
                "start from this trusted root.json instead of the repository's configured root");
  v->callback([&state, args] { state.action = [&state, args] { return validate(state, *args); }; });

  auto* c = sub.add_subcommand("check-expirations",
                               "fail when a role expires within a window (default 3 days)");
  common_options(*c, state, args);
  add_setting_flags(*c, state, {"repo.expiring-within"});
  c->callback([&state, args] {
    state.action = [&state, args] { return check_expirations(state, *args); };
  });

  auto* r =
      sub.add_subcommand("refresh", "re-sign targets, snapshot and timestamp with new expirations");
  common_options(*r, state, args);
  signing_options(*r, state, args);
  r->add_flag("--unsafe", args->unsafe, "refresh a repository whose metadata has expired");
  r->callback([&state, args] {
    state.action = [&state, args] {
      Context ctx = open_context(state.options);
      auto unsafe = args->unsafe ? repo::Unsafe::yes : repo::Unsafe::no;
      return print_written(ctx, repo::refresh_repo(ctx, finish_target(*args), unsafe), "refreshed",
                           "refreshed");
    };
  });
}

}  // namespace osbuild::cli
