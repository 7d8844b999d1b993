#include "sne/catalog.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "base/json_reader.hpp"
#include "base/text.hpp"
#include "catalog/catalog_embed.hpp"

namespace sne {

namespace {

constexpr int kSchema = 1;
constexpr std::uint64_t kMaxFileBytes = 4u << 20;
constexpr std::int64_t kMaxPieceBytes = std::int64_t{1} << 40;

constexpr std::array<std::pair<Format, std::string_view>, 3> kFormats{
    {{Format::pdf, "pdf"}, {Format::jpeg, "jpeg"}, {Format::png, "png"}}};
constexpr std::array<std::pair<Perimetre, std::string_view>, 2> kPerimetres{
    {{Perimetre::reglementaire, "reglementaire"}, {Perimetre::hors_perimetre, "hors_perimetre"}}};
constexpr std::array<std::pair<Requirement, std::string_view>, 3> kRequirements{
    {{Requirement::complementaire, "complementaire"},
     {Requirement::enregistrement, "enregistrement"},
     {Requirement::instruction, "instruction"}}};
constexpr std::array<std::pair<ValidityRule::Kind, std::string_view>, 4> kRules{
    {{ValidityRule::Kind::none, "none"},
     {ValidityRule::Kind::unexpired, "unexpired"},
     {ValidityRule::Kind::issued_within, "issued_within"},
     {ValidityRule::Kind::tax_year, "tax_year"}}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return {};
}

template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string choices(const std::array<std::pair<E, std::string_view>, N>& table) {
  std::string out;
  for (const auto& entry : table) out += (out.empty() ? "" : ", ") + std::string(entry.second);
  return out;
}

template <class E, std::size_t N>
E read_enum(const json_reader::Node& node,
            const std::array<std::pair<E, std::string_view>, N>& table) {
  const std::string s = node.string();
  if (auto v = value_of(table, s)) return *v;
  node.fail(i18n::format(N_("unknown value '{}' (expected {})"), printable(s), choices(table)));
}

bool is_code(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string read_code(const json_reader::Node& node) {
  std::string s = node.string();
  if (!is_code(s))
    node.fail(i18n::format(N_("'{}' is not a code: lower-case ASCII letters, digits and '_', "
                              "starting with a letter"),
                           printable(s)));
  return s;
}

std::vector<Format> read_formats(const json_reader::Node& node) {
  std::vector<Format> out;
  for (const auto& item : node.items(kFormats.size())) {
    const Format f = read_enum(item, kFormats);
    if (std::find(out.begin(), out.end(), f) != out.end())
      item.fail(i18n::format(N_("format listed twice")));
    out.push_back(f);
  }
  if (out.empty()) node.fail(i18n::format(N_("expected at least one format")));
  return out;
}

ValidityRule read_validity(const json_reader::Node& node) {
  ValidityRule rule;
  rule.kind = read_enum(node.at("rule"), kRules);
  switch (rule.kind) {
    case ValidityRule::Kind::none:
    case ValidityRule::Kind::unexpired: node.expect_keys({"rule"}); break;
    case ValidityRule::Kind::issued_within:
      node.expect_keys({"rule", "months"});
      rule.months = static_cast<int>(node.at("months").integer(1, 120));
      break;
    case ValidityRule::Kind::tax_year: {
      node.expect_keys({"rule", "years_back"});
      const auto years = node.at("years_back");
      for (const auto& item : years.items(5)) {
        const int k = static_cast<int>(item.integer(0, 5));
        if (std::find(rule.years_back.begin(), rule.years_back.end(), k) != rule.years_back.end())
          item.fail(i18n::format(N_("offset listed twice")));
        rule.years_back.push_back(k);
      }
      if (rule.years_back.empty())
        years.fail(i18n::format(N_("expected at least one year offset")));
      break;
    }
  }
  return rule;
}

}  // namespace

std::string_view to_string(Perimetre p) noexcept { return name_of(kPerimetres, p); }

std::string_view label_fr(Perimetre p) noexcept {
  return p == Perimetre::reglementaire ? "Périmètre réglementaire" : "Hors périmètre réglementaire";
}

std::string_view to_string(Requirement r) noexcept { return name_of(kRequirements, r); }

std::string_view to_string(ValidityRule::Kind k) noexcept { return name_of(kRules, k); }

Result<Catalog> Catalog::from_json(std::string_view text, std::string_view origin) {
  nlohmann::json doc;
  if (auto st = json_reader::parse(text, doc); !st) {
    Error e = st.error();
    return e.prefixed(origin);
  }
  auto result = json_reader::read([&] {
    const json_reader::Node root(doc, "");
    root.expect_keys({"schema", "version", "source", "defaults", "rubriques"});
    const auto schema = root.at("schema");
    if (schema.integer(0, 1000) != kSchema)
      schema.fail(i18n::format(N_("schema {} is not supported (this libsne reads schema {})"),
                               schema.raw().dump(), kSchema));
    Catalog c;
    c.version_ = root.at("version").string();
    c.source_ = root.at("source").string();

    const auto defaults = root.at("defaults");
    defaults.expect_keys({"formats", "max_bytes", "max_pieces"});
    c.default_formats_ = read_formats(defaults.at("formats"));
    c.default_max_bytes_ =
        static_cast<std::uint64_t>(defaults.at("max_bytes").integer(1, kMaxPieceBytes));
    c.default_max_pieces_ = static_cast<int>(defaults.at("max_pieces").integer(1, 20));

    std::vector<std::string> seen_types;
    for (const auto& rnode : root.at("rubriques").items(100)) {
      rnode.expect_keys({"code", "label", "types"});
      Rubrique r;
      const auto rcode = rnode.at("code");
      r.code = read_code(rcode);
      if (c.find_rubrique(r.code) != nullptr)
        rcode.fail(i18n::format(N_("rubrique '{}' is defined twice"), r.code));
      r.label = rnode.at("label").string();
      for (const auto& tnode : rnode.at("types").items(1000)) {
        tnode.expect_keys({"code", "label", "perimetre", "required", "validity", "sensitive",
                           "formats", "max_bytes", "max_pieces"});
        PieceType t;
        const auto tcode = tnode.at("code");
        t.code = read_code(tcode);
        if (std::find(seen_types.begin(), seen_types.end(), t.code) != seen_types.end())
          tcode.fail(i18n::format(N_("type '{}' is defined twice"), t.code));
        seen_types.push_back(t.code);
        t.label = tnode.at("label").string();
        t.rubrique = r.code;
        t.perimetre = read_enum(tnode.at("perimetre"), kPerimetres);
        if (auto req = tnode.find("required")) t.required = read_enum(*req, kRequirements);
        t.validity = read_validity(tnode.at("validity"));
        t.sensitive = tnode.at("sensitive").boolean();
        auto formats = tnode.find("formats");
        t.formats = formats ? read_formats(*formats) : c.default_formats_;
        auto max_bytes = tnode.find("max_bytes");
        t.max_bytes = max_bytes ? static_cast<std::uint64_t>(max_bytes->integer(1, kMaxPieceBytes))
                                : c.default_max_bytes_;
        auto max_pieces = tnode.find("max_pieces");
        t.max_pieces =
            max_pieces ? static_cast<int>(max_pieces->integer(1, 20)) : c.default_max_pieces_;
        r.types.push_back(std::move(t));
      }
      c.rubriques_.push_back(std::move(r));
    }
    if (c.rubriques_.empty())
      root.at("rubriques").fail(i18n::format(N_("expected at least one rubrique")));
    return c;
  });
  if (!result) {
    Error e = result.error();
    return e.prefixed(origin);
  }
  return result;
}

Result<Catalog> Catalog::load_file(const std::string& path) {
  auto text = file::read_all(path, kMaxFileBytes);
  if (!text) return text.error();
  return from_json(*text, path);
}

const Catalog& Catalog::builtin() {
  // The embedded document is checked by the unit tests; value() cannot throw in a release.
  static const Catalog catalog = from_json(catalog_embed::json(), "builtin catalog").value();
  return catalog;
}

const PieceType* Catalog::find_type(std::string_view code) const noexcept {
  for (const auto& r : rubriques_)
    for (const auto& t : r.types)
      if (t.code == code) return &t;
  return nullptr;
}

const Rubrique* Catalog::find_rubrique(std::string_view code) const noexcept {
  for (const auto& r : rubriques_)
    if (r.code == code) return &r;
  return nullptr;
}

std::size_t Catalog::type_count() const noexcept {
  std::size_t n = 0;
  for (const auto& r : rubriques_) n += r.types.size();
  return n;
}

std::string Catalog::to_json() const {
  using nlohmann::ordered_json;
  auto formats_json = [](const std::vector<Format>& formats) {
    ordered_json a = ordered_json::array();
    for (Format f : formats) a.push_back(std::string(to_string(f)));
    return a;
  };
  ordered_json doc;
  doc["schema"] = kSchema;
  doc["version"] = version_;
  doc["source"] = source_;
  doc["defaults"] = {{"formats", formats_json(default_formats_)},
                     {"max_bytes", default_max_bytes_},
                     {"max_pieces", default_max_pieces_}};
  doc["rubriques"] = ordered_json::array();
  for (const auto& r : rubriques_) {
    ordered_json rj;
    rj["code"] = r.code;
    rj["label"] = r.label;
    rj["types"] = ordered_json::array();
    for (const auto& t : r.types) {
      ordered_json tj;
      tj["code"] = t.code;
      tj["label"] = t.label;
      tj["perimetre"] = std::string(to_string(t.perimetre));
      if (t.required != Requirement::complementaire)
        tj["required"] = std::string(to_string(t.required));
      ordered_json v;
      v["rule"] = std::string(to_string(t.validity.kind));
      if (t.validity.kind == ValidityRule::Kind::issued_within) v["months"] = t.validity.months;
      if (t.validity.kind == ValidityRule::Kind::tax_year) v["years_back"] = t.validity.years_back;
      tj["validity"] = v;
      tj["sensitive"] = t.sensitive;
      if (t.formats != default_formats_) tj["formats"] = formats_json(t.formats);
      if (t.max_bytes != default_max_bytes_) tj["max_bytes"] = t.max_bytes;
      if (t.max_pieces != default_max_pieces_) tj["max_pieces"] = t.max_pieces;
      rj["types"].push_back(std::move(tj));
    }
    doc["rubriques"].push_back(std::move(rj));
  }
  return doc.dump(2);
}

}  // namespace sne
