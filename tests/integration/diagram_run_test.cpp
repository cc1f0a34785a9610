// The tutorial's scenario with every node traced, drawn by the diagram tool: the diagram model
// holds the tutorial's flows in causal order, and the SVG renders in a real browser with its
// lifelines where the SVG puts them.
#include <gtest/gtest.h>
#include <png.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "diagram/draw.hpp"
#include "diagram/layout.hpp"
#include "tests/integration/process.hpp"

namespace ac::test {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TracedRun : public ::testing::Test {
 protected:
  std::string ok(uint16_t node, const std::vector<std::string>& args) {
    CommandResult r = run_command(node, dir_.path(), args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " on " << node << " failed: " << r.err;
    return r.last_line();
  }
  std::string trace(const std::string& who) const {
    return (dir_.path() / (who + ".jsonl")).string();
  }
  std::unique_ptr<NodeProcess> start(uint16_t node, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"startnode", "--rpc-port", "0", "--connect",
                                     central_endpoint(), "--trace-file",
                                     trace(std::to_string(node)),
                                     // the tutorial's star: only the central as a peer
                                     "--max-outbound", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = std::make_unique<NodeProcess>(node, dir_.path(), args);
    EXPECT_TRUE(process->wait_for("listening on", 30s)) << process->output();
    return process;
  }
  std::string central_endpoint() const { return "127.0.0.1:" + std::to_string(central_); }

  // The demo's run: the central pays the wallet, the wallet syncs, the wallet's send reaches
  // the miner through the central, the miner's block reaches everyone.
  void run_the_demo() {
    std::string central_address = ok(central_, {"createwallet"});
    std::string wallet_address = ok(wallet_, {"createwallet"});
    std::string miner_address = ok(miner_, {"createwallet"});
    ok(central_, {"createblockchain", "--address", central_address});
    ok(central_,
       {"send", "--from", central_address, "--to", wallet_address, "--amount", "2", "--mine"});
    ok(central_,
       {"send", "--from", central_address, "--to", wallet_address, "--amount", "3", "--mine"});
    auto central = start(central_);
    auto wallet = start(wallet_);
    ASSERT_TRUE(wallet->wait_for("new tip height=2", 30s)) << wallet->output();
    EXPECT_EQ(wallet->stop(), 0);
    auto miner = start(miner_, {"--miner", miner_address, "--min-txs", "1"});
    ASSERT_TRUE(miner->wait_for("new tip height=2", 30s)) << miner->output();
    CommandResult sent =
        run_command(wallet_, dir_.path(),
                    {"send", "--from", wallet_address, "--to", miner_address, "--amount", "1",
                     "--connect", central_endpoint(), "--trace-file", trace("send")});
    ASSERT_EQ(sent.exit_code, 0) << sent.err << sent.out;
    ASSERT_TRUE(miner->wait_for("mined block", 60s)) << miner->output();
    ASSERT_TRUE(central->wait_for("new tip height=3", 30s)) << central->output();
    wallet = start(wallet_);
    ASSERT_TRUE(wallet->wait_for("new tip height=3", 30s)) << wallet->output();
    EXPECT_EQ(wallet->stop(), 0);
    EXPECT_EQ(miner->stop(), 0);
    EXPECT_EQ(central->stop(), 0);
  }

  std::vector<diagram::TraceFile> traces() const {
    std::vector<diagram::TraceFile> files;
    for (const std::string& who : {std::to_string(central_), std::to_string(wallet_),
                                   std::to_string(miner_), std::string("send")})
      files.push_back(diagram::parse_trace(read_text(trace(who)), who));
    return files;
  }

  TempDir dir_;
  uint16_t central_ = free_port();
  uint16_t wallet_ = free_port();
  uint16_t miner_ = free_port();
};

// "from>to:command" for each message of the model, in its order.
std::vector<std::string> messages_of(const diagram::Sequence& model) {
  std::vector<std::string> out;
  for (const diagram::Item& item : model.items) {
    if (item.kind != diagram::Item::Kind::kMessage) continue;
    if (item.send_at < 0 || item.recv_at < 0) continue;  // drawn with one end only
    out.push_back(model.lifelines[item.from].id + ">" + model.lifelines[item.to].id + ":" +
                  item.name);
  }
  return out;
}

// Where each of `expected` occurs, in order, each after the previous; -1 for the first missing.
long find_in_order(const std::vector<std::string>& haystack,
                   const std::vector<std::string>& expected, size_t from = 0) {
  size_t at = from;
  for (const std::string& want : expected) {
    while (at < haystack.size() && haystack[at] != want) ++at;
    if (at == haystack.size()) return -1;
    ++at;
  }
  return static_cast<long>(at);
}

TEST_F(TracedRun, DiagramShowsTheTutorialFlowsInCausalOrder) {
  run_the_demo();
  if (HasFatalFailure()) return;
  std::vector<diagram::TraceFile> files = traces();
  for (const auto& file : files) EXPECT_TRUE(file.errors.empty()) << file.errors.front();
  diagram::Sequence model = diagram::diagram_model(files, {});
  for (const std::string& warning : model.warnings) ADD_FAILURE() << warning;

  const std::string c = std::to_string(central_);
  const std::string w = std::to_string(wallet_);
  const std::string m = std::to_string(miner_);
  const std::string client = "send-" + w;
  std::map<std::string, std::string> roles;
  for (const auto& lifeline : model.lifelines) roles[lifeline.id] = lifeline.role;
  EXPECT_EQ(roles[c], "central");
  EXPECT_EQ(roles[w], "wallet");
  EXPECT_EQ(roles[m], "miner");
  EXPECT_EQ(roles[client], "client");  // the send command is not the wallet node
  EXPECT_EQ(model.lifelines.size(), 4u);

  std::vector<std::string> flow = messages_of(model);
  std::string listing;
  for (const std::string& line : flow) listing += line + "\n";
  // The wallet's sync: both versions (they cross on the wire, so either may be sent first),
  // then getblocks, inv, getdata, block.
  long wallet_first = find_in_order(flow, {w + ">" + c + ":version", c + ">" + w + ":version"});
  long central_first = find_in_order(flow, {c + ">" + w + ":version", w + ">" + c + ":version"});
  long versions = wallet_first < 0    ? central_first
                  : central_first < 0 ? wallet_first
                                      : std::min(wallet_first, central_first);
  ASSERT_GE(versions, 0) << listing;
  long sync = find_in_order(flow,
                            {w + ">" + c + ":getblocks", c + ">" + w + ":inv",
                             w + ">" + c + ":getdata", c + ">" + w + ":block"},
                            static_cast<size_t>(versions));
  ASSERT_GE(sync, 0) << listing;
  // The payment: the client's tx to the central, the central's inv to the miner, the miner's
  // getdata and the tx, the miner's block to the central and on to the restarted wallet. The
  // miner's block reaches the central whole or as a cmpctblock (BIP152: a headers announcement
  // on the central's tip is asked for as a compact block), whichever comes first.
  long payment = -1;
  for (const char* body : {":block", ":cmpctblock"}) {
    long at = find_in_order(flow,
                            {client + ">" + c + ":tx", c + ">" + m + ":inv",
                             m + ">" + c + ":getdata", c + ">" + m + ":tx", m + ">" + c + body},
                            static_cast<size_t>(sync));
    if (at >= 0 && (payment < 0 || at < payment)) payment = at;
  }
  ASSERT_GE(payment, 0) << listing;
  bool wallet_gets_block = find_in_order(flow, {c + ">" + w + ":block"}, payment) >= 0 ||
                           find_in_order(flow, {m + ">" + w + ":block"}, payment) >= 0;
  EXPECT_TRUE(wallet_gets_block) << listing;
  // Every file was given: each message of the run is seen at both ends, but for what a node
  // sent while its peer was shutting down.
  EXPECT_GE(model.paired + 4, model.messages);

  // The same through the command, as Mermaid text: one line per message, in that order.
  CommandResult mermaid = run_program(
      ACTORCHAIN_BIN, {"diagram", "--format", "mermaid", "--only", "tx,block,cmpctblock,mined",
                       trace(c), trace(w), trace(m), trace("send")});
  ASSERT_EQ(mermaid.exit_code, 0) << mermaid.err;
  size_t tx = mermaid.out.find("client_send_" + w + "->>central_" + c + ": tx ");
  size_t block = std::min(mermaid.out.find("miner_" + m + "->>central_" + c + ": block "),
                          mermaid.out.find("miner_" + m + "->>central_" + c + ": cmpctblock "));
  EXPECT_NE(tx, std::string::npos) << mermaid.out;
  EXPECT_LT(tx, block) << mermaid.out;
  EXPECT_EQ(mermaid.out.find(": version"), std::string::npos) << "--only tx,block,cmpctblock,mined";
}

struct Png {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;
  const uint8_t* at(int x, int y) const { return &rgba[(static_cast<size_t>(y) * width + x) * 4]; }
};

std::optional<Png> read_png(const std::string& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return std::nullopt;
  image.format = PNG_FORMAT_RGBA;
  Png png;
  png.width = static_cast<int>(image.width);
  png.height = static_cast<int>(image.height);
  png.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, png.rgba.data(), 0, nullptr)) return std::nullopt;
  return png;
}

