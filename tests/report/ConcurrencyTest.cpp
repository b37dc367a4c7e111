// SR text extraction from several threads at once (the plugin extracts on Orthanc's
// worker threads): every thread gets the single-threaded text. Run under TSan.
#include <gtest/gtest.h>

#include <thread>

#include "SrTestSupport.h"
#include "mcr/report/ReportText.h"

namespace mcr::report {
namespace {

TEST(ReportConcurrency, ThreadsExtractIndependently) {
  std::vector<std::string> inputs;
  for (const char* name : {"test-SR.dcm", "reportsi.dcm"}) {
    const std::string path = testing::findTestFile("pydicom", name);
    ASSERT_FALSE(path.empty()) << name;
    inputs.push_back(testing::readBytes(path));
  }
  {
    // Latin-1, so that threads also convert character sets at the same time.
    testing::SrBuilder sr(DSRTypes::DT_EnhancedSR);
    ASSERT_TRUE(sr.document().setSpecificCharacterSetType(DSRTypes::CS_Latin1).good());
    sr.root(testing::reportTitle()).container(testing::findingsCode(), true).text(testing::findingCode(), "Herzgr\xf6\xdf" "e normal.", true);
    inputs.push_back(sr.bytes("concurrent.dcm"));
  }
  std::vector<std::string> expected;
  for (const auto& bytes : inputs) expected.push_back(extractSrText(bytes.data(), bytes.size()));

  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 30; ++round) {
        const std::size_t i = static_cast<std::size_t>(round + t) % inputs.size();
        if (extractSrText(inputs[i].data(), inputs[i].size()) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace mcr::report
