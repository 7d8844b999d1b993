#include "sne/messages.hpp"

#include <libintl.h>
#include <sys/stat.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/i18n.hpp"
#include "base/plugin.hpp"

namespace sne {

namespace {

constexpr const char* kDomain = "sne";

bool is_folder(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// Binds the domain once: the first translation of the process pays for it.
void bind_domain() {
  static std::once_flag once;
  std::call_once(once, [] {
    (void)bindtextdomain(kDomain, message_catalog_dir().c_str());
    (void)bind_textdomain_codeset(kDomain, "UTF-8");
  });
}

/// The value gettext reads for the messages' language when no category names one: the first
/// set and non-empty of LC_ALL, LC_MESSAGES, LANG.
const char* requested_locale() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return v;
  return nullptr;
}

/// The translations of the texts libsne made: English to the language in use. Bounded: emptied
/// when full, a text then reads in English.
struct Remembered {
  std::mutex mutex;
  std::unordered_map<std::string, std::string> texts;
};
constexpr std::size_t kRemembered = 4096;

Remembered& remembered() {
  static Remembered r;
  return r;
}

thread_local bool g_translating = false;

}  // namespace

void i18n::remember(std::string english, std::string translated) {
  Remembered& r = remembered();
  const std::lock_guard<std::mutex> lock(r.mutex);
  if (r.texts.size() >= kRemembered) r.texts.clear();
  r.texts.insert_or_assign(std::move(english), std::move(translated));
}

void remember_localized(std::string english, std::string translated) {
  if (english != translated) i18n::remember(std::move(english), std::move(translated));
}

void i18n::forget() {
  Remembered& r = remembered();
  const std::lock_guard<std::mutex> lock(r.mutex);
  r.texts.clear();
}

bool i18n::translating() noexcept { return g_translating; }
void i18n::set_translating(bool on) noexcept { g_translating = on; }

bool i18n::active() { return message_language() != "en"; }

std::string localized(std::string_view text) {
  Remembered& r = remembered();
  const std::lock_guard<std::mutex> lock(r.mutex);
  if (auto found = r.texts.find(std::string(text)); found != r.texts.end()) return found->second;
  return std::string(text);
}

std::string message_catalog_dir() {
  const std::string here = plugin::library_folder();
  // Installed: PREFIX/LIBDIR/libsne.so and PREFIX/share/locale (SNE_LOCALE_FROM_LIBDIR is the
  // path between them, ../share/locale or ../../share/locale with Debian's multiarch folder).
  // In the build tree, the catalogues are compiled into a locale folder beside the library.
  std::string installed = here + "/" SNE_LOCALE_FROM_LIBDIR;
  if (is_folder(installed)) return installed;
  return here + "/locale";
}

void use_environment_language() {
  if (std::setlocale(LC_CTYPE, "") == nullptr) (void)std::setlocale(LC_CTYPE, "C.UTF-8");
  if (std::setlocale(LC_MESSAGES, "") != nullptr) return;
  // The locale named is not installed: messages in C.UTF-8, whose name is not "C", so that
  // gettext reads LANGUAGE, given the language asked unless LANGUAGE already says one.
  (void)std::setlocale(LC_MESSAGES, "C.UTF-8");
  const char* language = std::getenv("LANGUAGE");
  const char* asked = requested_locale();
  if ((language == nullptr || *language == '\0') && asked != nullptr)
    (void)setenv("LANGUAGE", asked, 1);
}

const char* translate(const char* msgid) noexcept {
  if (msgid == nullptr || *msgid == '\0') return "";
  bind_domain();
  return dgettext(kDomain, msgid);
}

const char* translate_plural(const char* singular, const char* plural, unsigned long n) noexcept {
  bind_domain();
  return dngettext(kDomain, singular, plural, n);
}

std::string message_language() {
  bind_domain();
  // The header of the catalogue in use is the translation of the empty msgid.
  const std::string_view header = dgettext(kDomain, "");
  const auto at = header.find("Language: ");
  if (at == std::string_view::npos) return "en";
  auto value = header.substr(at + 10);
  value = value.substr(0, value.find_first_of("\n_.@"));
  return value.empty() ? std::string("en") : std::string(value);
}

}  // namespace sne
