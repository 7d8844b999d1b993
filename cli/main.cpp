#include <sne/messages.hpp>
#include <sne/sandbox.hpp>

#include "app.hpp"

int main(int argc, char** argv) {
  // Messages in the user's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), even where that
  // locale is not installed; numbers and dates are formatted by sne, never by the C library.
  sne::use_environment_language();
  // The embedded sandbox is its own library: registered here, by a call, so that no linker
  // leaves it out of the program.
  sne::register_embedded_sandbox();
  return sne::cli::run(argc, argv);
}
