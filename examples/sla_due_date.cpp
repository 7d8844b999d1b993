// An editor's integration in a few lines: validate the numéro unique of a demande, then compute
// when a pli transmitted on a given date is due (2 jours ouvrés, with the holidays of the
// demande's département). Build against an installed libsne with: c++ -std=c++17
// sla_due_date.cpp -lsne
//
//   $ sla_due_date 0570819000040PWP01 2024-03-28
//   0570819000040PWP01 (Moselle): pli transmitted 2024-03-28 is due 2024-04-03
#include <cstdio>

#include <sne/calendar.hpp>
#include <sne/numero.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s NUMERO_UNIQUE YYYY-MM-DD\n", argv[0]);
    return 2;
  }
  const auto numero = sne::NumeroUnique::parse(argv[1]);
  if (!numero) {
    std::fprintf(stderr, "numéro unique: %s\n", numero.error().message().c_str());
    return 6;
  }
  const auto sent = sne::Date::parse(argv[2]);
  if (!sent) {
    std::fprintf(stderr, "date: %s\n", sent.error().message().c_str());
    return 6;
  }
  const sne::Territoire& territory = numero->territoire();
  const auto due = sne::add_jours_ouvres(*sent, 2, territory.zone);
  if (!due) {
    std::fprintf(stderr, "date: %s\n", due.error().message().c_str());
    return 6;
  }
  std::printf("%s (%s): pli transmitted %s is due %s\n", numero->str().c_str(),
              std::string(territory.name).c_str(), sent->iso().c_str(), due->iso().c_str());
  return 0;
}
