/// @file
/// The language of libsne's messages: its human text (errors, notes, labels) is written in
/// English and translated with GNU gettext, in the text domain "sne", whose catalogues are
/// installed with the library (`share/locale/LANG/LC_MESSAGES/sne.mo`). The language follows
/// the process's `LC_MESSAGES` locale and `LANGUAGE`, as for any gettext program; a program
/// that never sets a locale (the C locale) gets English. Codes, JSON documents and every output
/// meant for programs are never translated.
#pragma once

#include <string>
#include <string_view>

#include "sne/export.hpp"

namespace sne {

/// Sets the process's messages and character set from the environment as gettext reads it
/// (`LANGUAGE`, then `LC_ALL`, `LC_MESSAGES`, `LANG`), for a program that wants libsne's
/// messages in its user's language: `setlocale(LC_CTYPE, "")` and `setlocale(LC_MESSAGES, "")`,
/// no other category (numbers and dates are written by libsne itself, never by the C library).
/// A language whose locale is not installed on the machine (`LANG=fr_FR.UTF-8` where only
/// C.UTF-8 exists) is still used: the categories are then C.UTF-8, and the language is given to
/// gettext through `LANGUAGE`. Call it once, first thing in `main`, before any thread starts.
SNE_EXPORT void use_environment_language();

/// `msgid`'s translation in the domain "sne", or `msgid` when there is none. Never null.
SNE_EXPORT const char* translate(const char* msgid) noexcept;

/// The translation of the form of `singular` (msgid) and `plural` (msgid_plural) for `n`, by
/// the language's plural rule, or `singular` when n == 1 and `plural` otherwise.
SNE_EXPORT const char* translate_plural(const char* singular, const char* plural,
                                        unsigned long n) noexcept;

/// `text`, a message libsne made in this process (an Error's message, a doctor's detail), in
/// the language of messages: libsne returns its text in English, so that logs and JSON are the
/// same in every language, and remembers the translation of what it wrote (the last few
/// thousand texts). `text` itself when there is none: English in use, or a text libsne did not
/// make or has forgotten.
SNE_EXPORT std::string localized(std::string_view text);

/// Remembers that `english`, a text a program made and may print in JSON or a log, reads
/// `translated` in the language of messages: localized(english) then gives it, as for libsne's
/// own texts. How the sne program keeps its --json output English while telling a human the
/// same in French.
SNE_EXPORT void remember_localized(std::string english, std::string translated);

/// The language of the catalogue in use, as its header says ("fr"), or "en" when messages are
/// not translated.
SNE_EXPORT std::string message_language();

/// The folder from which the domain "sne" is read: `share/locale` beside the library's prefix
/// as installed, or the build tree's `locale` folder beside the library.
SNE_EXPORT std::string message_catalog_dir();

}  // namespace sne
