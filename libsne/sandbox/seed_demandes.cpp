// The demandes seed: new, empty demandes in one guichet's territory, for volume tests and
// benchmarks of sending (sne bulk): each has room in every category and no history.
#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "sandbox/demo_data.hpp"
#include "sandbox/store.hpp"
#include "sne/date.hpp"

namespace sne::sandbox {

namespace {

using demo::kDay;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

std::vector<std::string> seed_demandes(Db& db, int count, const std::string& territoire,
                                       const std::string& guichet, Timestamp now_time) {
  // Registered over the six years before the clock, and not before 2001: a numéro unique's
  // two digits of year are 2000 to 2099, and it exists since 2001.
  constexpr std::int64_t k2001 = 978307200;  // 2001-01-01T00:00:00Z
  const std::int64_t now = std::max(to_seconds(now_time), k2001);
  const std::int64_t from = std::max(now - kDay * 365 * 6, k2001);
  std::random_device device;
  std::seed_seq seq{device(), device(), device(), device()};
  std::mt19937 rng(seq);
  std::uniform_int_distribution<std::int64_t> registered(floor_div(from, kDay),
                                                         floor_div(now, kDay));
  std::uniform_int_distribution<int> sequence(0, 999999), birth_year(1940, 2004),
      birth_month(1, 12), birth_day(1, 28);

  auto insert = db.prepare(
      "INSERT OR IGNORE INTO demandes (numero, territoire, nom, prenom, date_naissance) "
      "VALUES (?, ?, ?, ?, ?)");
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count));
  // Drawn in batches and inserted in sorted order: the index of demandes then grows page after
  // page instead of at random places: a million take 8 s instead of 12.
  std::vector<std::string> batch;
  while (static_cast<int>(out.size()) < count) {
    batch.clear();
    for (int i = static_cast<int>(out.size()); i < count; ++i) {
      const Date day = Date::from_days(static_cast<long>(registered(rng)));
      batch.push_back(fmt::format("{}{:02}{:02}{:06}{}", territoire, day.month(), day.year() % 100,
                                  sequence(rng), guichet));
    }
    std::sort(batch.begin(), batch.end());
    batch.erase(std::unique(batch.begin(), batch.end()), batch.end());
    for (auto& numero : batch) {
      insert.reset();
      insert.bind(numero, territoire, demo::pick(rng, demo::kNoms), demo::pick(rng, demo::kPrenoms),
                  fmt::format("{}-{:02}-{:02}", birth_year(rng), birth_month(rng), birth_day(rng)));
      insert.step();
      // That numéro exists already: the next batch draws another.
      if (db.changes() != 0) out.push_back(std::move(numero));
    }
  }
  return out;
}

}  // namespace sne::sandbox
