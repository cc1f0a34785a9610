// `actorchain diagram`: reads trace files, writes the sequence diagram of the run.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "apps/commands.hpp"
#include "diagram/draw.hpp"

namespace ac::app {

namespace {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("trace-unreadable", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int draw_diagram(const DiagramOptions& options) {
  std::vector<diagram::TraceFile> files;
  for (const std::string& path : options.traces) {
    auto text = read_file(path);
    if (!text) {
      print_error(text.error());
      return 1;
    }
    files.push_back(diagram::parse_trace(*text, path));
  }
  int64_t first_us = std::numeric_limits<int64_t>::max();
  for (const auto& file : files)
    if (!file.records.empty()) first_us = std::min(first_us, file.records.front().time_us);
  if (first_us == std::numeric_limits<int64_t>::max()) first_us = 0;

  diagram::DrawOptions draw_options;
  draw_options.format = options.format == "html"      ? diagram::Format::kHtml
                        : options.format == "mermaid" ? diagram::Format::kMermaid
                                                      : diagram::Format::kSvg;
  draw_options.only = options.only;
  for (auto [text, target] : {std::pair{&options.from, &draw_options.from_us},
                              std::pair{&options.to, &draw_options.to_us}}) {
    if (text->empty()) continue;
    auto time = diagram::parse_time(*text, first_us);
    if (!time) {
      print_error(make_error("bad-time", *text + " (use +SECONDS, HH:MM:SS.mmm or microseconds)"));
      return 2;
    }
    *target = *time;
  }

  diagram::Sequence model = diagram::diagram_model(files, draw_options);
  for (const std::string& warning : model.warnings) fmt::print(stderr, "warning: {}\n", warning);
  std::string drawing = diagram::draw(model, draw_options.format);
  if (options.out.empty() || options.out == "-") {
    std::fwrite(drawing.data(), 1, drawing.size(), stdout);
    return 0;
  }
  std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
  out << drawing;
  out.close();
  if (!out) {
    print_error(make_error("diagram-write-failed", options.out));
    return 1;
  }
  fmt::print("{}\n", options.out);
  return 0;
}

}  // namespace ac::app
