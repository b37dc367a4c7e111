// mcr-index stats | verify | compact --index DIR
#include <fmt/core.h>

#include "Commands.h"
#include "ToolSupport.h"
#include "mcr/index/VectorIndex.h"

namespace mcr::index::tools {
namespace {

// dim 0 + empty fingerprint: adopt what the index stores. stats and verify open read-only,
// so they also work beside a running Orthanc that has the index open.
enum class Access { ReadOnly, Writer };

std::unique_ptr<VectorIndex> openStored(const std::string& directory, Access access) {
  Options options;
  options.readOnly = access == Access::ReadOnly;
  return VectorIndex::open(directory, options);
}

void printStats(const Stats& s, bool json) {
  if (json) {
    auto space = [](const SpaceStats& x) {
      return fmt::format(R"({{"vectors":{},"capacity":{},"deleted_slots":{},"graph_bytes":{}}})", x.vectors, x.capacity,
                         x.deletedSlots, x.graphBytes);
    };
    fmt::print(R"({{"model_fingerprint":{},"dim":{},"M":{},"ef_construction":{},"log_generation":{},)"
               R"("log_records":{},"log_bytes":{},"snapshot_bytes":{},"images":{},"reports":{},"studies":{}}})"
               "\n",
               jsonString(s.modelFingerprint), s.dim, s.M, s.efConstruction, s.logGeneration, s.logRecords, s.logBytes,
               s.snapshotBytes, space(s.images), space(s.reports), space(s.studies));
    return;
  }
  fmt::print("model fingerprint  {}\ndimension          {}\nM / ef_construction {} / {}\n", s.modelFingerprint, s.dim,
             s.M, s.efConstruction);
  fmt::print("snapshot           {} bytes (log generation {})\nlog                {} records, {} bytes\n",
             s.snapshotBytes, s.logGeneration, s.logRecords, s.logBytes);
  for (Space space : {Space::Images, Space::Reports, Space::Studies}) {
    const SpaceStats& x = s.of(space);
    fmt::print("{:<8} {:>10} vectors  {:>10} slots capacity  {:>8} deleted  {:>8.1f} MiB graph\n", toString(space),
               x.vectors, x.capacity, x.deletedSlots, x.graphBytes / 1048576.0);
  }
}

}  // namespace

void addMaintenanceCommands(CLI::App& app) {
  static std::string directory;
  static bool json = false;

  auto* stats = app.add_subcommand("stats", "Counts, capacity, log and snapshot sizes of an index");
  stats->add_option("--index", directory, "Index directory")->required();
  stats->add_flag("--json", json, "One JSON object instead of text");
  stats->callback([] { printStats(openStored(directory, Access::ReadOnly)->stats(), json); });

  auto* verify = app.add_subcommand(
      "verify", "Check that catalog and graphs agree and every vector is reachable (exit 1 on problems)");
  verify->add_option("--index", directory, "Index directory")->required();
  verify->callback([] {
    auto index = openStored(directory, Access::ReadOnly);
    const auto problems = index->verify();
    for (const std::string& problem : problems) fmt::print("problem: {}\n", problem);
    const Stats s = index->stats();
    fmt::print("{}: {} images, {} reports, {} studies; {} problem(s)\n", directory, s.images.vectors,
               s.reports.vectors, s.studies.vectors, problems.size());
    if (!problems.empty()) throw CLI::RuntimeError(kExitProblems);
  });

  auto* compact = app.add_subcommand(
      "compact", "Write a new snapshot and empty the log (rebuilds graphs with many deleted or unreachable vectors)");
  compact->add_option("--index", directory, "Index directory")->required();
  compact->callback([] {
    auto index = openStored(directory, Access::Writer);
    const Stats before = index->stats();
    index->compact();
    const Stats after = index->stats();
    fmt::print("compacted {}: log {} records -> {}, snapshot {} -> {} bytes\n", directory, before.logRecords,
               after.logRecords, before.snapshotBytes, after.snapshotBytes);
  });
}

}  // namespace mcr::index::tools
