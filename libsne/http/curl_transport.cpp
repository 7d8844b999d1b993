#include "http/curl_transport.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <curl/curl.h>

#include <mutex>

#include <fmt/format.h>

#include "base/file.hpp"
#include "base/i18n.hpp"

namespace sne::http {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
  std::string body;
  Headers headers;
  std::size_t max_response = 0;
  bool too_big = false;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* file = static_cast<std::FILE*>(user);
  const std::size_t n = std::fread(buffer, 1, size * count, file);
  if (n == 0 && std::ferror(file)) return CURL_READFUNC_ABORT;
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  if (ex->body.size() + n > ex->max_response) {
    ex->too_big = true;
    return 0;  // makes libcurl abort the transfer
  }
  ex->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->headers.clear();  // a new response (after 100 Continue): keep the final one's headers
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  ex->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

/// What a request and the doctor's probe set alike on a handle.
struct HandleSetup {
  const std::string& url;
  const std::string& cacert;  ///< extra CA bundle, PEM; empty: the system's only
  const std::string& user_agent;
  std::chrono::milliseconds connect_timeout;
  bool verify;  ///< false (the probe, to read a bad certificate): no peer or host check
};

/// The options every exchange of sne sets: `url`, HTTP and HTTPS only, no redirect followed,
/// no signal, the connection's timeout, the peer and host checked against the system's CAs
/// and `cacert`, the user agent, and the answer's body and headers gathered into `ex`.
void configure_handle(CURL* h, const HandleSetup& setup, Exchange& ex) {
  curl_easy_setopt(h, CURLOPT_URL, setup.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(setup.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, setup.verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, setup.verify ? 2L : 0L);
  if (!setup.cacert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, setup.cacert.c_str());
  curl_easy_setopt(h, CURLOPT_USERAGENT, setup.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
}

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(CurlOptions options) : options_(std::move(options)) {}
  ~CurlTransport() override { curl_easy_cleanup(handle_); }

  Result<Response> send(const Request& request) override {
    if (handle_ == nullptr) handle_ = curl_easy_init();
    if (handle_ == nullptr)
      return Error(ErrorCode::internal, i18n::format(N_("libcurl could not start")));
    CURL* h = handle_;
    curl_easy_reset(h);  // keeps the connection cache: later requests reuse the connection
    const std::string url = options_.base_url + request.target;
    Exchange ex;
    ex.max_response = options_.max_response;
    configure_handle(h, {url, options_.cacert, options_.user_agent, options_.connect_timeout, true},
                     ex);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, static_cast<long>(options_.stall_timeout.count() / 1000)));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    // A body from a file is streamed: opened for each attempt, read in libcurl's chunks.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> upload(nullptr, &std::fclose);
    std::unique_ptr<curl_mime, void (*)(curl_mime*)> mime(nullptr, &curl_mime_free);
    if (!request.parts.empty()) {
      // multipart/form-data: libcurl writes the boundary and the Content-Type, and reads file
      // parts from disk as it sends them.
      mime.reset(curl_mime_init(h));
      for (const FormPart& part : request.parts) {
        curl_mimepart* p = curl_mime_addpart(mime.get());
        (void)curl_mime_name(p, part.name.c_str());
        if (!part.file.empty()) {
          if (::access(part.file.c_str(), R_OK) != 0)
            return Error(ErrorCode::io, fmt::format("{}: {}", part.file, std::strerror(errno)),
                         part.file);
          if (curl_mime_filedata(p, part.file.c_str()) != CURLE_OK)
            return Error(ErrorCode::io, i18n::format(N_("{}: cannot be read"), part.file),
                         part.file);
        } else {
          (void)curl_mime_data(p, part.data.data(), part.data.size());
        }
        // filedata sets the file's own name; the request's name is the one to show.
        if (!part.filename.empty() || !part.file.empty())
          (void)curl_mime_filename(p, part.filename.empty() ? nullptr : part.filename.c_str());
        if (!part.content_type.empty()) (void)curl_mime_type(p, part.content_type.c_str());
      }
      curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    } else if (!request.body_file.empty()) {
      upload.reset(std::fopen(request.body_file.c_str(), "rbe"));
      struct stat st {};
      if (!upload || fstat(fileno(upload.get()), &st) != 0)
        return Error(ErrorCode::io, fmt::format("{}: {}", request.body_file, std::strerror(errno)),
                     request.body_file);
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(h, CURLOPT_READDATA, upload.get());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(st.st_size));
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
               request.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : request.headers)
      list = curl_slist_append(list, fmt::format("{}: {}", name, value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    // libcurl would label a body without type as a form: send what the request says, only.
    if (!header(request.headers, "Content-Type") && !mime)
      list = curl_slist_append(list, "Content-Type:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      if (ex.too_big)
        return Error(ErrorCode::server, i18n::format(N_("{}: answer larger than {} bytes"),
                                                     options_.base_url, options_.max_response));
      // A certificate the client does not trust is a matter of configuration (--cacert), not
      // a failure that retrying would cure.
      const bool tls = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                       rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM;
      if (tls)
        return Error(
            ErrorCode::invalid_input,
            i18n::format(N_("{}: TLS failed: {}"), options_.base_url, curl_easy_strerror(rc)),
            "cacert");
      return Error(ErrorCode::network,
                   fmt::format("{}: {}", options_.base_url, curl_easy_strerror(rc)),
                   options_.base_url);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return Response{static_cast<int>(status), std::move(ex.headers), std::move(ex.body)};
  }

 private:
  CurlOptions options_;
  CURL* handle_ = nullptr;
};

}  // namespace

namespace {

std::chrono::milliseconds info_ms(CURL* h, CURLINFO what) {
  curl_off_t us = 0;
  if (curl_easy_getinfo(h, what, &us) != CURLE_OK) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(us / 1000);
}

ProbePhase phase_of(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return ProbePhase::dns;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT: return ProbePhase::tcp;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return ProbePhase::tls;
    default: return ProbePhase::http;
  }
}

/// The leaf certificate's fields from CURLINFO_CERTINFO ("Expire date:...").
void read_certificate(CURL* h, ProbeResult& result) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1)
    return;
  result.certificate_seen = true;
  for (curl_slist* item = info->certinfo[0]; item != nullptr; item = item->next) {
    const std::string_view line(item->data);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (key == "Start date") result.not_before = parse_certificate_date(value);
    if (key == "Expire date") result.not_after = parse_certificate_date(value);
    if (key == "Subject") result.subject = std::string(value);
    if (key == "Issuer") result.issuer = std::string(value);
  }
}

