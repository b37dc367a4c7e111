// SigintStopGuard: Ctrl-C requests a stop inside the guarded scope, and whatever SIGINT did
// before comes back on every way out of it.
#include "mcr/trainer/StopSignal.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <stdexcept>

namespace mcr::trainer {
namespace {

// An SA_SIGINFO handler, so that the restore must bring back the flags too, not just a pointer.
extern "C" void testSigaction(int, siginfo_t*, void*) {}

struct sigaction currentSigint() {
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  return now;
}

class SigintStopGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    struct sigaction mine {};
    mine.sa_sigaction = testSigaction;
    sigemptyset(&mine.sa_mask);
    mine.sa_flags = SA_SIGINFO;
    ASSERT_EQ(sigaction(SIGINT, &mine, &original_), 0);
  }
  void TearDown() override {
    sigaction(SIGINT, &original_, nullptr);
    clearStopRequest();
  }
  static void expectTestHandlerInPlace() {
    const auto now = currentSigint();
    EXPECT_TRUE(now.sa_flags & SA_SIGINFO);
    EXPECT_EQ(now.sa_sigaction, &testSigaction);
  }
  struct sigaction original_ {};
};

TEST_F(SigintStopGuardTest, AnExceptionRestoresThePreviousHandler) {
  try {
    SigintStopGuard guard;
    const auto inside = currentSigint();
    EXPECT_FALSE(inside.sa_flags & SA_SIGINFO);
    EXPECT_NE(inside.sa_handler, SIG_DFL);
    EXPECT_NE(inside.sa_handler, SIG_IGN);
    throw std::runtime_error("loss became nan");
  } catch (const std::runtime_error&) {
  }
  expectTestHandlerInPlace();
}

TEST_F(SigintStopGuardTest, ANormalExitRestoresThePreviousHandler) {
  {
    SigintStopGuard guard;
    EXPECT_FALSE(currentSigint().sa_flags & SA_SIGINFO);
  }
  expectTestHandlerInPlace();
}

TEST_F(SigintStopGuardTest, SigintInsideTheScopeRequestsAStop) {
  clearStopRequest();
  {
    SigintStopGuard guard;
    ASSERT_NE(currentSigint().sa_handler, SIG_DFL);  // else raise() would end the test run
    EXPECT_FALSE(stopRequested());
    ASSERT_EQ(raise(SIGINT), 0);  // delivered to this thread before raise() returns
    EXPECT_TRUE(stopRequested());
  }
  expectTestHandlerInPlace();
}

}  // namespace
}  // namespace mcr::trainer
