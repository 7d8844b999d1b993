#include "wire/pli_page_reader.hpp"

#include <cstdint>

#include "sne/contexte.hpp"
#include "sne/statut.hpp"

namespace sne::wire {

namespace {

/// A cursor over JSON text that reads only the forms a page of plis is written in. Every
/// reading returns false on anything else; the caller then gives up on the whole text.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  /// Skips the whitespace JSON allows between tokens (as nlohmann's lexer: space, tab, line
  /// feed, carriage return).
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  /// The character `c`, after whitespace.
  bool take(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  /// Only whitespace left.
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  /// A string of printable ASCII without escapes (0x20 to 0x7E but '"' and '\'), whose
  /// characters are then its value as they stand.
  bool plain_string(std::string_view& value) {
    if (!take('"')) return false;
    const char* start = p_;
    for (; p_ != end_; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        value = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x20 || c > 0x7E || c == '\\') return false;
    }
    return false;
  }
  /// A key and its colon.
  bool key(std::string_view& name) { return plain_string(name) && take(':'); }
  /// null.
  bool null() {
    skip_space();
    if (end_ - p_ < 4 || std::string_view(p_, 4) != "null") return false;
    p_ += 4;
    return true;
  }
  /// A natural number of 1 to 7 digits without a leading zero. A sign, a fraction or an
  /// exponent is not read, and the caller's next take(',') or take('}') fails on it.
  bool natural(std::int64_t& value) {
    skip_space();
    const char* start = p_;
    value = 0;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start < 8) {
      value = value * 10 + (*p_ - '0');
      ++p_;
    }
    const auto digits = p_ - start;
    return digits >= 1 && digits <= 7 && (digits == 1 || *start != '0');
  }

 private:
  const char* p_;
  const char* end_;
};

/// The member of a PliSummary a key names, as a bit; 0 for any other key.
unsigned member_bit(std::string_view key) {
  static constexpr std::string_view kKeys[] = {"transaction", "numero_unique", "guichet",
                                               "contexte",    "statut",        "date_transmission",
                                               "date_statut", "nb_pieces"};
  for (unsigned i = 0; i < 8; ++i)
    if (key == kKeys[i]) return 1U << i;
  return 0;
}

/// A status by its exact code without a copy, else as parse_statut reads it (the strict way's
/// reading: the same value whenever both read one).
std::optional<StatutPli> statut_of(std::string_view text) {
  for (const auto& s : statuts())
    if (text == s.code) return s.value;
  auto parsed = parse_statut(text);
  return parsed ? std::optional<StatutPli>(*parsed) : std::nullopt;
}

std::optional<Timestamp> instant_of(std::string_view text) {
  auto parsed = parse_timestamp(text);
  return parsed ? std::optional<Timestamp>(*parsed) : std::nullopt;
}

/// One item of "items", with what decode_pli_summary() requires of each member.
bool read_summary(Scanner& s, PliSummary& p) {
  if (!s.take('{')) return false;
  unsigned seen = 0;
  do {
    std::string_view key, text;
    if (!s.key(key)) return false;
    const unsigned bit = member_bit(key);
    if (bit == 0 || (seen & bit) != 0) return false;  // unknown, or a key twice
    seen |= bit;
    if (key == "nb_pieces") {
      std::int64_t n = 0;
      if (!s.natural(n) || n > 1000000) return false;
      p.nb_pieces = static_cast<int>(n);
      continue;
    }
    if (!s.plain_string(text) || text.empty()) return false;  // all are non-empty strings
    if (key == "transaction") {
      p.transaction = text;
    } else if (key == "numero_unique") {
      p.numero_unique = text;
    } else if (key == "guichet") {
      p.guichet = text;
    } else if (key == "contexte") {
      auto c = parse_contexte(text);
      if (!c) return false;
      p.contexte = *c;
    } else if (key == "statut") {
      auto st = statut_of(text);
      if (!st) return false;
      p.statut = *st;
    } else {
      auto t = instant_of(text);
      if (!t) return false;
      (key == "date_transmission" ? p.date_transmission : p.date_statut) = *t;
    }
  } while (s.take(','));
  return s.take('}') && seen == 0xFFU;
}

bool read_items(Scanner& s, std::vector<PliSummary>& items) {
  if (!s.take('[')) return false;
  if (s.take(']')) return true;
  do {
    if (items.size() == 1000) return false;  // the strict way's limit
    if (!read_summary(s, items.emplace_back())) return false;
  } while (s.take(','));
  return s.take(']');
}

}  // namespace

std::optional<PliPage> read_pli_page(std::string_view text) {
  Scanner s(text);
  PliPage page;
  bool items = false, cursor = false;
  if (!s.take('{')) return std::nullopt;
  do {
    std::string_view key;
    if (!s.key(key)) return std::nullopt;
    if (key == "items" && !items) {
      items = true;
      page.items.reserve(500);
      if (!read_items(s, page.items)) return std::nullopt;
    } else if (key == "next_cursor" && !cursor) {
      cursor = true;
      std::string_view value;
      if (s.null()) continue;
      if (!s.plain_string(value)) return std::nullopt;
      page.next_cursor = value;
    } else {
      return std::nullopt;  // another member, or one twice
    }
  } while (s.take(','));
  if (!s.take('}') || !items || !s.at_end()) return std::nullopt;
  return page;
}

}  // namespace sne::wire