std::string find_chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(path)) return path;
  return "";
}

// The lifeline colour (#3b6ea5), give or take anti-aliasing.
bool lifeline_pixel(const uint8_t* p) {
  return std::abs(p[0] - 0x3b) < 40 && std::abs(p[1] - 0x6e) < 40 && std::abs(p[2] - 0xa5) < 40;
}

TEST_F(TracedRun, SvgRendersInChromiumWithLifelinesWhereTheSvgSays) {
  std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium not installed (scripts/install-deps.sh)";
  run_the_demo();
  if (HasFatalFailure()) return;
  std::string svg_path = (dir_.path() / "run.svg").string();
  CommandResult drawn =
      run_program(ACTORCHAIN_BIN,
                  {"diagram", "--out", svg_path, trace(std::to_string(central_)),
                   trace(std::to_string(wallet_)), trace(std::to_string(miner_)), trace("send")});
  ASSERT_EQ(drawn.exit_code, 0) << drawn.err;
  std::string svg = read_text(svg_path);

  // What the SVG says: its size and each lifeline's x and vertical extent.
  std::smatch size;
  ASSERT_TRUE(std::regex_search(svg, size, std::regex(R"re(width="(\d+)" height="(\d+)")re")));
  int width = std::stoi(size[1]);
  int height = std::stoi(size[2]);
  std::vector<std::array<int, 3>> lifelines;  // x, top, bottom
  std::regex line(R"re(class="lifeline" x1="(\d+)" y1="(\d+)" x2="\d+" y2="(\d+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line); it != std::sregex_iterator();
       ++it)
    lifelines.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3])});
  ASSERT_EQ(lifelines.size(), 4u);

  std::string shot = (dir_.path() / "shot.png").string();
  CommandResult browser = run_program(
      chromium,
      {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + (dir_.path() / "chromium-profile").string(),
       "--force-device-scale-factor=1", "--hide-scrollbars",
       "--window-size=" + std::to_string(width) + "," + std::to_string(height),
       "--screenshot=" + shot, "file://" + svg_path},
      90s);
  ASSERT_EQ(browser.exit_code, 0) << browser.err;
  auto png = read_png(shot);
  ASSERT_TRUE(png.has_value()) << "no screenshot at " << shot << ": " << browser.err;
  ASSERT_EQ(png->width, width);

  // Not blank: text, boxes and arrows cover a fair share of the page.
  size_t inked = 0;
  for (int y = 0; y < png->height; ++y)
    for (int x = 0; x < png->width; ++x) inked += png->at(x, y)[0] < 200 ? 1 : 0;
  EXPECT_GT(inked, static_cast<size_t>(png->width) * png->height / 100);

  // Each lifeline's column is mostly its colour (notes and labels cross it here and there);
  // the column halfway to the next one is not.
  int bottom = std::min(png->height, lifelines.front()[2]);
  for (size_t i = 0; i < lifelines.size(); ++i) {
    auto [x, top, end] = lifelines[i];
    int on = 0, between = 0, rows = 0;
    int middle = i + 1 < lifelines.size() ? (x + lifelines[i + 1][0]) / 2 : x + 60;
    for (int y = top + 2; y < bottom - 2; ++y, ++rows) {
      on += lifeline_pixel(png->at(x, y)) ? 1 : 0;
      between += middle < png->width && lifeline_pixel(png->at(middle, y)) ? 1 : 0;
    }
    ASSERT_GT(rows, 100);
    EXPECT_GT(on, rows * 6 / 10) << "lifeline " << i << " at x=" << x;
    EXPECT_LT(between, rows / 10) << "column x=" << middle;
  }
}

}  // namespace
}  // namespace ac::test
