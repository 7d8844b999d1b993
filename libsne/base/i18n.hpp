// Internal: libsne's translatable text (sne/messages.hpp).
//
// What libsne writes stays English in what it returns (Error::message(), the doctor's details,
// every string a program may log or put in JSON), so that --json output and logs are the same
// in every language. A text made through i18n::format is also formatted once more with the
// translation of its format string, and the pair is remembered, so that sne::localized(text)
// gives the user's language where a human reads it.
//
// The markers, which xgettext extracts (scripts/i18n):
//   i18n::format(N_("no pli {} for demande {}"), id, numero)   a message with placeholders
//   i18n::format_plural("{} piece", "{} pieces", n, n)      a message with a count (no N_:
//                                                              xgettext knows the function)
//   _("text")                                                  translated now (labels)
//   i18n::Nested{inner.message()}                              a text of libsne inside another,
//                                                              given in its own translation
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "base/internal_export.hpp"
#include "sne/messages.hpp"

// gettext's own name for the marker, which every PO tool and translator knows.
#define _(text) (::sne::translate(text))  // NOLINT(bugprone-reserved-identifier)
#define N_(text) text
#define P_(singular, plural, n) \
  (::sne::translate_plural(singular, plural, static_cast<unsigned long>(n)))

namespace sne::i18n {

/// Remembers that `english`, a text of libsne, reads `translated` in the language in use.
SNE_INTERNAL_EXPORT void remember(std::string english, std::string translated);

/// Forgets every translation remembered: for tests that change the language.
void forget();

/// True while i18n::format writes the translated form: Nested arguments give theirs.
SNE_INTERNAL_EXPORT bool translating() noexcept;
SNE_INTERNAL_EXPORT void set_translating(bool on) noexcept;

/// True when messages are being translated (a catalogue other than English is in use).
SNE_INTERNAL_EXPORT bool active();

/// A text of libsne (an inner error's message) within another: its translation in the
/// translated form.
struct Nested {
  std::string_view english;
};

namespace detail {

template <class... Args>
std::string twice(const char* english_format, const char* translated_format, Args&&... args) {
  std::string english = fmt::format(fmt::runtime(english_format), args...);
  if (!active()) return english;
  set_translating(true);
  try {
    std::string translated = fmt::format(fmt::runtime(translated_format), args...);
    set_translating(false);
    if (translated != english) remember(english, std::move(translated));
  } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    set_translating(false);
  }
  return english;
}

}  // namespace detail

/// `msgid` formatted with `args`, in English; its translation remembered (see above).
template <class... Args>
std::string format(const char* msgid, Args&&... args) {
  return detail::twice(msgid, translate(msgid), std::forward<Args>(args)...);
}

/// The form of `singular`/`plural` for `n`, formatted with `args`, in English; its translation
/// remembered.
template <class... Args>
std::string format_plural(const char* singular, const char* plural, unsigned long n,
                          Args&&... args) {
  return detail::twice(n == 1 ? singular : plural, translate_plural(singular, plural, n),
                       std::forward<Args>(args)...);
}

}  // namespace sne::i18n

template <>
struct fmt::formatter<sne::i18n::Nested> : fmt::formatter<std::string_view> {
  template <class Context>
  auto format(const sne::i18n::Nested& text, Context& ctx) const {
    if (!sne::i18n::translating())
      return fmt::formatter<std::string_view>::format(text.english, ctx);
    const std::string translated = sne::localized(text.english);
    return fmt::formatter<std::string_view>::format(translated, ctx);
  }
};
