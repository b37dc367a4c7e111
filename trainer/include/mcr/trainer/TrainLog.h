#pragma once
// What a fit run reports: a JSON-lines log (one line per step and per evaluation), the
// SVG of its curves, and a progress bar on stderr. Torch-free.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "mcr/trainer/Metrics.h"

namespace mcr::trainer {

struct StepRecord {
  int step = 0;
  double lr = 0, total = 0, contrastive = 0, reconstruction = 0, mlm = 0, temperature = 0, gradNorm = 0, seconds = 0;
  double local = 0;  // token-to-patch alignment loss (0 when off)
};
struct EvalRecord {
  int step = 0;
  double i2tExact10 = 0, t2iExact10 = 0, i2tFindings10 = -1, t2iFindings10 = -1, macroP10 = -1;
};

class TrainLog {
 public:
  // Opens out/train.jsonl. When resuming at `resumeStep`, keeps only the records of steps
  // <= resumeStep (later ones are redone) and reloads them for the plot.
  TrainLog(const std::string& outDir, int resumeStep);
  void step(const StepRecord& r);
  void eval(int step, const RetrievalReport& report);
  void note(const std::string& jsonObject);  // e.g. the run's settings
  void writePlot() const;                    // out/curves.svg
  std::string plotPath() const;

 private:
  void append(const std::string& line);
  std::string dir_;
  std::vector<StepRecord> steps_;
  std::vector<EvalRecord> evals_;
};

class ProgressBar {
 public:
  ProgressBar(int total, int start, bool enabled);
  void update(const StepRecord& r);
  void message(const std::string& text);  // a line above the bar
  void finish();

 private:
  int total_, start_;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point begin_;
  double smoothTotal_ = -1, smoothCon_ = 0, smoothRec_ = 0, smoothMlm_ = 0;
  std::chrono::steady_clock::time_point lastPrint_{};
};

}  // namespace mcr::trainer
