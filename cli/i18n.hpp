// The markers of translatable text in the sne program, as libsne's (libsne/base/i18n.hpp,
// which the program cannot include); scripts/i18n extracts what they mark into po/.
//
//   _("text")                                 human output only (help, tables, notes, hints):
//                                             translated now
//   P_("one", "many", n)                      the same, with a count
//   tr(N_("no profile {}"), name)             a message that may also go into --json output
//                                             (a usage error): English, its translation
//                                             remembered for Output to print to a human
//   tr_plural("{} row", "{} rows", n, n)      the same with a count (no N_: xgettext knows it)
#pragma once

#include <string>
#include <utility>

#include <fmt/format.h>
#include <sne/messages.hpp>

// gettext's own name for the marker, which every PO tool and translator knows.
#define _(text) (::sne::translate(text))  // NOLINT(bugprone-reserved-identifier)
#define N_(text) text
#define P_(singular, plural, n) \
  (::sne::translate_plural(singular, plural, static_cast<unsigned long>(n)))

namespace sne::cli {

namespace detail {

template <class... Args>
std::string twice(const char* english_format, const char* translated_format, Args&&... args) {
  std::string english = fmt::format(fmt::runtime(english_format), args...);
  if (translated_format != english_format) {
    try {
      remember_localized(english, fmt::format(fmt::runtime(translated_format), args...));
    } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    }
  }
  return english;
}

}  // namespace detail

/// `msgid` formatted with `args`, in English; its translation remembered (sne::localized).
template <class... Args>
std::string tr(const char* msgid, Args&&... args) {
  return detail::twice(msgid, translate(msgid), std::forward<Args>(args)...);
}

/// The form of `singular`/`plural` for `n` formatted with `args`, in English; its
/// translation remembered.
template <class... Args>
std::string tr_plural(const char* singular, const char* plural, unsigned long n, Args&&... args) {
  return detail::twice(n == 1 ? singular : plural, translate_plural(singular, plural, n),
                       std::forward<Args>(args)...);
}

}  // namespace sne::cli
