/// @file
/// The territories of the SNE (code territoire of a numéro unique or guichet).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// Which set of public holidays applies (see sne/calendar.hpp).
enum class CalendarZone {
  metropole,       ///< national holidays only
  alsace_moselle,  ///< 57, 67, 68: adds Good Friday and 26 December
  guadeloupe,      ///< 971
  martinique,      ///< 972
  guyane,          ///< 973
  reunion,         ///< 974
  mayotte,         ///< 976
};

/// What kind of territory a code territoire designates.
enum class TerritoireKind {
  departement,  ///< a metropolitan département, 001-095 with 02A and 02B
  outre_mer,    ///< an overseas département: 971, 972, 973, 974, 976
  region,       ///< a regional register: 111, Île-de-France
  test,         ///< 999, the test territory seen on PWP training material
};

/// A territory of the SNE: its code territoire, French name, kind and calendar zone. Entries
/// live in the static table of territoires().
struct Territoire {
  std::string_view code;  ///< three characters: "034", "02A", "971", "111"
  std::string_view name;  ///< French name: "Hérault"
  /// Département, overseas, regional register or test territory.
  TerritoireKind kind;
  /// The public holidays that apply in it (sne/calendar.hpp).
  CalendarZone zone;
};

/// Every known territory, ordered by code. The table is static: pointers into it stay valid.
SNE_EXPORT const std::vector<Territoire>& territoires();

/// The territory of a three-character code ("034", "02A", "111"), or nullptr.
SNE_EXPORT const Territoire* find_territoire(std::string_view code) noexcept;

/// A département as a user types it ("57", "057", "2a", "02A", "971") resolved to its
/// territory; invalid_input naming the input when it is not a known département or territory.
SNE_EXPORT Result<const Territoire*> parse_departement(std::string_view text);

/// The snake_case name of a zone ("alsace_moselle").
SNE_EXPORT std::string_view to_string(CalendarZone zone) noexcept;
/// The snake_case name of a kind ("departement", "outre_mer", "region", "test").
SNE_EXPORT std::string_view to_string(TerritoireKind kind) noexcept;

}  // namespace sne
