#include "sandbox/embedded_transport.hpp"

#include "sandbox/handler.hpp"

namespace sne::sandbox {

namespace {

class EmbeddedTransport : public http::Transport {
 public:
  explicit EmbeddedTransport(std::unique_ptr<Handler> handler) : handler_(std::move(handler)) {}
  Result<http::Response> send(const http::Request& request) override {
    return handler_->handle(request);
  }

 private:
  std::unique_ptr<Handler> handler_;
};

}  // namespace

Result<std::unique_ptr<http::Transport>> make_embedded_transport(const std::string& db_path) {
  auto handler = Handler::open(db_path, kDefaultMaxBody);
  if (!handler) return handler.error();
  return std::unique_ptr<http::Transport>(std::make_unique<EmbeddedTransport>(std::move(*handler)));
}

}  // namespace sne::sandbox
