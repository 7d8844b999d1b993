// Internal: the text of GLPI tickets. GLPI stores HTML, and GLPI 10 hands stored text back
// HTML-encoded once more; these turn a user's plain text into safe HTML and GLPI's HTML back
// into plain text, and compare category names as a person would. Knows nothing of HTTP.
#pragma once

#include <string>
#include <string_view>

namespace sne::glpi {

/// Plain text as HTML paragraphs: "<p>a &amp; b<br>c</p><p>d</p>". Every character that
/// means something in HTML is escaped; a blank line separates paragraphs; CRLF counts as LF.
std::string text_to_html(std::string_view text);

/// Decodes character references: the named ones HTML text uses (&amp; &lt; &gt; &quot; &apos;
/// &nbsp; and the accented Latin letters of French), decimal and hexadecimal ones. Anything
/// else is left as it is; a reference to an invalid code point becomes U+FFFD.
std::string decode_entities(std::string_view html);

/// HTML as plain text: <br> and the ends of block elements become line breaks, other tags
/// are dropped, character references decoded, and runs of blank lines reduced to one.
/// Content that GLPI 10 encoded once more (&lt;p&gt;) is decoded first.
std::string html_to_text(std::string_view html);

/// A name folded for comparison: lower case (ASCII, the Latin-1 capitals, Œ and Ÿ), runs of
/// white space as one space, none at either end.
std::string fold_name(std::string_view name);

}  // namespace sne::glpi
