// The whole of `actorchain diagram` that is not file handling: trace texts in, a drawing out.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "diagram/fold.hpp"
#include "diagram/sequence.hpp"

namespace ac::diagram {

enum class Format { kSvg, kHtml, kMermaid };

struct DrawOptions {
  Format format = Format::kSvg;
  std::vector<std::string> only;  // commands or event kinds to keep; empty: all
  int64_t from_us = std::numeric_limits<int64_t>::min();
  int64_t to_us = std::numeric_limits<int64_t>::max();
  FoldOptions fold;
};

// Parsed, paired, ordered, filtered and folded: what is drawn.
Sequence diagram_model(const std::vector<TraceFile>& files, const DrawOptions& options);

std::string draw(const Sequence& model, Format format);

// A --from/--to time: "+S" (seconds after the first record, fractions allowed), "HH:MM:SS[.f]"
// (local time on the day of the first record), or microseconds since the epoch.
std::optional<int64_t> parse_time(const std::string& text, int64_t first_record_us);

}  // namespace ac::diagram
