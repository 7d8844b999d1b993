#include "client/rest_service.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/json_reader.hpp"
#include "client/pli_motifs.hpp"
#include "crypto/crypto.hpp"
#include "http/retry.hpp"
#include "sne/text.hpp"
#include "wire/pli_page_reader.hpp"
#include "wire/wire.hpp"

namespace sne::client {

namespace {

using nlohmann::json;

constexpr std::array kCodes{
    ErrorCode::invalid_input, ErrorCode::not_found, ErrorCode::unauthenticated,
    ErrorCode::forbidden,     ErrorCode::conflict,  ErrorCode::rate_limited,
    ErrorCode::network,       ErrorCode::server,    ErrorCode::io,
    ErrorCode::cancelled,     ErrorCode::internal};

ErrorCode code_for_status(int status) {
  switch (status) {
    case 400:
    case 405:
    case 413:
    case 415:
    case 422: return ErrorCode::invalid_input;
    case 401: return ErrorCode::unauthenticated;
    case 403: return ErrorCode::forbidden;
    case 404:
    case 410: return ErrorCode::not_found;
    case 409: return ErrorCode::conflict;
    case 429: return ErrorCode::rate_limited;
    default: return ErrorCode::server;
  }
}

std::string path_segment(std::string_view s) { return http::percent_encode(s); }

class RestService : public Service, public PliMotifs {
 public:
  RestService(EndpointInfo endpoint, std::unique_ptr<http::Transport> transport, std::string token)
      : endpoint_(std::move(endpoint)),
        transport_(std::move(transport)),
        token_(std::move(token)) {}

  const EndpointInfo& endpoint() const noexcept override { return endpoint_; }
  void set_token(std::string token) override { token_ = std::move(token); }
  Timestamp server_time() const override {
    return server_time_ ? *server_time_ : std::chrono::system_clock::now();
  }

  Result<Session> login(const std::string& email, const std::string& password) override {
    return call<Session>("POST", "/v1/auth/token", json{{"email", email}, {"password", password}},
                         {}, wire::decode_session, false);
  }

  Status logout() override { return call_void("DELETE", "/v1/auth/token"); }

  Result<Me> me() override { return call<Me>("GET", "/v1/me", nullptr, {}, wire::decode_me); }

  Result<Me> update_profile(const ProfileChange& change) override {
    return call<Me>("PATCH", "/v1/me", wire::encode(change), {}, wire::decode_me);
  }

  Result<Me> switch_guichet(const std::string& code) override {
    return call<Me>("PUT", "/v1/me/guichet", json{{"code", code}}, {}, wire::decode_me);
  }

  Result<AccountRequest> request_account(const AccountRequestInput& input,
                                         const std::string& key) override {
    return call<AccountRequest>("POST", "/v1/account-requests", wire::encode(input), key,
                                wire::decode_account_request, false);
  }

  Result<AccountRequest> account_request(const std::string& id) override {
    return call<AccountRequest>("GET", "/v1/account-requests/" + path_segment(id), nullptr, {},
                                wire::decode_account_request, false);
  }

  Result<std::vector<AccountRequest>> pending_requests() override {
    return call<std::vector<AccountRequest>>("GET", "/v1/account-requests?statut=en_attente",
                                             nullptr, {}, [](const json_reader::Node& n) {
                                               std::vector<AccountRequest> out;
                                               for (const auto& item : n.at("items").items(10000))
                                                 out.push_back(wire::decode_account_request(item));
                                               return out;
                                             });
  }

  Result<AccountRequest> validate_request(const std::string& id) override {
    return call<AccountRequest>("POST", "/v1/account-requests/" + path_segment(id) + "/validation",
                                json::object(), new_idempotency_key(),
                                wire::decode_account_request);
  }

  Result<AccountRequest> reject_request(const std::string& id, const std::string& motif) override {
    return call<AccountRequest>("POST", "/v1/account-requests/" + path_segment(id) + "/rejection",
                                json{{"motif", motif}}, new_idempotency_key(),
                                wire::decode_account_request);
  }

