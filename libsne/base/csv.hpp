// Internal: CSV records read one at a time from a stream (RFC 4180), for the manifests of
// `sne fiche batch` and `sne bulk`. Knows nothing of the domain.
//
// A record is a line, or several when a quoted field holds line breaks (when allowed). Fields
// are separated by ','; a field that starts with '"' (after spaces) is quoted: '""' in it is one
// quote, and ',' and line breaks in it are text. Characters after the closing quote are kept as
// text (a lenient reading of `"a"b`, as spreadsheets do). Every field is trimmed of surrounding
// ASCII white space, quoted or not. Line breaks are LF, CRLF or a lone CR. A leading UTF-8 BOM is
// skipped (by stream::Input) and blank lines (nothing but white space) are not records. Memory
// is bounded by the limits of Options whatever the input.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/internal_export.hpp"
#include "base/stream.hpp"

namespace sne::csv {

struct Options {
  /// RFC 4180: a quoted field may hold line breaks. When false, a record is one line and a
  /// quote still open at the end of the line is a broken record (reading goes on at the next).
  bool line_breaks_in_quotes = true;
  std::size_t max_field = std::size_t{1} << 20;   ///< bytes of one field
  std::size_t max_record = std::size_t{1} << 20;  ///< bytes of one record, separators included
  std::size_t max_fields = 1024;                  ///< fields of one record
};

struct Record {
  std::vector<std::string> fields;
  std::size_t line = 0;  ///< 1-based line of the input where the record starts
};

enum class Outcome {
  record,          ///< `out` holds the next record
  end,             ///< no more records
  broken_quoting,  ///< (one-line records only) a quote left open at the end of the line
  open_quote,      ///< a quoted field still open at the end of the input
  too_long,        ///< a field or record over its limit, or too many fields
  read_error,      ///< the input failed: Input::error() has the errno
};

class SNE_INTERNAL_EXPORT Reader {
 public:
  Reader(std::unique_ptr<stream::Input> input, Options options = {});

  /// The next record into `out` (its `line` is set whatever the outcome). After broken_quoting,
  /// and after too_long with one-line records, the rest of the faulty line is skipped and
  /// reading may go on; after any other fault, every further call returns end.
  Outcome next(Record& out);

  /// What the input failed with (errno), 0 when it did not.
  int read_error() const noexcept { return input_->error(); }
  /// The largest record read so far, in bytes: what the reader held at most.
  std::size_t peak_record_bytes() const noexcept { return peak_; }

 private:
  void skip_line();

  std::unique_ptr<stream::Input> input_;
  Options options_;
  std::size_t line_ = 1;  ///< the line of the next byte
  std::size_t peak_ = 0;
  bool done_ = false;
};

}  // namespace sne::csv