ProbeResult probe_now(const ProbeOptions& options) {
  global_init();
  ProbeResult result;
  std::unique_ptr<CURL, void (*)(CURL*)> handle(curl_easy_init(), &curl_easy_cleanup);
  if (!handle) {
    result.failed = ProbePhase::setup;
    result.error = i18n::format(N_("libcurl could not start"));
    return result;
  }
  CURL* h = handle.get();
  Exchange ex;
  ex.max_response = 64u << 10;
  configure_handle(
      h, {options.url, options.cacert, options.user_agent, options.timeout, options.verify}, ex);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
  if (options.connect_only) curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  char errors[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errors);
  curl_slist* list = curl_slist_append(nullptr, "Accept: application/json");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  const CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(list);
  result.dns = info_ms(h, CURLINFO_NAMELOOKUP_TIME_T);
  result.tcp = info_ms(h, CURLINFO_CONNECT_TIME_T);
  result.tls = info_ms(h, CURLINFO_APPCONNECT_TIME_T);
  result.total = info_ms(h, CURLINFO_TOTAL_TIME_T);
  if (char* ip = nullptr; curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
    result.address = ip;
  read_certificate(h, result);
  if (rc != CURLE_OK && !(ex.too_big && rc == CURLE_WRITE_ERROR)) {
    result.failed = phase_of(rc);
    // A timeout after the connection was made is the HTTP exchange's.
    if (rc == CURLE_OPERATION_TIMEDOUT && result.tcp.count() > 0) result.failed = ProbePhase::http;
    // libcurl's buffer says more than its code ("SSL certificate problem: certificate has
    // expired"); it names no secret, as the probe sends none.
    result.error = errors[0] != '\0' ? std::string(errors) : std::string(curl_easy_strerror(rc));
    return result;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  result.headers = std::move(ex.headers);
  result.body = std::move(ex.body);
  return result;
}

Result<std::unique_ptr<Transport>> transport_of(CurlOptions options) {
  global_init();
  if (!options.cacert.empty()) {
    auto pem = file::read_all(options.cacert, 16u << 20);
    if (!pem)  // the option at fault is the subject: the file's own error names the path
      return Error(pem.error().code(),
                   i18n::format(N_("CA file {}"), i18n::Nested{pem.error().message()}), "cacert");
  }
  if (options.user_agent.empty()) options.user_agent = "libsne";
  return std::unique_ptr<Transport>(std::make_unique<CurlTransport>(std::move(options)));
}

// Handed to libsne when the plugin is loaded (or, linked into a program, before main).
constexpr CurlBackend kBackend{&transport_of, &probe_now};
[[maybe_unused]] const bool kProvided = (provide_curl_backend(kBackend), true);

}  // namespace

}  // namespace sne::http