  Result<std::string> activate(const std::string& token, const std::string& password) override {
    return call<std::string>(
        "POST", "/v1/activations", json{{"token", token}, {"password", password}},
        new_idempotency_key(), [](const json_reader::Node& n) { return n.at("email").string(); },
        false);
  }

  Result<Demande> demande(const std::string& numero) override {
    return call<Demande>("GET", "/v1/demandes/" + path_segment(numero), nullptr, {},
                         wire::decode_demande);
  }

  Result<Upload> upload(std::string_view content, const std::string& key) override {
    http::Request request{"POST",
                          "/v1/uploads",
                          {{"Content-Type", "application/octet-stream"}},
                          std::string(content),
                          {}};
    return exchange<Upload>(std::move(request), key, wire::decode_upload, true);
  }

  Result<Upload> upload_file(const std::string& path, const std::string& key) override {
    http::Request request{
        "POST", "/v1/uploads", {{"Content-Type", "application/octet-stream"}}, {}, path};
    return exchange<Upload>(std::move(request), key, wire::decode_upload, true);
  }

  Result<Pli> send_pli(const std::string& numero, const PliInput& input,
                       const std::string& key) override {
    return call<Pli>("POST", "/v1/demandes/" + path_segment(numero) + "/plis", wire::encode(input),
                     key, wire::decode_pli);
  }

  Status delete_piece(const std::string& numero, const std::string& piece_id) override {
    return call_void("DELETE",
                     "/v1/demandes/" + path_segment(numero) + "/pieces/" + path_segment(piece_id));
  }

  Result<PliPage> plis(const PliFilter& f) override {
    if (!f.idempotency_key.empty())  // alone: it names one pli at most
      return call<PliPage>(
          "GET", "/v1/plis?" + http::query_string({{"idempotency_key", f.idempotency_key}}),
          nullptr, {}, wire::decode_pli_page);
    auto q = filter_query(f);
    q.emplace_back("limit", std::to_string(f.limit));
    if (!f.cursor.empty()) q.emplace_back("cursor", f.cursor);
    return call<PliPage>("GET", "/v1/plis?" + http::query_string(q), nullptr, {},
                         wire::decode_pli_page);
  }

  Result<Pli> pli(const std::string& transaction) override {
    return call<Pli>("GET", "/v1/plis/" + path_segment(transaction), nullptr, {}, wire::decode_pli);
  }

  Result<wire::RejectionMotifs> rejection_motifs(const PliFilter& f) override {
    return call<wire::RejectionMotifs>("GET",
                                       "/v1/plis/motifs?" + http::query_string(filter_query(f)),
                                       nullptr, {}, wire::decode_rejection_motifs);
  }

 private:
  /// The query of the filters GET /v1/plis and GET /v1/plis/motifs share.
  static std::vector<std::pair<std::string, std::string>> filter_query(const PliFilter& f) {
    std::vector<std::pair<std::string, std::string>> q;
    if (f.statut) q.emplace_back("statut", std::string(info(*f.statut).code));
    if (!f.numero_unique.empty()) q.emplace_back("numero_unique", f.numero_unique);
    if (f.contexte) q.emplace_back("contexte", std::string(info(*f.contexte).code));
    if (f.since) q.emplace_back("depuis", format_timestamp(*f.since));
    if (f.until) q.emplace_back("jusqua", format_timestamp(*f.until));
    return q;
  }

  template <class T, class Decode>
  Result<T> call(std::string method, std::string target, const json& body, const std::string& key,
                 Decode decode, bool auth = true) {
    http::Request request{std::move(method), std::move(target), {}, {}, {}};
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers.emplace_back("Content-Type", "application/json");
    }
    return exchange<T>(std::move(request), key, decode, auth);
  }

  Status call_void(std::string method, std::string target) {
    http::Request request{std::move(method), std::move(target), {}, {}, {}};
    auto response = send(request, {}, true);
    if (!response) return response.error();
    return Status();
  }

