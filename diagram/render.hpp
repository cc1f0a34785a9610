// Draws a laid-out sequence: a self-contained SVG (no scripts, no fonts or files from
// elsewhere), an HTML page around it with a filter by command and node (plain CSS, works
// offline, no scripts either), or Mermaid text for docs.
#pragma once

#include <string>

#include "diagram/layout.hpp"
#include "diagram/sequence.hpp"

namespace ac::diagram {

std::string render_svg(const Sequence& sequence, const Layout& layout, const std::string& title);
std::string render_html(const Sequence& sequence, const Layout& layout, const std::string& title);
std::string render_mermaid(const Sequence& sequence);

// A word safe in an XML attribute, a CSS class and an HTML id: [A-Za-z0-9_-] only.
std::string css_token(const std::string& text);

// "16:19:14.019": local wall time with milliseconds.
std::string clock_of(int64_t time_us);

}  // namespace ac::diagram
