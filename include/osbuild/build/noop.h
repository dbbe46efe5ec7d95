#pragma once
// The no-op fast path of `osbuild build` (docs/build.md, "No-op builds"): like ninja, a build
// that finds nothing changed should cost a walk of stat calls, not a reload of every package.
//
// A successful build leaves a stamp in build/.osbuild/noop/<arch>/, named by the resolved
// settings, PATH and SOURCE_DATE_EPOCH: the stat of every folder and file of the project it read
// (a folder's mtime changes when an entry is added or removed, so no folder is listed) and the
// stat of what it depended on outside the project (the osbuild binary, the toolchain's programs,
// the folders of PATH) and of what it left (the variant record, each package's folder under
// build/packages/, its state and its artifact in the store). The next build with the same
// command line compares them first; only when every one matches does it print the summary the
// build printed and stop, without loading the project.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "osbuild/build/build.h"
#include "osbuild/workspace/context.h"

namespace osbuild::build {

// What one command line's stamp is compared with; made before the project is loaded, so that an
// edit during the build leaves the stamp stale rather than missing the edit.
struct NoopCheck {
  // Each path the build reads under the project (relative to it) with its stat signature.
  using Tree = std::vector<std::pair<std::string, std::string>>;
  std::filesystem::path stamp;  // empty: this command line never takes the fast path
  std::string identity;         // the command line the stamp stands for, held in the stamp
  std::filesystem::path root;
  Tree tree;                       // on a miss: the project as it was when the build started
  bool hit = false;                // the stamp matched: nothing to do
  std::size_t packages = 0;        // on a hit, how many packages the stamp counts
  std::vector<std::string> notes;  // on a hit, lines the build printed besides its summary
};

// Compares the stamp for this command line with the project as it is now (stat calls only; on a
// miss it lists the project's folders once, for the stamp the build will write). Never throws:
// anything unexpected (no stamp, a project that does not load) sends the build down the full path,
// which reports it properly.
NoopCheck check_noop(const GlobalOptions& global, const BuildOptions& options);

// What a finished build depended on and left, for the stamp.
struct NoopRecord {
  std::vector<std::filesystem::path> watched;  // outside the project: binaries, PATH folders
  std::vector<std::filesystem::path> outputs;  // what the build left: records, folders, blobs
  std::size_t packages = 0;
  std::vector<std::string> notes;
};

// Removes the stamp (a build that starts may change what it describes) and, after a successful
// build, writes the new one; both are no-ops when the command line has no stamp.
void clear_noop_stamp(const NoopCheck& check);
void write_noop_stamp(const NoopCheck& check, const NoopRecord& record);

}  // namespace osbuild::build
