/// @file
/// SIRET (establishment) and SIREN (company) numbers of a guichet.
///
/// A SIRET is 14 digits: the SIREN (9) + the NIC (5). It is valid when the Luhn sums of the 14
/// digits and of the SIREN are both multiples of 10; La Poste's establishments (SIREN
/// 356000000), too many for Luhn, are valid when the plain sum of the 14 digits is a multiple
/// of 5, Luhn or not; their head office, 35600000000048, alone follows Luhn (python-stdnum's rule).
#pragma once

#include <string>
#include <string_view>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// A valid SIRET, 14 digits without spaces: made only by parse(), so that holding one means
/// the checksum holds. Compared by its digits.
class SNE_EXPORT Siret {
 public:
  /// Parses a SIRET. Spaces between digit groups ("130 020 720 00038") are ignored; anything
  /// else out of shape is an invalid_input error naming the fault ("13 digits, expected 14",
  /// "checksum fails (Luhn)"), with subject "siret" or "siren".
  static Result<Siret> parse(std::string_view text);

  /// The 14 digits.
  const std::string& str() const noexcept { return digits_; }
  /// The SIREN, the company: the first 9 digits.
  std::string_view siren() const noexcept { return std::string_view(digits_).substr(0, 9); }
  /// The NIC, the establishment within the company: the last 5 digits.
  std::string_view nic() const noexcept { return std::string_view(digits_).substr(9, 5); }

  /// True when both are the same number.
  friend bool operator==(const Siret& a, const Siret& b) noexcept { return a.digits_ == b.digits_; }
  /// True when they are different numbers.
  friend bool operator!=(const Siret& a, const Siret& b) noexcept { return a.digits_ != b.digits_; }

 private:
  Siret() = default;
  std::string digits_;
};

/// Validates a SIREN (9 digits, Luhn); spaces are ignored. Returns the 9 digits.
SNE_EXPORT Result<std::string> parse_siren(std::string_view text);

/// True when the Luhn sum of `digits` (ASCII digits only) is a multiple of 10.
SNE_EXPORT bool luhn_valid(std::string_view digits) noexcept;

}  // namespace sne
