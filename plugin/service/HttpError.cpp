#include "HttpError.h"

#include <boost/json.hpp>

namespace mcr::plugin {

namespace {
const char* kindOf(int status) {
  switch (status) {
    case 400: return "BadRequest";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 413: return "PayloadTooLarge";
    case 503: return "Unavailable";
    default: return "Internal";
  }
}
}  // namespace

const char* HttpError::kind() const { return kindOf(status_); }

std::string errorBody(int status, const std::string& message) {
  boost::json::object body;
  body["error"] = kindOf(status);
  body["status"] = status;
  body["message"] = message;
  return boost::json::serialize(body);
}

}  // namespace mcr::plugin
