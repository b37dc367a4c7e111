#pragma once
// Index generations: IndexDirectory/gen-<time>-<random>/ folders, one per (model, full
// build), and IndexDirectory/CURRENT naming the active one. The only code that touches
// CURRENT or a gen-* folder.
//
// CURRENT is {"generation": "...", "model": "/path.bundle", "configuredModel": "/path.bundle"}
// written durably: temporary file, fsync, rename, fsync of the folder. A CURRENT that is
// missing starts a new generation; one that exists but cannot be read is an error that
// stops the plugin from loading (never a reason to prune the generations it may name).
#include <optional>
#include <vector>
#include <stdexcept>
#include <string>

namespace mcr::plugin {

struct GenerationRecord {
  std::string generation;
  std::string model;            // the bundle this generation was built with
  std::string configuredModel;  // MCR.ModelPath when it was written (a config change wins)
};

class GenerationError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Generations {
 public:
  explicit Generations(std::string indexDirectory) : directory_(std::move(indexDirectory)) {}

  // nullopt when there is no CURRENT; throws GenerationError when it exists but is torn,
  // unreadable or names no valid generation folder.
  std::optional<GenerationRecord> readCurrent() const;
  // Durable when it returns.
  void writeCurrent(const GenerationRecord& record) const;

  // A fresh, unused name.
  static std::string newName();
  std::string folderOf(const std::string& generation) const;
  // Removes every gen-* folder but `active` (left by a reindex whose searches may still
  // have read the old one; at start nothing uses them). Returns the removed folders.
  std::vector<std::string> pruneAllBut(const std::string& active) const;

  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
};

}  // namespace mcr::plugin
