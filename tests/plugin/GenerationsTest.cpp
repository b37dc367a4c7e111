// The generations module: CURRENT durable and validated, pruning never driven by a torn file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "Generations.h"

namespace mcr::plugin {
namespace {

namespace fs = std::filesystem;

class GenerationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mcr-generations-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void writeCurrentText(const std::string& text) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "CURRENT") << text;
  }
  fs::path dir_;
};

TEST_F(GenerationsTest, NoCurrentIsNoGeneration) {
  EXPECT_FALSE(Generations(dir_.string()).readCurrent());
}

TEST_F(GenerationsTest, WrittenThenReadBack) {
  Generations generations(dir_.string());
  const std::string name = Generations::newName();
  generations.writeCurrent({name, "/m/a.bundle", "/m/b.bundle"});
  auto read = generations.readCurrent();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->generation, name);
  EXPECT_EQ(read->model, "/m/a.bundle");
  EXPECT_EQ(read->configuredModel, "/m/b.bundle");
  EXPECT_FALSE(fs::exists(dir_ / "CURRENT.tmp"));
  EXPECT_NE(Generations::newName(), name);
}

TEST_F(GenerationsTest, ATornOrForeignCurrentIsAnErrorNotAnAbsence) {
  Generations generations(dir_.string());
  for (const char* text : {"{\"generation\": \"gen-1", "", "[]", "{\"generation\": \"../etc\"}",
                           "{\"generation\": \"gen-1\u0000x\"}"}) {
    writeCurrentText(text);
    EXPECT_THROW(generations.readCurrent(), GenerationError) << text;
  }
  EXPECT_THROW(generations.writeCurrent({"gen-a/../b", "", ""}), GenerationError);
}

TEST_F(GenerationsTest, PruningKeepsTheActiveGenerationAndForeignFolders) {
  Generations generations(dir_.string());
  for (const char* name : {"gen-1-a", "gen-2-b", "gen-3-c", "backup"}) fs::create_directories(dir_ / name);
  const auto removed = generations.pruneAllBut("gen-2-b");
  EXPECT_EQ(removed.size(), 2u);
  EXPECT_TRUE(fs::exists(dir_ / "gen-2-b"));
  EXPECT_TRUE(fs::exists(dir_ / "backup"));
  EXPECT_FALSE(fs::exists(dir_ / "gen-1-a"));
}

}  // namespace
}  // namespace mcr::plugin
