// `osbuild repo validate | check-expirations | refresh`: Bottlerocket's validate-repo,
// check-repo-expirations and refresh-repo.
#include <algorithm>

#include "repo/stage.h"

namespace osbuild::repo {

namespace {

LoadedRepo load_or_fail(detail::Setup& setup, Expiry expiry) {
  LoadOptions options{expiry, setup.now, detail::read_trust(setup.trust_file)};
  std::optional<LoadedRepo> repo;
  try {
    repo = load_repository(*setup.transport, setup.source, setup.anchor, options);
  } catch (const Error& e) {
    fs::path journal = detail::journal_path(setup);
    if (setup.source.metadata_url != setup.local.metadata_url || !fs::exists(journal)) {
      throw;
    }
    throw Error(e.what(),
                "a publish or root rotation was interrupted (its journal is " + journal.string() +
                    "); `osbuild repo refresh " + setup.variant + " --arch " + setup.arch +
                    "` completes it",
                e.exit_code());
  }
  if (!repo) {  // nothing published yet: a failure, not a repository that does not verify
    throw Error("no repository at " + setup.source.metadata_url + ": timestamp.json does not exist",
                "publish one first with `osbuild repo " + setup.variant + " --arch " + setup.arch +
                    "`");
  }
  return std::move(*repo);
}

std::vector<RoleStatus> role_statuses(const LoadedRepo& repo) {
  return {
      {Role::root, std::to_string(repo.root.version) + ".root.json", repo.root.version,
       repo.root.expires},
      {Role::targets, std::to_string(repo.targets.version) + ".targets.json", repo.targets.version,
       repo.targets.expires},
      {Role::snapshot, std::to_string(repo.snapshot.version) + ".snapshot.json",
       repo.snapshot.version, repo.snapshot.expires},
      {Role::timestamp, "timestamp.json", repo.timestamp.version, repo.timestamp.expires},
  };
}

// A client remembers the newest versions it trusted, so a later rollback is caught.
void remember(const detail::Setup& setup, const TrustedVersions& seen) {
  detail::write_trust(setup.trust_file, detail::read_trust(setup.trust_file).newest(seen));
}

}  // namespace

ValidateSummary validate_repo(const Context& ctx, const RepoTarget& target, CheckTargets check) {
  detail::Setup setup = detail::open_setup(ctx, target, detail::NeedKeys::no);
  LoadedRepo repo = load_or_fail(setup, Expiry::enforce);
  ValidateSummary summary;
  summary.metadata_url = setup.source.metadata_url;
  summary.targets_url = setup.source.targets_url;
  summary.roles = role_statuses(repo);
  summary.targets = repo.targets.targets.size();
  if (check == CheckTargets::yes) {
    TargetCheck checked = verify_targets(*setup.transport, setup.source, repo);
    summary.targets = checked.count;  // delegated roles' targets included
    summary.target_bytes = checked.bytes;
  }
  remember(setup, repo.versions());
  return summary;
}

ExpirationReport check_expirations(const Context& ctx, const RepoTarget& target,
                                   std::chrono::seconds window) {
  detail::Setup setup = detail::open_setup(ctx, target, detail::NeedKeys::no);
  LoadedRepo repo = load_or_fail(setup, Expiry::ignore);
  ExpirationReport report;
  report.now = setup.now;
  report.limit = setup.now + window;
  report.roles = role_statuses(repo);
  for (const auto& r : report.roles) {
    if (r.expires <= report.limit) {
      report.expiring.push_back(r);
    }
  }
  return report;
}

PublishSummary refresh_repo(const Context& ctx, const RepoTarget& target, Unsafe unsafe) {
  detail::Setup setup = detail::open_setup(ctx, target, detail::NeedKeys::yes);
  FileLock lock = detail::lock_output(setup);
  LoadedRepo repo = load_or_fail(setup, unsafe == Unsafe::yes ? Expiry::ignore : Expiry::enforce);
  std::vector<Metadata> chain = repo.root_chain;
  RootRole root = repo.root;
  std::string root_origin = std::to_string(root.version) + ".root.json";
  if (target.root) {
    chain.push_back(detail::read_rotated_root(*target.root, root));
    root = parse_root(chain.back().body, target.root->string());
    root_origin = target.root->string();
  }
  detail::check_root_alive(root, root_origin, target.root.has_value(), setup.now);
  detail::check_signing_keys(setup.keys, root);
  TrustedVersions written = detail::commit_metadata(setup, chain, root, repo.targets,
                                                    repo.versions(), &repo.snapshot);
  PublishSummary summary;
  summary.output = setup.output;
  summary.metadata_dir = setup.metadata_dir;
  summary.total_targets = repo.targets.targets.size();
  summary.timestamp_version = written.timestamp;
  return summary;
}

}  // namespace osbuild::repo
