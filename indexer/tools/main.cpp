// mcr-index: offline work on the vector index (see docs/indexer.md).
#include <fmt/core.h>

#include "Commands.h"
#include "mcr/index/VectorIndex.h"

int main(int argc, char** argv) {
  CLI::App app{"mcr-index: build, query, inspect and benchmark the MCR vector index"};
  app.require_subcommand(1);
  mcr::index::tools::addMaintenanceCommands(app);
  mcr::index::tools::addBenchCommand(app);
#ifdef MCR_INDEX_WITH_MODEL
  mcr::index::tools::addModelCommands(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {  // a subcommand's chosen exit status (verify: problems)
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "mcr-index: {}\n", e.what());
    return mcr::index::tools::kExitError;
  }
  return 0;
}
