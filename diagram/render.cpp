#include "diagram/render.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

namespace ac::diagram {

namespace {

constexpr size_t kMaxLabel = 44;    // characters; longer labels are cut with "..."
constexpr double kCharWidth = 7.3;  // monospace 12 px

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
  }
  return out;
}

std::string cut(const std::string& text, size_t limit = kMaxLabel) {
  if (text.size() <= limit) return text;
  std::string out = text.substr(0, limit > 3 ? limit - 3 : 0);
  out.append("...");
  return out;
}

std::string lifeline_title(const Lifeline& lifeline) {
  return lifeline.role.empty() ? lifeline.id : lifeline.id + " (" + lifeline.role + ")";
}

std::string item_classes(const Sequence& sequence, const Item& item) {
  std::set<std::string> classes;
  std::string kind = item.kind == Item::Kind::kMessage ? "message"
                     : item.kind == Item::Kind::kNote  ? "note"
                                                       : "fold";
  classes.insert(kind);
  size_t start = 0;
  while (start <= item.name.size()) {  // a fold's name lists its commands
    size_t slash = item.name.find('/', start);
    if (slash == std::string::npos) slash = item.name.size();
    classes.insert("cmd-" + css_token(item.name.substr(start, slash - start)));
    start = slash + 1;
  }
  std::vector<size_t> lifelines = item.lifelines;
  lifelines.push_back(item.from);
  lifelines.push_back(item.to);
  for (size_t l : lifelines) classes.insert("node-" + css_token(sequence.lifelines[l].id));
  std::string out;
  for (const std::string& c : classes) out += (out.empty() ? "" : " ") + c;
  return out;
}

class Svg {
 public:
  void add(const std::string& text) { out_ += text; }
  template <class... Ts>
  void addf(const char* format, Ts... values) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, format, values...);
    out_ += buffer;
  }
  void text(int x, int y, const std::string& content, const char* anchor = "middle",
            const char* extra = "") {
    addf("<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>", x, y, anchor, extra);
    out_ += xml_escape(content);
    out_ += "</text>\n";
  }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

void draw_message(Svg& svg, const Sequence& sequence, const Layout& layout, size_t index) {
  const Item& item = sequence.items[index];
  int x1 = layout.lifeline_x[item.from];
  int x2 = layout.lifeline_x[item.to];
  int y1 = layout.y_send[index];
  int y2 = layout.y_recv[index];
  bool complete = item.send_at >= 0 && item.recv_at >= 0;
  int direction = x2 >= x1 ? 1 : -1;
  svg.addf(
      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.4\"%s "
      "marker-end=\"url(#head)\"/>\n",
      x1 + 3 * direction, y1, x2 - 6 * direction, y2, complete ? "#222" : "#888",
      complete ? "" : " stroke-dasharray=\"5 3\"");
  svg.text((x1 + x2) / 2, y1 + (y2 - y1) / 3 - 4, cut(item.label));
}

void draw_note(Svg& svg, const Sequence& sequence, const Layout& layout, size_t index) {
  const Item& item = sequence.items[index];
  std::string label = cut(item.label, 40);
  int width = static_cast<int>(label.size() * kCharWidth) + 12;
  int x = layout.lifeline_x[item.from];
  int y = layout.y_send[index];
  svg.addf(
      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"#fff8d6\" "
      "stroke=\"#c9b458\"/>\n",
      x - width / 2, y - Layout::kRow / 2 - 5, width, Layout::kRow - 6);
  svg.text(x, y + 1, label);
}

void draw_fold(Svg& svg, const Sequence& sequence, const Layout& layout, size_t index) {
  const Item& item = sequence.items[index];
  int left = layout.lifeline_x[item.from] - Layout::kColumn / 3;
  int right = layout.lifeline_x[item.to] + Layout::kColumn / 3;
  int top = layout.y_send[index] - Layout::kRow / 2 - 4;
  svg.addf(
      "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#e4eefb\" "
      "fill-opacity=\"0.9\" stroke=\"#5a7fb0\"/>\n",
      left, top, right - left, Layout::kFoldHeight);
  int middle = (left + right) / 2;
  size_t room = static_cast<size_t>((right - left) / kCharWidth) - 2;
  svg.text(middle, top + 20, cut(item.label, room), "middle", " font-weight=\"bold\"");
  svg.text(middle, top + 40, cut(item.detail, room), "middle", " font-size=\"11\"");
  svg.add("<title>" + xml_escape(item.label + ": " + item.detail) + "</title>\n");  // all of it
}

