// The tests' one http::Transport: it answers a scripted sequence of responses and records every
// request it was sent, so that a unit test drives client code (the REST service, the GLPI client,
// the retrying and logging transports) without a server.
//
// Ownership: the Script belongs to the test and must outlive every ScriptedTransport reading it;
// the transport itself is usually moved into the client under test. Not thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "sne/error.hpp"

namespace sne::testing {

/// What a ScriptedTransport answers, in order, and what it was sent.
struct Script {
  /// An answer may look at the request (and CHECK it) before answering.
  using Answer = std::function<Result<http::Response>(const http::Request&)>;
  std::deque<Answer> answers;
  std::vector<http::Request> seen;  ///< every request, in the order sent

  /// Appends fixed answers: a Response, or an Error for a request that got no answer.
  void then(std::initializer_list<Result<http::Response>> fixed) {
    for (const auto& r : fixed) answers.push_back([r](const http::Request&) { return r; });
  }
};

/// Answers each request with the next answer of its Script. Once the script is exhausted,
/// every request fails with ErrorCode::network "script exhausted" (still recorded), which a
/// test sees as one request too many.
class ScriptedTransport : public http::Transport {
 public:
  explicit ScriptedTransport(Script& script) : script_(script) {}
  Result<http::Response> send(const http::Request& request) override {
    script_.seen.push_back(request);
    if (script_.answers.empty()) return Error(ErrorCode::network, "script exhausted");
    auto answer = std::move(script_.answers.front());
    script_.answers.pop_front();
    return answer(request);
  }

 private:
  Script& script_;
};

/// An answer of `status` with `body` and these headers.
inline http::Response response(int status, std::string body = {}, http::Headers headers = {}) {
  return http::Response{status, std::move(headers), std::move(body)};
}

/// A JSON answer, as GLPI sends them: `status`, `body`, Content-Type application/json, then
/// the `extra` headers.
inline http::Response json_answer(int status, std::string body, http::Headers extra = {}) {
  http::Headers headers{{"Content-Type", "application/json; charset=UTF-8"}};
  for (auto& h : extra) headers.push_back(std::move(h));
  return response(status, std::move(body), std::move(headers));
}

/// A Script::Answer that answers json_answer(status, body, extra) whatever the request.
inline Script::Answer reply(int status, std::string body, http::Headers extra = {}) {
  return [=](const http::Request&) -> Result<http::Response> {
    return json_answer(status, body, extra);
  };
}

}  // namespace sne::testing
