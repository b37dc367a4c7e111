#include <gtest/gtest.h>

#include <map>

#include "Configuration.h"

using namespace mcr::plugin;

namespace {

EnvironmentLookup env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

PluginConfig parse(const std::string& json, std::map<std::string, std::string> environment = {}) {
  return parseConfiguration(json, "/default.bundle", env(std::move(environment)));
}

std::string failure(const std::string& json, std::map<std::string, std::string> environment = {}) {
  try {
    parse(json, std::move(environment));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Configuration, DefaultsWithoutSection) {
  PluginConfig c = parse(R"({"StorageDirectory": "/var/lib/orthanc/db"})");
  EXPECT_TRUE(c.enable);
  EXPECT_EQ(c.root, "/mcr/");
  EXPECT_EQ(c.modelPath, "/default.bundle");
  EXPECT_EQ(c.indexDirectory, "/var/lib/orthanc/db/mcr-index");
  EXPECT_EQ(c.device, "auto");
  EXPECT_EQ(c.indexedModalities, (std::vector<std::string>{"CR", "DX"}));
  EXPECT_EQ(c.reportModalities, (std::vector<std::string>{"SR"}));
  EXPECT_EQ(c.searchDefaults.k, 10u);
  EXPECT_EQ(c.searchDefaults.ef, 256u);
  EXPECT_EQ(parse("{}").indexDirectory, "OrthancStorage/mcr-index");
}

TEST(Configuration, EveryKey) {
  PluginConfig c = parse(R"({"MCR": {"Enable": false, "Root": "/search-x/", "ModelPath": "/m.bundle",
      "IndexDirectory": "/idx", "Device": "cuda:1", "Precision": "bf16", "Threads": 4, "BatchSize": 32,
      "IndexedModalities": ["CR"], "ReportModalities": ["SR", "DOC"], "MaxQueue": 5,
      "SearchDefaults": {"K": 20, "Ef": 128}, "PollIntervalMs": 100, "ChangesBatch": 7}})");
  EXPECT_FALSE(c.enable);
  EXPECT_EQ(c.root, "/search-x/");
  EXPECT_EQ(c.modelPath, "/m.bundle");
  EXPECT_EQ(c.indexDirectory, "/idx");
  EXPECT_EQ(c.device, "cuda:1");
  EXPECT_EQ(c.precision, "bf16");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.batchSize, 32);
  EXPECT_EQ(c.indexedModalities, std::vector<std::string>{"CR"});
  EXPECT_EQ(c.reportModalities, (std::vector<std::string>{"SR", "DOC"}));
  EXPECT_EQ(c.maxQueue, 5u);
  EXPECT_EQ(c.searchDefaults.k, 20u);
  EXPECT_EQ(c.searchDefaults.ef, 128u);
  EXPECT_EQ(c.pollIntervalMs, 100);
  EXPECT_EQ(c.changesBatch, 7);
}

TEST(Configuration, BadValuesNameTheKey) {
  EXPECT_NE(failure(R"({"MCR": 3})").find("\"MCR\" must be a JSON object"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Enable": "yes"}})").find("MCR.Enable"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Device": "gpu"}})").find("MCR.Device"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Device": "cuda:x"}})").find("MCR.Device"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Threads": 0}})").find("MCR.Threads"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"BatchSize": 1.5}})").find("MCR.BatchSize"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"MaxQueue": -1}})").find("MCR.MaxQueue"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"IndexedModalities": "CR"}})").find("MCR.IndexedModalities"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"IndexedModalities": ["cr"]}})").find("MCR.IndexedModalities"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"ReportModalities": ["CR"]}})").find("also in IndexedModalities"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"SearchDefaults": {"K": 0}}})").find("MCR.SearchDefaults.K"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"SearchDefaults": {"k": 5}}})").find("MCR.SearchDefaults.k"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Root": "mcr"}})").find("MCR.Root"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"Root": "/tools/"}})").find("collides"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"ModelPath": ""}})").find("MCR.ModelPath"), std::string::npos);
  EXPECT_NE(failure(R"({"MCR": {"ModelPth": "/x"}})").find("MCR.ModelPth\": unknown key"), std::string::npos);
  EXPECT_NE(failure("not json").find("not a JSON object"), std::string::npos);
}

TEST(Configuration, EnvironmentOverrides) {
  PluginConfig c = parse(R"({"MCR": {"ModelPath": "/config.bundle", "Threads": 2}})",
                         {{"ORTHANC__MCR__MODEL_PATH", "/env.bundle"},
                          {"ORTHANC__MCR__THREADS", "8"},
                          {"ORTHANC__MCR__ENABLE", "false"},
                          {"ORTHANC__MCR__INDEXED_MODALITIES", "CR,DX,MG"},
                          {"ORTHANC__MCR__REPORT_MODALITIES", "SR"},
                          {"ORTHANC__MCR__SEARCH_DEFAULTS__K", "25"}});
  EXPECT_EQ(c.modelPath, "/env.bundle");
  EXPECT_EQ(c.threads, 8);
  EXPECT_FALSE(c.enable);
  EXPECT_EQ(c.indexedModalities, (std::vector<std::string>{"CR", "DX", "MG"}));
  EXPECT_EQ(c.reportModalities, std::vector<std::string>{"SR"});
  EXPECT_EQ(c.searchDefaults.k, 25u);
  EXPECT_NE(failure("{}", {{"ORTHANC__MCR__THREADS", "many"}}).find("MCR.Threads"), std::string::npos);
}

TEST(Configuration, EnvironmentNames) {
  EXPECT_EQ(environmentName("ModelPath"), "MODEL_PATH");
  EXPECT_EQ(environmentName("IndexedModalities"), "INDEXED_MODALITIES");
  EXPECT_EQ(environmentName("K"), "K");
  EXPECT_EQ(environmentName("MaxQueue"), "MAX_QUEUE");
}
