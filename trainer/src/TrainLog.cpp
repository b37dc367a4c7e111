#include "mcr/trainer/TrainLog.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "mcr/trainer/Plot.h"

namespace mcr::trainer {
namespace fs = std::filesystem;

namespace {
double num(const boost::json::object& o, const char* key, double fallback = -1) {
  auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (it->value().is_double()) return it->value().as_double();
  if (it->value().is_int64()) return static_cast<double>(it->value().as_int64());
  return fallback;
}
double at10(const boost::json::object& metrics, const char* dir, const char* def) {
  auto d = metrics.find(dir);
  if (d == metrics.end() || !d->value().is_object()) return -1;
  auto k = d->value().as_object().find(def);
  if (k == d->value().as_object().end() || !k->value().is_object()) return -1;
  return num(k->value().as_object(), "R@10");
}
EvalRecord evalRecordFrom(int step, const boost::json::object& m) {
  EvalRecord e;
  e.step = step;
  e.i2tExact10 = at10(m, "i2t", "exact");
  e.t2iExact10 = at10(m, "t2i", "exact");
  e.i2tFindings10 = at10(m, "i2t", "findings");
  e.t2iFindings10 = at10(m, "t2i", "findings");
  auto p = m.find("probes");
  if (p != m.end() && p->value().is_object()) e.macroP10 = num(p->value().as_object(), "macro_P@10");
  return e;
}
}  // namespace

TrainLog::TrainLog(const std::string& outDir, int resumeStep) : dir_(outDir) {
  const auto path = fs::path(dir_) / "train.jsonl";
  std::vector<std::string> kept;
  if (resumeStep > 0 && fs::exists(path)) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      boost::json::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;  // a line cut by a crash
      const auto& o = v.as_object();
      const int step = static_cast<int>(num(o, "step", 0));
      if (step > resumeStep) continue;
      kept.push_back(line);
      auto type = o.find("type");
      if (type == o.end() || !type->value().is_string()) continue;
      if (type->value().as_string() == "step")
        steps_.push_back({step, num(o, "lr"), num(o, "loss"), num(o, "contrastive"), num(o, "reconstruction"),
                          num(o, "mlm"), num(o, "temperature"), num(o, "grad_norm"), num(o, "seconds"), num(o, "local", 0)});
      else if (type->value().as_string() == "eval" && o.contains("metrics") && o.at("metrics").is_object())
        evals_.push_back(evalRecordFrom(step, o.at("metrics").as_object()));
    }
  }
  std::ofstream out(path, std::ios::trunc);
  for (const auto& l : kept) out << l << '\n';
}

void TrainLog::append(const std::string& line) {
  std::ofstream out(fs::path(dir_) / "train.jsonl", std::ios::app);
  out << line << '\n';
}

void TrainLog::step(const StepRecord& r) {
  steps_.push_back(r);
  boost::json::object o{{"type", "step"},          {"step", r.step},     {"lr", r.lr},
                        {"loss", r.total},         {"contrastive", r.contrastive},
                        {"reconstruction", r.reconstruction},          {"mlm", r.mlm},
                        {"temperature", r.temperature},                {"grad_norm", r.gradNorm},
                        {"seconds", r.seconds}};
  if (r.local != 0) o["local"] = r.local;
  append(boost::json::serialize(o));
}

void TrainLog::eval(int step, const RetrievalReport& report) {
  auto metrics = boost::json::parse(report.toJson()).as_object();
  evals_.push_back(evalRecordFrom(step, metrics));
  boost::json::object o{{"type", "eval"}, {"step", step}, {"metrics", metrics}};
  append(boost::json::serialize(o));
}

void TrainLog::note(const std::string& jsonObject) { append(jsonObject); }

std::string TrainLog::plotPath() const { return (fs::path(dir_) / "curves.svg").string(); }

