#pragma once
// Small helpers shared by the integration tests.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <boost/json.hpp>

#include "OrthancServer.h"

namespace mcr::test {

inline int studiesForTests() {
  const char* v = std::getenv("MCR_IT_STUDIES");
  return v ? std::atoi(v) : 200;
}

inline boost::json::object mcrSection(const std::string& bundle) {
  return boost::json::object{{"ModelPath", bundle}, {"Device", "cpu"}, {"Threads", 2}, {"BatchSize", 16},
                             {"PollIntervalMs", 200}};
}

inline HttpAnswer search(const OrthancServer& server, const boost::json::object& body) {
  return server.post("/mcr/search", boost::json::serialize(body));
}

inline std::string str(const boost::json::value& v, const char* key) {
  const auto* o = v.if_object();
  if (!o) return {};
  auto it = o->find(key);
  return it != o->end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}

inline boost::json::array results(const boost::json::value& answer) {  // a copy: callers pass temporaries
  return answer.at("results").as_array();
}

// The JSON array of an answer, copied (a reference into a temporary would dangle in a for loop).
inline boost::json::array arrayOf(const HttpAnswer& answer) {
  auto v = answer.json();
  return v.is_array() ? v.as_array() : boost::json::array{};
}

// An error answer: status and the JSON body's status/message.
#define EXPECT_HTTP_ERROR(answer, code, fragment)                                              \
  do {                                                                                         \
    const auto& a_ = (answer);                                                                 \
    EXPECT_EQ(a_.status, code) << a_.body;                                                     \
    if (code != 405 && a_.status == code) {                                                    \
      auto j_ = a_.json();                                                                     \
      ASSERT_TRUE(j_.is_object()) << a_.body;                                                  \
      EXPECT_EQ(j_.at("status").to_number<int>(), code) << a_.body;                            \
      EXPECT_NE(::mcr::test::str(j_, "message").find(fragment), std::string::npos) << a_.body; \
    }                                                                                          \
  } while (0)

}  // namespace mcr::test
