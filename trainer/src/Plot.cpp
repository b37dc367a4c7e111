#include "mcr/trainer/Plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

namespace mcr::trainer {
namespace {

constexpr double kWidth = 560, kHeight = 380, kLeft = 60, kRight = 20, kTop = 40, kBottom = 70;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string chart(const Chart& c, double offsetX) {
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& curve : c.curves)
    for (const auto& p : curve.points) {
      if (!std::isfinite(p.y)) continue;
      x0 = std::min(x0, p.x);
      x1 = std::max(x1, p.x);
      y0 = std::min(y0, p.y);
      y1 = std::max(y1, p.y);
    }
  std::string s = fmt::format("<g transform=\"translate({},0)\">\n", offsetX);
  s += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n", kWidth / 2, escape(c.title));
  const double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", kLeft, kTop, plotW, plotH);
  if (x0 > x1) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">no data yet</text>\n</g>\n",
                     kLeft + plotW / 2, kTop + plotH / 2);
    return s;
  }
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) { y0 -= 0.5; y1 += 0.5; }
  const double pad = 0.05 * (y1 - y0);
  y0 -= pad;
  y1 += pad;
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * plotW; };
  auto py = [&](double y) { return kTop + plotH - (y - y0) / (y1 - y0) * plotH; };
  for (int t = 0; t <= 4; ++t) {
    const double yv = y0 + (y1 - y0) * t / 4.0, xv = x0 + (x1 - x0) * t / 4.0;
    s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eee\"/>\n", kLeft, kLeft + plotW, py(yv));
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"end\">{:.3g}</text>\n", kLeft - 4, py(yv) + 3, yv);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{:.0f}</text>\n", px(xv),
                     kTop + plotH + 14, xv);
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n", kLeft + plotW / 2,
                   kTop + plotH + 30, escape(c.xLabel));
  int legend = 0;
  for (const auto& curve : c.curves) {
    std::string pts;
    for (const auto& p : curve.points)
      if (std::isfinite(p.y)) pts += fmt::format("{:.1f},{:.1f} ", px(p.x), py(p.y));
    s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>\n", curve.color, pts);
    if (curve.points.size() == 1)
      s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", px(curve.points[0].x),
                       py(curve.points[0].y), curve.color);
    const double lx = kLeft + (legend % 3) * 160, ly = kHeight - 22 + (legend / 3) * 14;
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", lx, ly - 9, curve.color);
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>\n", lx + 14, ly, escape(curve.name));
    ++legend;
  }
  return s + "</g>\n";
}

}  // namespace

std::string renderSvg(const std::vector<Chart>& charts) {
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      kWidth * static_cast<double>(std::max<std::size_t>(1, charts.size())), kHeight);
  for (std::size_t i = 0; i < charts.size(); ++i) s += chart(charts[i], kWidth * static_cast<double>(i));
  return s + "</svg>\n";
}

void writeSvg(const std::string& path, const std::vector<Chart>& charts) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << renderSvg(charts);
    if (!f.flush()) throw std::runtime_error("cannot write plot '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot move plot into '" + path + "'");
}

}  // namespace mcr::trainer
