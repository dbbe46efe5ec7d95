#include "git.h"

#include <archive.h>
#include <archive_entry.h>
#include <git2.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "osbuild/net/url.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/log.h"

namespace osbuild::fetch {

using net::redact_url;

namespace {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>>;

std::string git_message() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

void init_libgit2() {
  static const int count = git_libgit2_init();
  (void)count;
}

RepoPtr open_mirror(const fs::path& path, const std::string& url) {
  git_repository* repo = nullptr;
  if (fs::exists(path / "HEAD") && git_repository_open_bare(&repo, path.c_str()) == 0) {
    return RepoPtr(repo);
  }
  fs::create_directories(path.parent_path());
  if (git_repository_init(&repo, path.c_str(), /*is_bare=*/1) != 0) {
    throw Error("cannot create the git mirror " + path.string() + " for " + redact_url(url) + ": " +
                git_message());
  }
  return RepoPtr(repo);
}

CommitPtr find_commit(git_repository* repo, const git_oid& oid) {
  git_commit* commit = nullptr;
  if (git_commit_lookup(&commit, repo, &oid) != 0) {
    return nullptr;
  }
  return CommitPtr(commit);
}

void fetch_into(git_repository* repo, const std::string& url) {
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo, url.c_str()) != 0) {
    throw Error("cannot use git URL " + redact_url(url) + ": " + git_message());
  }
  RemotePtr remote(raw);
  const char* specs[] = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs{const_cast<char**>(specs), 2};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
  if (git_remote_fetch(remote.get(), &refspecs, &options, nullptr) != 0) {
    throw Error("cannot fetch git repository " + redact_url(url) + ": " + git_message(),
                "check the URL and that the server is reachable; the mirror is kept and the next "
                "run fetches again");
  }
}

struct TreeEntry {
  std::string path;
  git_filemode_t mode;
  git_oid oid;
};

std::vector<TreeEntry> list_tree(git_tree* tree) {
  std::vector<TreeEntry> entries;
  auto walk = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    auto& out = *static_cast<std::vector<TreeEntry>*>(payload);
    out.push_back({std::string(root) + git_tree_entry_name(entry), git_tree_entry_filemode(entry),
                   *git_tree_entry_id(entry)});
    return 0;
  };
  if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk, &entries) != 0) {
    throw Error("cannot walk git tree: " + git_message());
  }
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  return entries;
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void write_entry(archive* out, git_repository* repo, const TreeEntry& item, std::int64_t mtime) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), item.path.c_str());
  archive_entry_set_mtime(entry.get(), mtime, 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_uname(entry.get(), "root");
  archive_entry_set_gname(entry.get(), "root");
  BlobPtr blob;
  if (item.mode == GIT_FILEMODE_TREE) {
    archive_entry_set_filetype(entry.get(), AE_IFDIR);
    archive_entry_set_perm(entry.get(), 0755);
  } else {
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo, &item.oid) != 0) {
      throw Error("cannot read " + item.path + " from the git mirror: " + git_message());
    }
    blob.reset(raw);
    auto size = static_cast<la_int64_t>(git_blob_rawsize(raw));
    if (item.mode == GIT_FILEMODE_LINK) {
      std::string target(static_cast<const char*>(git_blob_rawcontent(raw)),
                         static_cast<std::size_t>(size));
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_perm(entry.get(), 0777);
      archive_entry_set_symlink(entry.get(), target.c_str());
    } else {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), item.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
      archive_entry_set_size(entry.get(), size);
    }
  }
  if (archive_write_header(out, entry.get()) != ARCHIVE_OK) {
    throw Error("cannot write tar entry " + item.path + ": " + archive_error_string(out));
  }
  if (blob && item.mode != GIT_FILEMODE_LINK) {
    auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
    if (archive_write_data(out, git_blob_rawcontent(blob.get()), size) < 0) {
      throw Error("cannot write tar entry " + item.path + ": " + archive_error_string(out));
    }
  }
}

std::uint64_t write_tar(git_repository* repo, git_tree* tree, const fs::path& tar_path,
                        std::int64_t mtime, const std::string& url) {
  std::unique_ptr<archive, ArchiveFree> out(archive_write_new());
  archive_write_set_format_pax_restricted(out.get());
  if (archive_write_open_filename(out.get(), tar_path.c_str()) != ARCHIVE_OK) {
    throw Error("cannot write " + tar_path.string() + ": " + archive_error_string(out.get()));
  }
  std::uint64_t count = 0;
  for (const auto& item : list_tree(tree)) {
    if (item.mode == GIT_FILEMODE_COMMIT) {
      log::warn("{}: submodule {} is left out; add it as its own git source", redact_url(url),
                item.path);
      continue;
    }
    write_entry(out.get(), repo, item, mtime);
    ++count;
  }
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    throw Error("cannot write " + tar_path.string() + ": " + archive_error_string(out.get()));
  }
  return count;
}

}  // namespace

fs::path git_mirror_path(const fs::path& git_root, const std::string& url) {
  return git_root / (sha256_hex(url).substr(0, 32) + ".git");
}

GitExport export_git_tree(const fs::path& git_root, const std::string& url, const std::string& rev,
                          const fs::path& tar_path, std::int64_t mtime) {
  init_libgit2();
  if (!is_lower_hex(rev, 40)) {
    throw Error("git source " + redact_url(url) + ": rev '" + rev + "' is not a 40-hex commit id",
                "pin the commit: run `git ls-remote " + redact_url(url) + " " + rev +
                    "` and put the 40-hex id in rev");
  }
  fs::path mirror = git_mirror_path(git_root, url);
  auto lock = FileLock::acquire(fs::path(mirror.string() + ".lock"), FileLock::Wait::yes);
  RepoPtr repo = open_mirror(mirror, url);
  git_oid oid;
  git_oid_fromstr(&oid, rev.c_str());
  CommitPtr commit = find_commit(repo.get(), oid);
  if (!commit) {
    fetch_into(repo.get(), url);
    commit = find_commit(repo.get(), oid);
  }
  if (!commit) {
    throw Error("git revision " + rev + " not found in " + redact_url(url),
                "check that the commit is pushed to a branch or tag of that repository");
  }
  git_tree* raw_tree = nullptr;
  if (git_commit_tree(&raw_tree, commit.get()) != 0) {
    throw Error("cannot read the tree of " + rev + " from " + redact_url(url) + ": " +
                git_message());
  }
  TreePtr tree(raw_tree);
  GitExport result;
  result.tree = git_oid_tostr_s(git_tree_id(tree.get()));
  result.entries = write_tar(repo.get(), tree.get(), tar_path, mtime, url);
  return result;
}

}  // namespace osbuild::fetch
