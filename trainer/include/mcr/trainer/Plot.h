#pragma once
// A self-contained SVG of the training curves (losses per step, evaluation metrics per
// evaluation) that an administrator can open in any browser. Torch-free.
#include <string>
#include <vector>

namespace mcr::trainer {

struct CurvePoint {
  double x = 0, y = 0;
};
struct Curve {
  std::string name;
  std::string color;  // CSS colour
  std::vector<CurvePoint> points;
};
struct Chart {
  std::string title;
  std::string xLabel;
  std::vector<Curve> curves;
};

// Charts side by side in one SVG document.
std::string renderSvg(const std::vector<Chart>& charts);
// Written to a temporary file and renamed, so a viewer never sees half a plot.
void writeSvg(const std::string& path, const std::vector<Chart>& charts);

}  // namespace mcr::trainer
