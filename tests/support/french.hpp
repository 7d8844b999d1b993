// French messages for the scope of a test (issue 20): the build's catalogue of the domain
// "sne" (SNE_TEST_LOCALE_DIR), French through LANGUAGE in C.UTF-8 as `sne` does where
// fr_FR is not installed; English again after, every remembered translation forgotten, so
// that no test sees another's.
#pragma once

#include <libintl.h>

#include <clocale>
#include <cstdlib>

#include "base/i18n.hpp"
#include "sne/messages.hpp"

namespace sne::testing {

struct French {
  French() {
    // libsne binds its domain at its first translation: that first, then the build's folder.
    (void)message_language();
    (void)setenv("LANGUAGE", "fr", 1);
    (void)std::setlocale(LC_CTYPE, "C.UTF-8");
    (void)std::setlocale(LC_MESSAGES, "C.UTF-8");
    (void)bindtextdomain("sne", SNE_TEST_LOCALE_DIR);
  }
  ~French() {
    (void)unsetenv("LANGUAGE");
    (void)std::setlocale(LC_MESSAGES, "C");
    (void)std::setlocale(LC_CTYPE, "C");
    i18n::forget();
  }
  French(const French&) = delete;
  French& operator=(const French&) = delete;
};

}  // namespace sne::testing
