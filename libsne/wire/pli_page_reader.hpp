// Internal: the answer of GET /v1/plis read straight from its text, without a JSON tree, when
// it is an ordinary page; anything else goes the strict way (json_reader::parse, then
// decode_pli_page), which accepts or refuses it and names the fault. A page of 500 plis is the
// largest answer of the contract, and a tableau de bord reads 200 of them: building each one's
// tree was half the time of listing 100,000 plis.
#pragma once

#include <optional>
#include <string_view>

#include "sne/pli.hpp"

namespace sne::wire {

/// The page `text` holds, when it is one in the form the service writes: one object with
/// "items" (at most 1,000 objects of the eight members of a PliSummary, each once, none
/// other) and "next_cursor" (null or a string), strings of printable ASCII without escapes,
/// nb_pieces a natural number written plainly, whitespace anywhere JSON allows it. Nothing
/// for any other text, valid or not: duplicate keys, escapes, bytes beyond ASCII, unknown
/// members, numbers written otherwise, a byte-order mark, and every value decode_pli_page()
/// refuses. So it never accepts a text the strict way refuses, and when both accept, the
/// pages are equal (tests/unit/wire_test.cpp and tests/fuzz/fuzz_wire.cpp hold it to that).
std::optional<PliPage> read_pli_page(std::string_view text);

}  // namespace sne::wire