void TrainLog::writePlot() const {
  Chart losses{"training losses (per step)", "step", {}};
  Curve total{"total", "#222", {}}, con{"contrastive", "#d62728", {}}, rec{"reconstruction", "#1f77b4", {}},
      mlm{"masked tokens", "#2ca02c", {}}, local{"token-to-patch", "#9467bd", {}};
  bool anyLocal = false;
  for (const auto& s : steps_) {
    total.points.push_back({double(s.step), s.total});
    con.points.push_back({double(s.step), s.contrastive});
    rec.points.push_back({double(s.step), s.reconstruction});
    mlm.points.push_back({double(s.step), s.mlm});
    local.points.push_back({double(s.step), s.local});
    anyLocal = anyLocal || s.local != 0;
  }
  losses.curves = {total, con, rec, mlm};
  if (anyLocal) losses.curves.push_back(local);
  Chart evals{"validation retrieval (per evaluation)", "step", {}};
  Curve a{"i2t R@10 findings", "#d62728", {}}, b{"t2i R@10 findings", "#ff7f0e", {}}, c{"i2t R@10 exact", "#1f77b4", {}},
      d{"t2i R@10 exact", "#17becf", {}}, e{"probe macro P@10", "#2ca02c", {}};
  for (const auto& r : evals_) {
    const double x = r.step;
    if (r.i2tFindings10 >= 0) a.points.push_back({x, r.i2tFindings10});
    if (r.t2iFindings10 >= 0) b.points.push_back({x, r.t2iFindings10});
    c.points.push_back({x, r.i2tExact10});
    d.points.push_back({x, r.t2iExact10});
    if (r.macroP10 >= 0) e.points.push_back({x, r.macroP10});
  }
  evals.curves = {a, b, c, d, e};
  writeSvg(plotPath(), {losses, evals});
}

ProgressBar::ProgressBar(int total, int start, bool enabled)
    : total_(total), start_(start), enabled_(enabled), tty_(::isatty(STDERR_FILENO) != 0),
      begin_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(const StepRecord& r) {
  const double a = 0.05;
  if (smoothTotal_ < 0) {
    smoothTotal_ = r.total;
    smoothCon_ = r.contrastive;
    smoothRec_ = r.reconstruction;
    smoothMlm_ = r.mlm;
  } else {
    smoothTotal_ += a * (r.total - smoothTotal_);
    smoothCon_ += a * (r.contrastive - smoothCon_);
    smoothRec_ += a * (r.reconstruction - smoothRec_);
    smoothMlm_ += a * (r.mlm - smoothMlm_);
  }
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Not a terminal (a log file): one line every 10 s instead of a redrawn bar.
  if (!tty_ && now - lastPrint_ < std::chrono::seconds(10) && r.step != total_) return;
  lastPrint_ = now;
  const double elapsed = std::chrono::duration<double>(now - begin_).count();
  const int done = r.step - start_;
  const double rate = done > 0 ? done / elapsed : 0;
  const double eta = rate > 0 ? (total_ - r.step) / rate : 0;
  const int width = 24, filled = total_ > 0 ? width * r.step / total_ : 0;
  std::string bar(static_cast<std::size_t>(filled), '=');
  bar += std::string(static_cast<std::size_t>(width - filled), ' ');
  const auto line = fmt::format("[{}] {}/{} {:.2f} it/s ETA {:02d}:{:02d} loss {:.3f} (con {:.3f} rec {:.3f} mlm {:.3f}) T {:.3f}",
                                bar, r.step, total_, rate, int(eta) / 60, int(eta) % 60, smoothTotal_, smoothCon_,
                                smoothRec_, smoothMlm_, r.temperature);
  std::fprintf(stderr, tty_ ? "\r%s\033[K" : "%s\n", line.c_str());
  std::fflush(stderr);
}

void ProgressBar::message(const std::string& text) {
  if (!enabled_) return;
  std::fprintf(stderr, tty_ ? "\r\033[K%s\n" : "%s\n", text.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_ && tty_) std::fprintf(stderr, "\n");
}

}  // namespace mcr::trainer