  Result<http::Response> send(http::Request& request, const std::string& key, bool auth) {
    request.headers.emplace_back("Accept", "application/json");
    if (!key.empty()) request.headers.emplace_back("Idempotency-Key", key);
    // Without a token the request still goes out, and the service's 401 says "not signed in":
    // so that an unreachable service is told apart from a missing session.
    if (auth && !token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
    const std::string what =
        request.method + " " + request.target.substr(0, request.target.find('?'));
    auto response = transport_->send(request);
    if (!response) return response.error();
    if (auto date = http::header(response->headers, "Date"))
      if (auto t = http::parse_http_date(*date)) server_time_ = *t;
    if (response->status >= 300 && response->status < 400)
      return Error(ErrorCode::server,
                   i18n::format(
                       N_("{}: the service redirects to {}: set the endpoint to that "
                          "address (redirects are not followed)"),
                       what,
                       printable(http::header(response->headers, "Location").value_or("?"), 200)),
                   "endpoint")
          .with_http(response->status,
                     http::header(response->headers, "X-Request-Id").value_or(""));
    if (response->status >= 400) return error_from_response(*response, what);
    return response;
  }

  template <class T, class Decode>
  Result<T> exchange(http::Request request, const std::string& key, Decode decode, bool auth) {
    auto response = send(request, key, auth);
    if (!response) return response.error();
    // A page of plis in the service's usual form is read without a tree; any other text, good
    // or bad, goes the strict way below, which gives the same page or names the fault.
    if constexpr (std::is_same_v<T, PliPage>)
      if (auto page = wire::read_pli_page(response->body)) return std::move(*page);
    json doc;
    const auto request_id = http::header(response->headers, "X-Request-Id").value_or("");
    if (auto parsed = json_reader::parse(response->body, doc); !parsed)
      return Error(ErrorCode::server,
                   i18n::format(N_("{} {}: the answer is not JSON: {}"), request.method,
                                request.target, i18n::Nested{parsed.error().message()}))
          .with_http(response->status, request_id);
    auto decoded = json_reader::read([&] { return decode(json_reader::Node(doc, "")); });
    if (!decoded)
      return Error(ErrorCode::server,
                   i18n::format(N_("{} {}: unexpected answer: {}"), request.method, request.target,
                                i18n::Nested{decoded.error().message()}))
          .with_http(response->status, request_id);
    return T(std::move(*decoded));
  }

  EndpointInfo endpoint_;
  std::unique_ptr<http::Transport> transport_;
  std::string token_;
  std::optional<Timestamp> server_time_;
};

}  // namespace

Error error_from_response(const http::Response& response, std::string_view what) {
  const auto request_id = http::header(response.headers, "X-Request-Id").value_or("");
  ErrorCode code = code_for_status(response.status);
  std::string message, field;
  json doc;
  if (json_reader::parse(response.body, doc) && doc.is_object() && doc.contains("error") &&
      doc["error"].is_object()) {
    const json& e = doc["error"];
    if (e.contains("message") && e["message"].is_string())
      message = printable(e["message"].get<std::string>(), 300);
    if (e.contains("field") && e["field"].is_string()) field = e["field"].get<std::string>();
    if (e.contains("code") && e["code"].is_string()) {
      const std::string name = e["code"].get<std::string>();
      for (ErrorCode c : kCodes)
        if (to_string(c) == name) code = c;
    }
  }
  // A server failing is a server error for the client, whatever it calls it.
  if (response.status >= 500) code = code == ErrorCode::rate_limited ? code : ErrorCode::server;
  // The service's own words stay as it said them; only a message of libsne is translated.
  if (message.empty()) message = i18n::format(N_("{} answered HTTP {}"), what, response.status);
  if (message.size() > 300) message = message.substr(0, 300) + "...";
  if (code == ErrorCode::rate_limited) message = http::mention_wait(message, response.headers);
  return Error(code, message, field).with_http(response.status, request_id);
}

PliMotifs* pli_motifs(Service& service) { return dynamic_cast<PliMotifs*>(&service); }

std::unique_ptr<Service> make_rest_service(EndpointInfo endpoint,
                                           std::unique_ptr<http::Transport> transport,
                                           std::string token) {
  return std::make_unique<RestService>(std::move(endpoint), std::move(transport), std::move(token));
}

}  // namespace sne::client
