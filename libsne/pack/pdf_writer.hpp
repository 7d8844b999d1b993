// Internal: a small PDF writer for documents of images. It writes objects in the order it is
// given them, straight to a sink (nothing is kept but the objects' offsets), then the
// cross-reference table and the trailer. No dates, ids or dictionaries are added on its own,
// so the same calls give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sne::pack {

/// Where the bytes of a PDF go. write() returns false on failure; the writer then stops
/// writing and reports the failure from finish().
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual bool write(std::string_view bytes) = 0;
};

/// A sink that keeps everything in memory (for tests).
class StringSink : public ByteSink {
 public:
  bool write(std::string_view bytes) override {
    data.append(bytes);
    return true;
  }
  std::string data;
};

/// A PDF number: fixed notation, at most 4 decimals, no trailing zeros, never "-0".
std::string pdf_number(double value);

/// Writes one PDF. Not thread-safe; one writer per document.
class PdfWriter {
 public:
  /// Writes the header (%PDF-`version` and a binary comment line).
  PdfWriter(ByteSink& sink, std::string_view version);

  /// A new object number (1, 2, ...), to refer to before the object is written.
  int reserve();
  /// Writes object `number` (reserved, not yet written) holding `body` (a dictionary, array...).
  void object(int number, std::string_view body);
  /// Writes object `number` as a stream: `dict_entries` (dictionary entries without << >> and
  /// without /Length) and its data, the concatenation of `parts`.
  void stream(int number, std::string_view dict_entries,
              const std::vector<std::string_view>& parts);
  /// Writes the cross-reference table and the trailer naming `root` (and `info` when > 0).
  /// False when a write failed or an object reserved was never written.
  bool finish(int root, int info = 0);

  std::uint64_t bytes_written() const noexcept { return offset_; }

 private:
  void put(std::string_view bytes);
  void begin(int number);

  ByteSink& sink_;
  std::uint64_t offset_ = 0;
  bool failed_ = false;
  std::vector<std::uint64_t> offsets_;  ///< by object number - 1; 0 until written
};

}  // namespace sne::pack
