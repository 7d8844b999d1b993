#include "sne/json.hpp"

#include <cmath>

#include <fmt/format.h>

#include "base/text.hpp"

namespace sne {

namespace {

void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || c == 0x7F)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // Copy a well-formed UTF-8 sequence, or write U+FFFD for one bad byte.
    if (const std::size_t len = text::utf8_sequence(s, i); len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out += '"';
}

void newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

}  // namespace

Json& Json::push(Json value) {
  if (is_null()) v_ = Array{};
  std::get<Array>(v_).push_back(std::move(value));
  return *this;
}

Json& Json::set(std::string_view key, Json value) {
  if (is_null()) v_ = Object{};
  auto& members = std::get<Object>(v_);
  for (auto& [k, v] : members)
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  members.emplace_back(std::string(key), std::move(value));
  return *this;
}

const Json::Object& Json::members() const noexcept {
  static const Object kNone;
  const auto* o = std::get_if<Object>(&v_);
  return o != nullptr ? *o : kNone;
}

std::size_t Json::size() const noexcept {
  if (const auto* a = std::get_if<Array>(&v_)) return a->size();
  if (const auto* o = std::get_if<Object>(&v_)) return o->size();
  return 0;
}

std::string Json::dump(int indent) const {
  std::string out;
  write(out, indent, 0);
  return out;
}

void Json::write(std::string& out, int indent, int depth) const {
  switch (v_.index()) {
    case 0: out += "null"; break;
    case 1: out += std::get<bool>(v_) ? "true" : "false"; break;
    case 2: out += fmt::format("{}", std::get<std::int64_t>(v_)); break;
    case 3: {
      const double d = std::get<double>(v_);
      out += std::isfinite(d) ? fmt::format("{}", d) : "null";
      break;
    }
    case 4: write_string(out, std::get<std::string>(v_)); break;
    case 5: {
      const auto& a = std::get<Array>(v_);
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0) out += ',';
        newline(out, indent, depth + 1);
        a[i].write(out, indent, depth + 1);
      }
      if (!a.empty()) newline(out, indent, depth);
      out += ']';
      break;
    }
    case 6: {
      const auto& o = std::get<Object>(v_);
      out += '{';
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i > 0) out += ',';
        newline(out, indent, depth + 1);
        write_string(out, o[i].first);
        out += indent < 0 ? ":" : ": ";
        o[i].second.write(out, indent, depth + 1);
      }
      if (!o.empty()) newline(out, indent, depth);
      out += '}';
      break;
    }
  }
}

}  // namespace sne
