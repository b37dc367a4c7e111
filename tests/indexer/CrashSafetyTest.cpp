// Crash safety: a child process (CrashHelper) adds and removes batches and is killed with
// SIGKILL at random moments, 60 times in a row on the same index. After each kill the index
// must open, hold every acknowledged add exactly once, none of the acknowledged removes,
// each in-flight batch entirely or not at all, and verify clean.
#include <fcntl.h>
#include <poll.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "IndexTestSupport.h"

namespace mcr::index {
namespace {

enum class Expect { Present, Absent, Either };

// Runs the helper; once it has opened the index (or at once, when `waitForOpen` is false, so
// that some kills land inside open/replay) waits `killAfterMs` and kills it. Returns its output.
std::string runAndKill(const std::string& directory, long firstBatch, unsigned seed, bool waitForOpen,
                       int killAfterMs) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    const std::string first = std::to_string(firstBatch), seedText = std::to_string(seed);
    ::execl(MCR_CRASH_HELPER, MCR_CRASH_HELPER, directory.c_str(), first.c_str(), seedText.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buffer[4096];
  if (waitForOpen) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd readable{out[0], POLLIN, 0};
      if (::poll(&readable, 1, 100) > 0) {
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(killAfterMs));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  if (WIFEXITED(status)) throw std::runtime_error("helper exited by itself (" + std::to_string(WEXITSTATUS(status)) + "): " + text);
  return text;
}

TEST(CrashSafety, SigkillAtRandomMomentsLosesNoAcknowledgedWrite) {
  testing::ScratchDir dir;
  std::mt19937 rng(20261127);
  std::map<long, Expect> model;
  long nextBatch = 0;
  int acknowledged = 0, tornTails = 0;
  const int trials = 60;
  for (int trial = 0; trial < trials; ++trial) {
    const bool duringOpen = trial % 10 == 0;
    const int killAfterMs = duringOpen ? 1 + static_cast<int>(rng() % 5) : static_cast<int>(rng() % 80);
    const std::string output = runAndKill(dir.index(), nextBatch, static_cast<unsigned>(rng()), !duringOpen, killAfterMs);
    // A line cut by the kill (no newline yet) was not fully said: ignore it.
    std::istringstream lines(output.substr(0, output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string tag;
      long n = -1, m = -1;
      std::string removeTag;
      words >> tag;
      if (tag == "E") { FAIL() << "helper failed: " << line; }
      if (tag == "O" || tag.empty()) continue;
      words >> n;
      if (tag == "B") {
        nextBatch = std::max(nextBatch, n + 1);
        if (words >> removeTag >> m) {
          if (model.count(m) && model[m] != Expect::Absent) model[m] = Expect::Either;
        } else {
          model[n] = Expect::Either;
        }
      } else if (tag == "A") {
        model[n] = Expect::Present;
        ++acknowledged;
      } else if (tag == "R") {
        if (model.count(n)) model[n] = Expect::Absent;
      }
    }
    std::vector<std::string> warnings;
    Options options = testing::options(8);
    options.warn = [&](const std::string& w) { warnings.push_back(w); };
    std::unique_ptr<VectorIndex> index;
    ASSERT_NO_THROW(index = VectorIndex::open(dir.index(), options)) << "trial " << trial;
    tornTails += !warnings.empty();
    std::size_t expectedVectors = 0;
    for (auto& [batch, expect] : model) {
      int present = 0;
      for (int i = 0; i < 4; ++i) {
        present += index->contains(Space::Images, "b" + std::to_string(batch) + "-" + std::to_string(i));
      }
      ASSERT_TRUE(present == 0 || present == 4) << "batch " << batch << " is partly present (trial " << trial << ")";
      if (expect == Expect::Present) { ASSERT_EQ(present, 4) << "acknowledged batch " << batch << " lost (trial " << trial << ")"; }
      if (expect == Expect::Absent) { ASSERT_EQ(present, 0) << "removed batch " << batch << " is back (trial " << trial << ")"; }
      expect = present ? Expect::Present : Expect::Absent;
      expectedVectors += static_cast<std::size_t>(present);
    }
    EXPECT_EQ(index->stats().images.vectors, expectedVectors) << "duplicates or strays (trial " << trial << ")";
    const auto problems = index->verify();
    ASSERT_TRUE(problems.empty()) << problems.front();
  }
  EXPECT_GE(acknowledged, 10);  // not vacuous: the helper made progress between kills
  std::cout << "[ crash ] " << trials << " kills, " << acknowledged << " acknowledged adds, " << tornTails
            << " torn tails dropped\n";
}

}  // namespace
}  // namespace mcr::index
