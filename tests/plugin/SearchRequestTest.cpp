#include <gtest/gtest.h>

#include "HttpError.h"
#include "SearchRequest.h"

using namespace mcr::plugin;

namespace {

SearchDefaults defaults() { return SearchDefaults{10, 64}; }

// The message of the 400 a body is rejected with ("" when accepted).
std::string rejection(const std::string& body) {
  try {
    parseSearchRequest(body, defaults());
    return "";
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 400) << body;
    return e.what();
  }
}

}  // namespace

TEST(SearchRequest, TextWithDefaults) {
  auto r = parseSearchRequest(R"({"text": "  small right pleural effusion \n"})", defaults());
  EXPECT_EQ(r.kind, QueryKind::Text);
  EXPECT_EQ(r.text, "small right pleural effusion");
  EXPECT_FALSE(r.target.has_value());
  EXPECT_EQ(r.k, 10u);
  EXPECT_EQ(r.ef, 64u);  // the defaults given, not kDefaultEf
  EXPECT_FALSE(r.excludeQueryPatient);
}

TEST(SearchRequest, AllOptions) {
  auto r = parseSearchRequest(
      R"({"instance": "0a9b7a2b-12345678-9abcdef0-12345678-9abcdef0", "target": "reports", "k": 200, "ef": 50,
          "modality": "CR", "studyDateFrom": "20200229", "studyDateTo": "20201231", "excludeQueryPatient": true})",
      defaults());
  EXPECT_EQ(r.kind, QueryKind::Instance);
  EXPECT_EQ(r.id, "0a9b7a2b-12345678-9abcdef0-12345678-9abcdef0");
  EXPECT_EQ(r.target, Target::Reports);
  EXPECT_EQ(r.k, 200u);
  EXPECT_EQ(r.ef, 200u) << "ef is raised to k";
  EXPECT_EQ(r.modality, "CR");
  EXPECT_EQ(r.studyDateFrom, "20200229");
  EXPECT_EQ(r.studyDateTo, "20201231");
  EXPECT_TRUE(r.excludeQueryPatient);
}

TEST(SearchRequest, StudyQuery) {
  auto r = parseSearchRequest(R"({"study": "abc-def", "target": "studies"})", defaults());
  EXPECT_EQ(r.kind, QueryKind::Study);
  EXPECT_EQ(r.target, Target::Studies);
}

TEST(SearchRequest, RejectionsNameTheProblem) {
  EXPECT_NE(rejection("").find("empty body"), std::string::npos);
  EXPECT_NE(rejection("{\"text\": ").find("malformed JSON"), std::string::npos);
  EXPECT_NE(rejection("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(rejection("{}").find("exactly one of"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","study":"ab"})").find("exactly one of"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"   "})").find("'text' is empty"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":5})").find("'text' must be a string"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","k":0})").find("'k' must be an integer in [1, 1000]"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","k":1001})").find("'k'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","k":2.5})").find("'k'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","k":"10"})").find("'k'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","k":18446744073709551615})").find("'k'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","ef":-3})").find("'ef'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","target":"pixels"})").find("'target'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","modality":"cr"})").find("'modality'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","studyDateFrom":"20230230"})").find("'studyDateFrom'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","studyDateTo":"2023-01-01"})").find("'studyDateTo'"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","studyDateFrom":"20230102","studyDateTo":"20230101"})").find("after"),
            std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","excludeQueryPatient":1})").find("true or false"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","excludeQueryPatient":true})").find("needs a stored"), std::string::npos);
  EXPECT_NE(rejection(R"({"instance":"../etc/passwd"})").find("Orthanc id"), std::string::npos);
  EXPECT_NE(rejection(R"({"text":"a","foo":1})").find("unknown field 'foo'"), std::string::npos);
  EXPECT_NE(rejection(std::string(R"({"text":")") + std::string(4001, 'x') + "\"}").find("longer than"),
            std::string::npos);
}

TEST(SearchRequest, DuplicateKeyKeepsTheLastValue) {
  // Boost.JSON 1.81 collapses duplicate keys while parsing (the last one wins).
  EXPECT_EQ(parseSearchRequest(R"({"text":"a","text":"b"})", defaults()).text, "b");
}

TEST(SearchRequest, UnknownFieldNameIsSanitised) {
  std::string message = rejection("{\"text\":\"a\",\"\\u0001evil\":1}");
  EXPECT_NE(message.find("unknown field '?evil'"), std::string::npos) << message;
}

TEST(SearchRequest, DeepNestingIsRejectedNotCrashed) {
  std::string deep = "{\"text\":\"a\",\"x\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_NE(rejection(deep), "");
}

TEST(UploadOptions, FromTheHeaderJson) {
  auto none = parseUploadOptions("", defaults());
  EXPECT_EQ(none.kind, QueryKind::Upload);
  EXPECT_EQ(none.k, 10u);
  auto r = parseUploadOptions(R"({"target":"images","k":3,"modality":"CR"})", defaults());
  EXPECT_EQ(r.kind, QueryKind::Upload);
  EXPECT_EQ(r.target, Target::Images);
  EXPECT_EQ(r.k, 3u);
  for (const char* bad : {R"({"text":"x"})", R"({"instance":"ab"})", R"({"excludeQueryPatient":true})", "{", "[]",
                          R"({"colour":1})"}) {
    try {
      parseUploadOptions(bad, defaults());
      ADD_FAILURE() << "accepted " << bad;
    } catch (const HttpError& e) {
      EXPECT_EQ(e.status(), 400);
    }
  }
}

TEST(SearchArguments, UploadOptions) {
  auto r = parseSearchArguments({{"target", "reports"}, {"k", "5"}, {"modality", "CR"}}, QueryKind::Upload, defaults());
  EXPECT_EQ(r.kind, QueryKind::Upload);
  EXPECT_EQ(r.target, Target::Reports);
  EXPECT_EQ(r.k, 5u);
  EXPECT_EQ(r.ef, 64u);  // the defaults given, not kDefaultEf
}

TEST(SearchArguments, Rejections) {
  auto rejects = [](const QueryArguments& args, QueryKind kind, const std::string& expected) {
    try {
      parseSearchArguments(args, kind, SearchDefaults{});
      ADD_FAILURE() << "accepted, expected " << expected;
    } catch (const HttpError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  rejects({{"k", "abc"}}, QueryKind::Upload, "'k'");
  rejects({{"k", "-1"}}, QueryKind::Upload, "'k'");
  rejects({{"k", "99999999999999"}}, QueryKind::Upload, "'k'");
  rejects({{"text", "x"}}, QueryKind::Upload, "unknown argument 'text'");
  rejects({{"excludeQueryPatient", "true"}}, QueryKind::Upload, "unknown argument");
  rejects({{"target", "images"}}, QueryKind::Study, "unknown argument 'target'");
  rejects({{"excludeQueryPatient", "yes"}}, QueryKind::Study, "true or false");
  rejects({{"studyDateFrom", "2020"}}, QueryKind::Study, "'studyDateFrom'");
  auto r = parseSearchArguments({{"excludeQueryPatient", "true"}}, QueryKind::Study, SearchDefaults{});
  EXPECT_TRUE(r.excludeQueryPatient);
}

TEST(HttpErrorBody, IsJsonWithStatusAndKind) {
  EXPECT_EQ(errorBody(503, "model not loaded: x"),
            R"({"error":"Unavailable","status":503,"message":"model not loaded: x"})");
  EXPECT_STREQ(HttpError(404, "x").kind(), "NotFound");
}
