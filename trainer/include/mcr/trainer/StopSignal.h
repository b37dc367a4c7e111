#pragma once
// Ctrl-C during `mcr-train fit`: a stop request that the loop honours after the current step
// (with a checkpoint), instead of killing the process and losing the steps since the last one.
// Torch-free.
#include <signal.h>

namespace mcr::trainer {

// True once requestStop() ran or SIGINT arrived under a SigintStopGuard (signal-safe).
bool stopRequested();
// Clears a stale request, so one from an earlier run does not stop the next at its first step.
void clearStopRequest();

// Routes SIGINT to requestStop() for its scope and puts the previous disposition back on every
// exit, exceptions included: a handler left behind would make Ctrl-C a no-op once fit() returned.
class SigintStopGuard {
 public:
  SigintStopGuard();  // throws std::system_error when sigaction fails
  ~SigintStopGuard();
  SigintStopGuard(const SigintStopGuard&) = delete;
  SigintStopGuard& operator=(const SigintStopGuard&) = delete;

 private:
  struct sigaction previous_;
};

}  // namespace mcr::trainer
