#include "diagram/draw.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "diagram/layout.hpp"
#include "diagram/render.hpp"

namespace ac::diagram {

Sequence diagram_model(const std::vector<TraceFile>& files, const DrawOptions& options) {
  Sequence merged = build_sequence(files);
  return fold_sequence(filter_sequence(merged, options.only, options.from_us, options.to_us),
                       options.fold);
}

std::string draw(const Sequence& model, Format format) {
  if (format == Format::kMermaid) return render_mermaid(model);
  std::string title = std::to_string(model.lifelines.size()) + " nodes, " +
                      std::to_string(model.messages) + " messages (" +
                      std::to_string(model.paired) + " seen at both ends)";
  Layout layout = lay_out(model);
  return format == Format::kHtml ? render_html(model, layout, title)
                                 : render_svg(model, layout, title);
}

std::optional<int64_t> parse_time(const std::string& text, int64_t first_record_us) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  if (text[0] == '+') {
    double seconds = std::strtod(text.c_str() + 1, &end);
    if (end == text.c_str() + 1 || *end != '\0' || !std::isfinite(seconds)) return std::nullopt;
    return first_record_us + static_cast<int64_t>(std::llround(seconds * 1e6));
  }
  int hours = 0, minutes = 0, consumed = 0;
  double seconds = 0;
  if (std::sscanf(text.c_str(), "%2d:%2d:%lf%n", &hours, &minutes, &seconds, &consumed) == 3 &&
      consumed == static_cast<int>(text.size())) {
    if (hours > 23 || minutes > 59 || seconds < 0 || seconds >= 61) return std::nullopt;
    std::time_t day = static_cast<std::time_t>(first_record_us / 1'000'000);
    std::tm local{};
    localtime_r(&day, &local);
    local.tm_hour = hours;
    local.tm_min = minutes;
    local.tm_sec = 0;
    local.tm_isdst = -1;
    std::time_t at = std::mktime(&local);
    return static_cast<int64_t>(at) * 1'000'000 + static_cast<int64_t>(std::llround(seconds * 1e6));
  }
  long long micros = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return micros;
}

}  // namespace ac::diagram
