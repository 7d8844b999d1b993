#include <sne/sandbox.hpp>

#include "app.hpp"

int main(int argc, char** argv) {
  // The embedded sandbox is its own library: registered here, by a call, so that no linker
  // leaves it out of the program.
  sne::register_embedded_sandbox();
  return sne::cli::run(argc, argv);
}
