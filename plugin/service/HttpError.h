#pragma once
// Typed HTTP errors thrown by request validation and REST handlers; the route wrapper maps
// them to a JSON body {"error","status","message"} with that status (docs/api.md).
// SDK- and torch-free: the fuzzer and the unit tests link it.
#include <stdexcept>
#include <string>

namespace mcr::plugin {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }
  // "BadRequest", "NotFound", ... (the "error" field of the JSON body)
  const char* kind() const;

 private:
  int status_;
};

inline HttpError badRequest(const std::string& m) { return HttpError(400, m); }
inline HttpError notFound(const std::string& m) { return HttpError(404, m); }
inline HttpError conflict(const std::string& m) { return HttpError(409, m); }
inline HttpError unavailable(const std::string& m) { return HttpError(503, m); }

// The JSON body of an error answer.
std::string errorBody(int status, const std::string& message);

}  // namespace mcr::plugin
