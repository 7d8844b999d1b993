#include "pack/pdf_writer.hpp"

#include <cmath>

#include <fmt/format.h>

namespace sne::pack {

std::string pdf_number(double value) {
  if (!std::isfinite(value)) return "0";
  std::string s = fmt::format("{:.4f}", value);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

PdfWriter::PdfWriter(ByteSink& sink, std::string_view version) : sink_(sink) {
  // The comment of bytes over 127 tells transfer programs that the file is binary.
  put(fmt::format("%PDF-{}\n%\xE2\xE3\xCF\xD3\n", version));
}

void PdfWriter::put(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  if (!sink_.write(bytes)) {
    failed_ = true;
    return;
  }
  offset_ += bytes.size();
}

int PdfWriter::reserve() {
  offsets_.push_back(0);
  return static_cast<int>(offsets_.size());
}

void PdfWriter::begin(int number) {
  offsets_.at(static_cast<std::size_t>(number - 1)) = offset_;
  put(fmt::format("{} 0 obj\n", number));
}

void PdfWriter::object(int number, std::string_view body) {
  begin(number);
  put(body);
  put("\nendobj\n");
}

void PdfWriter::stream(int number, std::string_view dict_entries,
                       const std::vector<std::string_view>& parts) {
  std::uint64_t length = 0;
  for (auto p : parts) length += p.size();
  begin(number);
  put(fmt::format("<< {} /Length {} >>\nstream\n", dict_entries, length));
  for (auto p : parts) put(p);
  put("\nendstream\nendobj\n");
}

bool PdfWriter::finish(int root, int info) {
  const std::uint64_t xref = offset_;
  std::string table = fmt::format("xref\n0 {}\n0000000000 65535 f \n", offsets_.size() + 1);
  bool complete = true;
  for (auto off : offsets_) {
    if (off == 0) complete = false;
    table += fmt::format("{:010} 00000 n \n", off);
  }
  put(table);
  put(fmt::format("trailer\n<< /Size {} /Root {} 0 R{} >>\nstartxref\n{}\n%%EOF\n",
                  offsets_.size() + 1, root, info > 0 ? fmt::format(" /Info {} 0 R", info) : "",
                  xref));
  return complete && !failed_;
}

}  // namespace sne::pack
