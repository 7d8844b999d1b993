#include "sandbox/embedded_transport.hpp"

#include "sandbox/handler.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/file.hpp"

namespace sne::sandbox {

namespace {

class EmbeddedTransport : public http::Transport {
 public:
  explicit EmbeddedTransport(std::unique_ptr<Handler> handler) : handler_(std::move(handler)) {}
  Result<http::Response> send(const http::Request& request) override {
    if (!request.parts.empty()) return send_parts(request);
    if (request.body_file.empty()) return finish(handler_->serve(request));
    // In process there is no wire to stream to: the handler, like a server, takes the body
    // whole (a piece is at most 10 MiB; larger files are refused on their size first).
    http::Request copy = request;
    copy.body_file.clear();
    struct stat st {};
    if (::stat(request.body_file.c_str(), &st) != 0)
      return Error(ErrorCode::io, request.body_file + ": " + std::strerror(errno),
                   request.body_file);
    if (static_cast<std::uint64_t>(st.st_size) > kDefaultMaxBody) {
      copy.body.assign(kDefaultMaxBody + 1, '\0');  // the handler refuses it by its size
      return finish(handler_->serve(copy));
    }
    auto content = file::read_all(request.body_file, kDefaultMaxBody);
    if (!content) return content.error();
    copy.body = std::move(*content);
    return finish(handler_->serve(copy));
  }

 private:
  /// A multipart body: the handler takes its parts as they are, each file loaded whole. A body
  /// over the handler's limit is refused on its size, as a server refuses it, without reading
  /// more than that limit.
  Result<http::Response> send_parts(const http::Request& request) {
    http::Request copy = request;
    std::uint64_t total = 0;
    for (auto& part : copy.parts) {
      if (part.file.empty()) {
        total += part.data.size();
        continue;
      }
      struct stat st {};
      if (::stat(part.file.c_str(), &st) != 0)
        return Error(ErrorCode::io, part.file + ": " + std::strerror(errno), part.file);
      total += static_cast<std::uint64_t>(st.st_size);
      if (total > kDefaultMaxBody) {
        part.file.clear();
        part.data.assign(kDefaultMaxBody + 1, '\0');  // the handler refuses it by its size
        return finish(handler_->serve(copy));
      }
      auto content = file::read_all(part.file, kDefaultMaxBody);
      if (!content) return content.error();
      part.data = std::move(*content);
      part.file.clear();
    }
    return finish(handler_->serve(copy));
  }

  /// The fault knobs in process: the latency is the caller's sleep, a drop a network error
  /// (after the work was done, when the knobs say so), as a socket would end.
  static Result<http::Response> finish(Served served) {
    if (served.delay.count() > 0) std::this_thread::sleep_for(served.delay);
    if (served.drop)
      return Error(ErrorCode::network,
                   "the embedded sandbox dropped the request without an answer (sne sandbox "
                   "faults --drop-rate)");
    return std::move(served.response);
  }

  std::unique_ptr<Handler> handler_;
};

}  // namespace

Result<std::unique_ptr<http::Transport>> make_embedded_transport(const std::string& db_path) {
  auto handler = Handler::open(db_path, kDefaultMaxBody);
  if (!handler) return handler.error();
  return std::unique_ptr<http::Transport>(std::make_unique<EmbeddedTransport>(std::move(*handler)));
}

}  // namespace sne::sandbox
