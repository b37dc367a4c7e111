#include "TrainerTestData.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mcr/image/ImageOps.h"

namespace mcr::trainer::testing {
namespace fs = std::filesystem;

std::string uniqueTempDir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("mcr_trainer_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string writeTinyStudySet(const std::string& dir, int studies) {
  const char* findings[] = {"", "cardiomegaly/mild", "pleural effusion/right/small", "pacemaker"};
  const char* reports[] = {"The lungs are clear. No acute cardiopulmonary abnormality.",
                           "The heart is enlarged. Mild cardiomegaly.",
                           "Small right pleural effusion. The heart size is normal.",
                           "A left chest wall pacemaker is present. The lungs are clear."};
  fs::create_directories(fs::path(dir) / "images");
  std::ofstream manifest(fs::path(dir) / "manifest.csv");
  manifest << "study_id,patient_id,split,image_path,report_path,report_text,findings\n";
  for (int i = 0; i < studies; ++i) {
    const int f = i % 4;
    const int patient = i / 2;
    const char* split = patient % 5 == 3 ? "val" : patient % 5 == 4 ? "test" : "train";
    image::GrayImage img;
    img.width = img.height = 48;
    img.pixels.assign(48 * 48, 0.1f + 0.02f * static_cast<float>(i % 5));
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 24; ++x) img.pixels[static_cast<std::size_t>((y + (f / 2) * 24) * 48 + x + (f % 2) * 24)] = 0.9f;
    const std::string rel = "images/s" + std::to_string(i) + ".png";
    image::savePng(img, (fs::path(dir) / rel).string());
    manifest << "S" << i << ",P" << patient << "," << split << "," << rel << ",,\"" << reports[f] << "\"," << findings[f] << "\n";
  }
  return (fs::path(dir) / "manifest.csv").string();
}

}  // namespace mcr::trainer::testing