// A Mermaid participant's name: "central_8000", or "node_127_0_0_1_5000" when the role is not
// known.
// Mermaid reads '-' as the start of an arrow: only letters, digits and '_'.
std::string participant(const Lifeline& lifeline) {
  std::string name = css_token(lifeline.id);
  name.insert(0, lifeline.role.empty() ? "node_" : css_token(lifeline.role) + "_");
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace

std::string css_token(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::string clock_of(int64_t time_us) {
  std::time_t seconds = static_cast<std::time_t>(time_us / 1'000'000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min,
                local.tm_sec, static_cast<int>((time_us / 1000) % 1000));
  return buffer;
}

std::string render_svg(const Sequence& sequence, const Layout& layout, const std::string& title) {
  Svg svg;
  svg.addf(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"monospace\" font-size=\"12\">\n",
      layout.width, layout.height, layout.width, layout.height);
  svg.add("<title>" + xml_escape(title) + "</title>\n");
  svg.add(
      "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222\"/>"
      "</marker></defs>\n");
  svg.addf("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", layout.width, layout.height);
  svg.text(8, 20, title, "start", " font-weight=\"bold\"");
  for (size_t i = 0; i < sequence.lifelines.size(); ++i) {
    const Lifeline& lifeline = sequence.lifelines[i];
    int x = layout.lifeline_x[i];
    svg.add("<g class=\"node-" + css_token(lifeline.id) + "\">\n");
    svg.addf(
        "<line class=\"lifeline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#3b6ea5\" "
        "stroke-width=\"3\"%s/>\n",
        x, layout.lifeline_top, x, layout.lifeline_bottom,
        lifeline.traced ? "" : " stroke-dasharray=\"8 4\"");
    svg.addf("<rect x=\"%d\" y=\"30\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#3b6ea5\"/>\n",
             x - Layout::kColumn / 2 + 14, Layout::kColumn - 28, layout.lifeline_top - 30);
    svg.text(x, 52, cut(lifeline_title(lifeline), 28), "middle",
             " fill=\"#ffffff\" font-weight=\"bold\"");
    svg.add("</g>\n");
  }
  for (size_t i = 0; i < sequence.items.size(); ++i) {
    const Item& item = sequence.items[i];
    svg.add("<g class=\"" + item_classes(sequence, item) + "\">\n");
    svg.text(6, layout.y_send[i] + 4, clock_of(item.time_us), "start", " fill=\"#777\"");
    if (item.kind == Item::Kind::kMessage) draw_message(svg, sequence, layout, i);
    if (item.kind == Item::Kind::kNote) draw_note(svg, sequence, layout, i);
    if (item.kind == Item::Kind::kFold) draw_fold(svg, sequence, layout, i);
    svg.add("</g>\n");
  }
  svg.add("</svg>\n");
  return std::move(svg.str());
}

std::string render_html(const Sequence& sequence, const Layout& layout, const std::string& title) {
  std::set<std::string> commands;
  for (const Item& item : sequence.items) {
    if (item.kind == Item::Kind::kNote) continue;
    size_t start = 0;
    while (start <= item.name.size()) {
      size_t slash = item.name.find('/', start);
      if (slash == std::string::npos) slash = item.name.size();
      commands.insert(item.name.substr(start, slash - start));
      start = slash + 1;
    }
  }
  std::string css;
  std::string boxes = "Commands: ";
  for (const std::string& command : commands) {
    std::string token = css_token(command);
    css += "#c-" + token + ":not(:checked) ~ .diagram .cmd-" + token + " { display: none; }\n";
    boxes += "<input type=\"checkbox\" id=\"c-" + token + "\" checked><label for=\"c-" + token +
             "\">" + xml_escape(command) + "</label>\n";
  }
  boxes +=
      "<input type=\"checkbox\" id=\"c-notes\" checked><label for=\"c-notes\">(node "
      "events)</label>\n<br>\nNodes: ";
  css += "#c-notes:not(:checked) ~ .diagram .note { display: none; }\n";
  for (const Lifeline& lifeline : sequence.lifelines) {
    std::string token = css_token(lifeline.id);
    css += "#n-" + token + ":not(:checked) ~ .diagram .node-" + token + " { display: none; }\n";
    boxes += "<input type=\"checkbox\" id=\"n-" + token + "\" checked><label for=\"n-" + token +
             "\">" + xml_escape(lifeline_title(lifeline)) + "</label>\n";
  }
  boxes += "<br>\n";
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<title>" + xml_escape(title) + "</title>\n<style>\n";
  page += "body { font-family: sans-serif; margin: 1em; }\ninput { margin-left: 1em; }\n";
  page += css + "</style>\n</head>\n<body>\n<h1>" + xml_escape(title) + "</h1>\n";
  // The checkboxes are siblings of the diagram, so plain CSS (~) hides what is unchecked.
  page += boxes;
  page += "<div class=\"diagram\">\n" + render_svg(sequence, layout, title) + "</div>\n";
  page += "</body>\n</html>\n";
  return page;
}

std::string render_mermaid(const Sequence& sequence) {
  auto clean = [](std::string text) {
    for (char& c : text)
      if (c == ';' || c == '#' || c == '\n') c = ' ';
    return text;
  };
  std::string out = "sequenceDiagram\n";
  for (size_t i = 0; i < sequence.lifelines.size(); ++i)
    out += "  participant " + participant(sequence.lifelines[i]) + " as " +
           clean(lifeline_title(sequence.lifelines[i])) + "\n";
  for (const Item& item : sequence.items) {
    std::string from = participant(sequence.lifelines[item.from]);
    std::string to = participant(sequence.lifelines[item.to]);
    switch (item.kind) {
      case Item::Kind::kMessage: {
        bool complete = item.send_at >= 0 && item.recv_at >= 0;
        out += "  " + from + (complete ? "->>" : "--)") + to + ": " + clean(item.label) + "\n";
        break;
      }
      case Item::Kind::kNote:
        out += "  Note over " + from + ": " + clean(cut(item.label, 60)) + "\n";
        break;
      case Item::Kind::kFold:
        out += "  Note over " + from + (item.from == item.to ? "" : "," + to) + ": " +
               clean(item.label) + "<br/>" + clean(item.detail) + "\n";
        break;
    }
  }
  return out;
}

}  // namespace ac::diagram
