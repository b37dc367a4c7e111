// `mcr-index bench --data model` end to end: mcr-synth writes a small study set, the tiny
// model bundle embeds it, the bench indexes the replicated image embeddings and queries
// them with held-out report embeddings. Built only with the model (TARGET mcr_model).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>

#include "IndexTestSupport.h"

namespace mcr::index {
namespace {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

// stderr goes to `stderrFile` when given (so that the JSON line is the last of stdout, as
// the bench promises), else into the output with stdout.
CommandResult run(const std::string& command, const std::string& stderrFile = "") {
  CommandResult result;
  FILE* pipe = ::popen((command + (stderrFile.empty() ? " 2>&1" : " 2>" + stderrFile)).c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, got);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string lastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  const auto newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

double number(const boost::json::object& o, const char* key) {
  const auto* value = o.if_contains(key);
  if (!value) ADD_FAILURE() << "JSON has no '" << key << "'";
  return value ? boost::json::value_to<double>(*value) : 0.0;
}

class ModelBench : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    studies_ = new testing::ScratchDir();
    const CommandResult synth = run(std::string(MCR_SYNTH_EXE) + " --grammar 60 --out " + studies_->path() +
                          "/synth --format png --size 64 --seed 3 --threads 1");
    ASSERT_EQ(synth.status, 0) << synth.output;
  }
  static void TearDownTestSuite() {
    delete studies_;
    studies_ = nullptr;
  }
  std::string bench(const std::string& options) const {
    return std::string(MCR_INDEX_EXE) + " bench --data model --model " + MCR_TINY_BUNDLE + " --manifest " +
           studies_->path() + "/synth/manifest.csv --device cpu " + options;
  }
  static testing::ScratchDir* studies_;
};
testing::ScratchDir* ModelBench::studies_ = nullptr;

TEST_F(ModelBench, IndexesRealEmbeddingsAndReportsRecallAgainstExactSearch) {
  const std::string errors = studies_->path() + "/bench.stderr";
  const CommandResult result = run(bench("--n 600 --queries 12 --ef 16 64 --threads 2 --seed 5 --json"), errors);
  ASSERT_EQ(result.status, 0) << result.output << testing::readFile(errors);
  // The generator's parameters are printed, as for the other data.
  EXPECT_NE(result.output.find("real image embeddings of mcr-synth studies"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("replicated to 600 with data-shaped Gaussian (covariance of the real embeddings) noise, "
                               "sigma "),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("half the real nearest-neighbour distance"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("report embeddings of 12 held-out studies (text -> images)"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("seed 5"), std::string::npos) << result.output;

  const boost::json::object json = boost::json::parse(lastLine(result.output)).as_object();
  EXPECT_EQ(number(json, "n"), 600);
  EXPECT_EQ(number(json, "dim"), 64);  // the bundle's, not bench's default 256
  EXPECT_EQ(json.at("data").as_string(), "model");
  EXPECT_EQ(number(json, "queries"), 12);
  EXPECT_EQ(number(json, "ef"), 64);
  // 600 vectors: at the default ef the graph search is all but exact.
  EXPECT_GE(number(json, "recall@10"), 0.9);
  EXPECT_LE(number(json, "recall@10"), 1.0);
  EXPECT_GT(number(json, "p50_ms"), 0);
  EXPECT_GE(number(json, "p99_ms"), number(json, "p50_ms"));
  EXPECT_GT(number(json, "qps"), 0);
  EXPECT_GT(number(json, "build_s"), 0);
  // A 64-dimensional vector alone is 256 bytes; the graph adds links, the catalog a record.
  EXPECT_GT(number(json, "graph_bytes_per_vector"), 256);
  EXPECT_GT(number(json, "catalog_bytes_per_vector"), 0);
  const auto& exact = json.at("exact").as_object();
  EXPECT_GT(number(exact, "p50_ms"), 0);
  EXPECT_GT(number(exact, "qps"), 0);
  // Report embeddings are queries from the other modality: less similar to the indexed
  // images than the images are to each other, but still a cosine.
  EXPECT_GT(number(json, "query_top1_cosine"), -1.0);
  EXPECT_LE(number(json, "query_top1_cosine"), 1.0001);
  EXPECT_GE(number(json, "query_top1_cosine"), number(json, "query_top10_cosine"));
  const auto& sweep = json.at("sweep").as_array();
  ASSERT_EQ(sweep.size(), 2u);
  EXPECT_LE(number(sweep[0].as_object(), "recall@10"), number(sweep[1].as_object(), "recall@10") + 1e-9);
}

TEST_F(ModelBench, HeldOutImagesAsQueries) {
  const CommandResult result = run(
      bench("--n 300 --queries 8 --ef 64 --query-modality images --noise 0.01 --noise-shape isotropic --json"),
      studies_->path() + "/images.stderr");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("image embeddings of 8 held-out studies (image -> images)"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("isotropic N(0, sigma^2 I) noise"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("sigma 0.01 per dimension (noise norm ~0.08, from --noise)"), std::string::npos)
      << result.output;
  const boost::json::object json = boost::json::parse(lastLine(result.output)).as_object();
  EXPECT_EQ(number(json, "queries"), 8);
  EXPECT_GE(number(json, "recall@10"), 0.9);
}

TEST_F(ModelBench, RefusesADimensionThatIsNotTheBundles) {
  const CommandResult result = run(bench("--n 100 --queries 5 --dim 256"));
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_NE(result.output.find("--dim 256 conflicts with the model bundle"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("64 dimensions"), std::string::npos) << result.output;
}

TEST_F(ModelBench, NeedsAManifest) {
  const CommandResult result = run(std::string(MCR_INDEX_EXE) + " bench --data model --model " + MCR_TINY_BUNDLE + " --n 100");
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_NE(result.output.find("--data model needs --manifest"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mcr::index
