// Not an example of its own: the fixture of the examples' tests, which need demandes with room
// in every category. It shows how an editor's own tests make data in the embedded sandbox
// (sne/sandbox.hpp, linked from sne::sandbox): N new, empty demandes in the territory of the
// demo agent's guichet, their numéros printed one per line.
//
//   $ seed_demandes 2
//   0340921482210G3401
//   0340219038127G3401
#include <cstdio>
#include <cstdlib>

#include <sne/connect.hpp>
#include <sne/sandbox.hpp>

int main(int argc, char** argv) {
  if (argc != 2 || std::atoi(argv[1]) <= 0) {
    std::fprintf(stderr, "usage: %s COUNT\n", argv[0]);
    return 2;
  }
  sne::register_embedded_sandbox();
  sne::Connection connection({});
  auto service = connection.service();  // creates and seeds the sandbox on first use
  if (!service) {
    std::fprintf(stderr, "seed_demandes: %s\n", service.error().message().c_str());
    return 1;
  }
  const sne::EndpointInfo* endpoint = &(*service)->endpoint();  // the one the examples open
  if (endpoint->kind != sne::EndpointInfo::Kind::embedded_sandbox) {
    std::fprintf(stderr, "seed_demandes: %s is not the embedded sandbox\n",
                 endpoint->canonical.c_str());
    return 1;
  }
  sne::SeedDemandesOptions options;
  options.count = std::atoi(argv[1]);
  auto seeded = sne::seed_sandbox_demandes(endpoint->sandbox_path, options);
  if (!seeded) {
    std::fprintf(stderr, "seed_demandes: %s\n", seeded.error().message().c_str());
    return 1;
  }
  for (const auto& numero : seeded->numeros) std::printf("%s\n", numero.c_str());
  return 0;
}
