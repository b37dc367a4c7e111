#include "mcr/trainer/StopSignal.h"

#include <atomic>
#include <cerrno>
#include <system_error>

#include "mcr/trainer/Fit.h"

namespace mcr::trainer {
namespace {

std::atomic<bool> gStop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGINT handler stores to it");
extern "C" void onSigint(int) { gStop.store(true); }

}  // namespace

void requestStop() { gStop.store(true); }
bool stopRequested() { return gStop.load(); }
void clearStopRequest() { gStop.store(false); }

SigintStopGuard::SigintStopGuard() {
  struct sigaction action {};
  action.sa_handler = onSigint;
  sigemptyset(&action.sa_mask);
  // What std::signal gives on glibc (which fit() used before): a system call interrupted by
  // Ctrl-C, e.g. a read while loading images, resumes rather than failing with EINTR.
  action.sa_flags = SA_RESTART;
  // sigaction rather than std::signal: it hands back the whole previous disposition (flags,
  // mask, an SA_SIGINFO handler), so the destructor restores exactly what was there.
  if (sigaction(SIGINT, &action, &previous_) != 0)
    throw std::system_error(errno, std::generic_category(), "sigaction(SIGINT)");
}

SigintStopGuard::~SigintStopGuard() { sigaction(SIGINT, &previous_, nullptr); }

}  // namespace mcr::trainer
