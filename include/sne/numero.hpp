/// @file
/// The numéro unique of a demande de logement social.
///
/// 18 characters: territoire (3) + mois (2) + année (2) + séquence (6) + code guichet (5), e.g.
/// 0340819000040PWP01 = territory 034 (Hérault), August 2019, sequence 000040, guichet PWP01.
/// There is no check digit. Parsing is strict on shape and reports the first faulty part.
#pragma once

#include <string>
#include <string_view>

#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/territoire.hpp"

namespace sne {

/// A valid numéro unique of a demande, in canonical form (upper case, no spaces): made only by
/// parse(), so that holding one means it is well formed. Compared by its text.
class SNE_EXPORT NumeroUnique {
 public:
  /// Parses and normalises a numéro unique. Surrounding white space is ignored and lower-case
  /// letters are upper-cased; anything else out of shape is an invalid_input error whose
  /// message names the faulty part ("month 13 is not 01-12", "17 characters, expected 18",
  /// "unknown territory 099") and whose subject is that part: "longueur", "caracteres",
  /// "territoire", "mois", "annee", "sequence" or "guichet".
  static Result<NumeroUnique> parse(std::string_view text);

  /// The canonical 18 characters.
  const std::string& str() const noexcept { return text_; }
  /// The territory's entry in the table of sne/territoire.hpp (its code is the first three
  /// characters); never null.
  const Territoire& territoire() const noexcept { return *territoire_; }
  /// 1 to 12.
  int mois() const noexcept { return mois_; }
  /// Four digits: the two digits of the numéro are years 2000 to 2099 (the numéro unique
  /// exists since 2001).
  int annee() const noexcept { return annee_; }
  /// The six digits of the sequence ("000040"), the demande's number in its month.
  std::string_view sequence() const noexcept { return std::string_view(text_).substr(7, 6); }
  /// The code guichet that registered the demande ("PWP01").
  std::string_view guichet() const noexcept { return std::string_view(text_).substr(13, 5); }

  /// True when both are the same numéro.
  friend bool operator==(const NumeroUnique& a, const NumeroUnique& b) noexcept {
    return a.text_ == b.text_;
  }
  /// True when they are different numéros.
  friend bool operator!=(const NumeroUnique& a, const NumeroUnique& b) noexcept {
    return a.text_ != b.text_;
  }
  /// Orders numéros by their text: territory, then month, year, sequence and guichet.
  friend bool operator<(const NumeroUnique& a, const NumeroUnique& b) noexcept {
    return a.text_ < b.text_;
  }

 private:
  NumeroUnique() = default;
  std::string text_;
  int mois_ = 0;
  int annee_ = 0;
  const Territoire* territoire_ = nullptr;
};

/// True when `code` is a well-formed code guichet: five upper-case ASCII letters or digits.
SNE_EXPORT bool is_code_guichet(std::string_view code) noexcept;

}  // namespace sne
