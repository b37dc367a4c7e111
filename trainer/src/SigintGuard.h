#pragma once
// Installs a SIGINT handler for a scope and restores the previous one on every way out of
// it, exceptions included (fit() stops cleanly on Ctrl-C, and must not leave its handler
// behind in a caller such as a test runner or a long-lived process).
#include <csignal>

namespace mcr::trainer::detail {

class SigintGuard {
 public:
  using Handler = void (*)(int);
  explicit SigintGuard(Handler handler) : previous_(std::signal(SIGINT, handler)) {}
  ~SigintGuard() { std::signal(SIGINT, previous_); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  Handler previous_;
};

}  // namespace mcr::trainer::detail
