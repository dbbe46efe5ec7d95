// libgit2, bound on first use (lazy_library.h): only git sources need it, and linked outright it
// and its dependencies (mbedTLS, libssh2, http-parser, PCRE2) cost every osbuild process about
// 4 ms before main().
#include <git2.h>

#include "lazy_library.h"

namespace {
osbuild::lazy::Library libgit2{"libgit2.so.1.5", "install libgit2: apt-get install libgit2-1.5"};
}  // namespace

#define OSBUILD_GIT2_FORWARD(result, name, params, args) \
  OSBUILD_LAZY_FORWARD(libgit2, result, name, params, args)

OSBUILD_GIT2_FORWARD(int, git_libgit2_init, (void), ())
OSBUILD_GIT2_FORWARD(int, git_libgit2_version, (int* major, int* minor, int* rev),
                     (major, minor, rev))
OSBUILD_GIT2_FORWARD(const git_error*, git_error_last, (void), ())
OSBUILD_GIT2_FORWARD(int, git_oid_fromstr, (git_oid * out, const char* str), (out, str))
OSBUILD_GIT2_FORWARD(char*, git_oid_tostr_s, (const git_oid* oid), (oid))
OSBUILD_GIT2_FORWARD(int, git_repository_init,
                     (git_repository * *out, const char* path, unsigned is_bare),
                     (out, path, is_bare))
OSBUILD_GIT2_FORWARD(int, git_repository_open_bare, (git_repository * *out, const char* path),
                     (out, path))
OSBUILD_GIT2_FORWARD(void, git_repository_free, (git_repository * repo), (repo))
OSBUILD_GIT2_FORWARD(int, git_remote_create_anonymous,
                     (git_remote * *out, git_repository* repo, const char* url), (out, repo, url))
OSBUILD_GIT2_FORWARD(int, git_remote_fetch,
                     (git_remote * remote, const git_strarray* refspecs,
                      const git_fetch_options* opts, const char* reflog_message),
                     (remote, refspecs, opts, reflog_message))
OSBUILD_GIT2_FORWARD(void, git_remote_free, (git_remote * remote), (remote))
OSBUILD_GIT2_FORWARD(int, git_commit_lookup,
                     (git_commit * *commit, git_repository* repo, const git_oid* id),
                     (commit, repo, id))
OSBUILD_GIT2_FORWARD(int, git_commit_tree, (git_tree * *tree_out, const git_commit* commit),
                     (tree_out, commit))
OSBUILD_GIT2_FORWARD(void, git_commit_free, (git_commit * commit), (commit))
OSBUILD_GIT2_FORWARD(const git_oid*, git_tree_id, (const git_tree* tree), (tree))
OSBUILD_GIT2_FORWARD(int, git_tree_walk,
                     (const git_tree* tree, git_treewalk_mode mode, git_treewalk_cb callback,
                      void* payload),
                     (tree, mode, callback, payload))
OSBUILD_GIT2_FORWARD(void, git_tree_free, (git_tree * tree), (tree))
OSBUILD_GIT2_FORWARD(const char*, git_tree_entry_name, (const git_tree_entry* entry), (entry))
OSBUILD_GIT2_FORWARD(const git_oid*, git_tree_entry_id, (const git_tree_entry* entry), (entry))
OSBUILD_GIT2_FORWARD(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry* entry),
                     (entry))
OSBUILD_GIT2_FORWARD(int, git_blob_lookup,
                     (git_blob * *blob, git_repository* repo, const git_oid* id), (blob, repo, id))
OSBUILD_GIT2_FORWARD(const void*, git_blob_rawcontent, (const git_blob* blob), (blob))
OSBUILD_GIT2_FORWARD(git_object_size_t, git_blob_rawsize, (const git_blob* blob), (blob))
OSBUILD_GIT2_FORWARD(void, git_blob_free, (git_blob * blob), (blob))
