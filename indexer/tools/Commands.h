#pragma once
// Subcommands of mcr-index. Each registers itself on the CLI11 app; main() runs the parse.
#include <CLI/CLI.hpp>

namespace mcr::index::tools {

void addMaintenanceCommands(CLI::App& app);  // stats, verify, compact
void addBenchCommand(CLI::App& app);         // bench
#ifdef MCR_INDEX_WITH_MODEL
void addModelCommands(CLI::App& app);        // build, query (need the model bundle)
#endif

// Exit status of a subcommand that found problems (verify) without failing to run.
constexpr int kExitProblems = 1;
// Exit status for errors (bad input, unreadable index, ...).
constexpr int kExitError = 2;

}  // namespace mcr::index::tools
