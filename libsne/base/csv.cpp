#include "base/csv.hpp"

#include <algorithm>

#include "base/text.hpp"

namespace sne::csv {

Reader::Reader(std::unique_ptr<stream::Input> input, Options options)
    : input_(std::move(input)), options_(options) {}

void Reader::skip_line() {
  for (int c = input_->get(); c >= 0; c = input_->get()) {
    if (c == '\n') break;
    if (c == '\r') {
      if (input_->peek() == '\n') input_->get();
      break;
    }
  }
  ++line_;
}

Outcome Reader::next(Record& out) {
  for (;;) {
    out.fields.clear();
    out.line = line_;
    if (done_) return Outcome::end;
    std::string field;
    bool quoted = false;      // inside the quotes of a field
    bool was_quoted = false;  // the current field has had its quotes
    bool any = false;         // a byte of this record was read
    std::size_t bytes = 0;    // of this record, its final line break aside
    auto too_long = [&] {
      peak_ = std::max(peak_, bytes);
      out.fields.clear();
      if (options_.line_breaks_in_quotes) {
        done_ = true;
      } else {
        skip_line();
      }
      return Outcome::too_long;
    };
    auto end_field = [&] {
      out.fields.emplace_back(text::trim(field));
      field.clear();
      was_quoted = false;
    };
    for (;;) {
      const int c = input_->get();
      if (c < 0) {
        if (input_->error() != 0) {
          done_ = true;
          return Outcome::read_error;
        }
        if (!any) {
          done_ = true;
          return Outcome::end;
        }
        if (quoted) {
          done_ = true;
          out.fields.clear();
          return options_.line_breaks_in_quotes ? Outcome::open_quote : Outcome::broken_quoting;
        }
        end_field();
        break;
      }
      any = true;
      const bool line_break = c == '\n' || c == '\r';
      if (line_break && !quoted) {
        if (c == '\r' && input_->peek() == '\n') input_->get();
        ++line_;
        end_field();
        break;
      }
      if (line_break && !options_.line_breaks_in_quotes) {  // and quoted: the quote is left open
        if (c == '\r' && input_->peek() == '\n') input_->get();
        ++line_;
        out.fields.clear();
        return Outcome::broken_quoting;
      }
      if (++bytes > options_.max_record) return too_long();
      if (quoted) {
        if (c == '"') {
          if (input_->peek() == '"') {
            input_->get();
            if (++bytes > options_.max_record) return too_long();
            field.push_back('"');
          } else {
            quoted = false;
          }
        } else {
          field.push_back(static_cast<char>(c));
          if (line_break) {
            if (c == '\r' && input_->peek() == '\n') {
              input_->get();
              if (++bytes > options_.max_record) return too_long();
              field.push_back('\n');
            }
            ++line_;
          }
        }
      } else if (c == ',') {
        end_field();
        if (out.fields.size() >= options_.max_fields) return too_long();
        continue;
      } else if (c == '"' && !was_quoted && text::trim(field).empty()) {
        field.clear();  // spaces before an opening quote are not part of the field
        quoted = was_quoted = true;
        continue;
      } else {
        field.push_back(static_cast<char>(c));
      }
      if (field.size() > options_.max_field) return too_long();
    }
    peak_ = std::max(peak_, bytes);
    if (out.fields.size() == 1 && out.fields[0].empty()) continue;  // a blank line
    return Outcome::record;
  }
}

}  // namespace sne::csv
