// kit::lock_changes: what `osbuild update --locked` names when osbuild.lock would change.
#include <gtest/gtest.h>

#include "osbuild/kit/kit.h"

namespace osbuild::kit {
namespace {

config::LockedKit locked(const std::string& name, const std::string& version, char digest) {
  return {name,
          version,
          "local",
          "127.0.0.1:5000/o/" + name + ":v" + version,
          "sha256:" + std::string(64, digest),
          {},
          {}};
}

config::Lock lock_of(std::vector<config::LockedKit> kits) {
  config::Lock lock;
  lock.kits = std::move(kits);
  return lock;
}

TEST(LockChanges, NoneWhenEveryKitIsTheSame) {
  auto lock = lock_of({locked("app-kit", "1.2.0", 'a'), locked("base-kit", "1.4.0", 'b')});
  EXPECT_TRUE(lock_changes(lock, lock).empty());
}

TEST(LockChanges, WithoutAnOldLockEveryKitIsAdded) {
  auto lock = lock_of({locked("app-kit", "1.2.0", 'a'), locked("base-kit", "1.4.0", 'b')});
  EXPECT_EQ(lock_changes(std::nullopt, lock),
            (std::vector<std::string>{"app-kit 1.2.0 would be added",
                                      "base-kit 1.4.0 would be added"}));
}

TEST(LockChanges, NamesAddedChangedAndRemovedKits) {
  auto old = lock_of({locked("app-kit", "1.2.0", 'a'), locked("old-kit", "0.9.0", 'c')});
  auto now = lock_of({locked("app-kit", "1.3.0", 'd'), locked("base-kit", "1.4.0", 'b')});
  EXPECT_EQ(lock_changes(old, now),
            (std::vector<std::string>{
                "app-kit 1.2.0 (sha256:aaaaaaaaaaaa) would become 1.3.0 (sha256:dddddddddddd)",
                "base-kit 1.4.0 would be added", "old-kit 0.9.0 would be removed"}));
}

TEST(LockChanges, ARepublishedVersionOrAnotherVendorIsAChange) {
  auto old = lock_of({locked("app-kit", "1.2.0", 'a')});
  auto republished = lock_of({locked("app-kit", "1.2.0", 'e')});
  EXPECT_EQ(lock_changes(old, republished),
            (std::vector<std::string>{
                "app-kit 1.2.0 (sha256:aaaaaaaaaaaa) would become 1.2.0 (sha256:eeeeeeeeeeee)"}));
  auto moved = old;
  moved.kits[0].vendor = "acme";
  EXPECT_EQ(lock_changes(old, moved).size(), 1u);
  // Only the kit entries count: the source URL and the kits a kit requires are not compared.
  auto resourced = old;
  resourced.kits[0].source = "127.0.0.1:5001/o/app-kit:v1.2.0";
  EXPECT_TRUE(lock_changes(old, resourced).empty());
}

}  // namespace
}  // namespace osbuild::kit
