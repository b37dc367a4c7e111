// Child process of the crash-safety test. Opens the index in argv[1], then forever:
// prints "B <n>" (about to write batch n), adds batch n or removes an earlier batch's
// study, prints "A <n>" or "R <m>" once the call returned (acknowledged). The parent
// kills it with SIGKILL at a random moment. Each line is one write(2) on an unbuffered fd.
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>

#include "IndexTestSupport.h"

using namespace mcr::index;

namespace {
void say(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(STDOUT_FILENO, text.data(), text.size()) < 0) std::_Exit(3);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string directory = argv[1];
  long next = std::atol(argv[2]);      // first batch number to write
  const unsigned seed = static_cast<unsigned>(std::atol(argv[3]));
  Options options = testing::options(8);
  options.compactAfterLogRecords = 12;  // compactions happen often, so kills land in them
  std::mt19937 rng(seed);
  try {
    auto index = VectorIndex::open(directory, options);
    say("O");
    for (;; ++next) {
      if (next > 3 && rng() % 5 == 0) {
        const long victim = static_cast<long>(rng() % static_cast<unsigned long>(next));
        say("B " + std::to_string(next) + " R " + std::to_string(victim));
        index->remove("s" + std::to_string(victim));
        say("R " + std::to_string(victim));
        continue;
      }
      std::vector<Item> items;
      for (int i = 0; i < 4; ++i) {
        items.push_back({testing::record("p" + std::to_string(next % 5), "s" + std::to_string(next), "se" + std::to_string(next),
                                         "b" + std::to_string(next) + "-" + std::to_string(i)),
                         testing::randomUnit(rng, 8)});
      }
      say("B " + std::to_string(next));
      index->add(Space::Images, items);
      say("A " + std::to_string(next));
    }
  } catch (const std::exception& e) {
    say(std::string("E ") + e.what());
    return 1;
  }
}
