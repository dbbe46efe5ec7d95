// Group commit: blobs readable at once, results written only once their blobs are durable, and
// everything handed over on disk after sync() or the destructor.
#include "osbuild/store/group_commit.h"

#include <gtest/gtest.h>

#include "osbuild/util/hash.h"
#include "store_test_util.h"

namespace osbuild::store::testing {
namespace {

const std::string k_key(64, 'a');

class GroupCommitTest : public StoreTest {
 protected:
  Store m_durable{cache(), Durability::durable};
};

TEST_F(GroupCommitTest, BlobsAreReadableAtOnceResultsAfterSync) {
  GroupCommit commit(m_durable);
  std::string tar = commit.adopt_file(write_source("artifact.tar", "tar bytes"));
  std::string manifest = commit.put_bytes("[]\n");
  EXPECT_EQ(tar, sha256_hex("tar bytes"));
  EXPECT_FALSE(fs::exists(scratch("artifact.tar")));  // adopted: its own name is gone
  ASSERT_TRUE(m_durable.get_blob(tar));                // linked before any sync
  ASSERT_TRUE(m_durable.get_blob(manifest));
  Json result = {{"outputs", {{{"path", "artifact.tar"}, {"digest", tar}}}}};
  commit.put_action(k_key, result);
  commit.sync();
  auto read = m_durable.get_action(k_key);
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, result);
  EXPECT_EQ(fs::status(m_durable.blob_path(tar)).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
}

TEST_F(GroupCommitTest, TheDestructorWritesWhatIsQueued) {
  {
    GroupCommit commit(m_durable);
    for (int i = 0; i < 20; ++i) {
      std::string digest = commit.put_bytes("blob " + std::to_string(i));
      commit.put_action(sha256_hex("key " + std::to_string(i)), {{"digest", digest}});
    }
  }
  for (int i = 0; i < 20; ++i) {
    auto read = m_durable.get_action(sha256_hex("key " + std::to_string(i)));
    ASSERT_TRUE(read) << i;
    EXPECT_EQ((*read)["digest"], sha256_hex("blob " + std::to_string(i)));
  }
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(GroupCommitTest, AResultThatCannotBeWrittenFailsSync) {
  GroupCommit commit(m_durable);
  commit.put_bytes("x");
  // A file where the results' folder belongs: the result cannot be written.
  write_source("cache/ac", "not a folder");
  commit.put_action(k_key, {{"outputs", Json::array()}});
  EXPECT_THROW(commit.sync(), Error);
  EXPECT_FALSE(m_durable.get_action(k_key));
}

TEST_F(GroupCommitTest, AnInvalidKeyIsRefusedAtOnce) {
  GroupCommit commit(m_durable);
  EXPECT_THROW(commit.put_action("not-a-key", Json::object()), Error);
  commit.sync();
}

}  // namespace
}  // namespace osbuild::store::testing
