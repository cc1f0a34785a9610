#include "diagram/sequence.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

namespace ac::diagram {

namespace {

// How far ahead in a connection's receives a send's match is looked for: a receiver skips
// only what it could not decode, so a match is near or absent.
constexpr size_t kAlignWindow = 64;

// One connection as one node traced it: a run of a node (restarted nodes number their
// connections anew) and the connection's number in that run.
struct Connection {
  size_t file = 0;
  std::string node;
  std::string local;
  std::string peer;
  std::string peer_node;  // the last one known
  int64_t first_time_us = 0;
  std::vector<size_t> sends;  // record ids, in order
  std::vector<size_t> recvs;
  long match = -1;
};

class Builder {
 public:
  explicit Builder(const std::vector<TraceFile>& files) : files_(files) {}

  Sequence build() {
    flatten();
    group_connections();
    traced_lifelines();
    match_connections();
    for (size_t c = 0; c < connections_.size(); ++c) {
      long m = connections_[c].match;
      if (m > static_cast<long>(c)) {
        align(connections_[c].sends, connections_[m].recvs);
        align(connections_[m].sends, connections_[c].recvs);
      }
    }
    make_items(causal_order());
    return std::move(out_);
  }

 private:
  void flatten() {
    for (size_t f = 0; f < files_.size(); ++f) {
      first_id_.push_back(records_.size());
      for (const Record& record : files_[f].records) {
        records_.push_back(&record);
        file_of_.push_back(f);
      }
      for (const std::string& error : files_[f].errors) out_.warnings.push_back(error);
    }
    first_id_.push_back(records_.size());
    pair_of_.assign(records_.size(), -1);
    connection_of_.assign(records_.size(), -1);
  }

  void group_connections() {
    std::map<std::tuple<size_t, int, int64_t>, size_t> index;
    for (size_t f = 0; f < files_.size(); ++f) {
      int run = 0;
      for (size_t id = first_id_[f]; id < first_id_[f + 1]; ++id) {
        const Record& r = *records_[id];
        if (!r.is_message && r.event == "start") ++run;
        if (r.conn < 0) continue;
        auto [it, fresh] = index.try_emplace({f, run, r.conn}, connections_.size());
        if (fresh) {
          Connection c;
          c.file = f;
          c.node = r.node;
          c.first_time_us = r.time_us;
          connections_.push_back(std::move(c));
        }
        Connection& c = connections_[it->second];
        if (!r.local.empty()) c.local = r.local;
        if (!r.peer.empty()) c.peer = r.peer;
        if (!r.peer_node.empty()) c.peer_node = r.peer_node;
        connection_of_[id] = static_cast<long>(it->second);
        if (r.is_message) (r.sent ? c.sends : c.recvs).push_back(id);
      }
    }
  }

  // Traced nodes first, in the order they started writing; their roles from "start" events.
  void traced_lifelines() {
    std::vector<std::pair<int64_t, std::string>> firsts;
    std::map<std::string, int64_t> first_time;
    std::map<std::string, std::string> roles;
    for (const Record* r : records_) {
      auto [it, fresh] = first_time.try_emplace(r->node, r->time_us);
      if (!fresh) it->second = std::min(it->second, r->time_us);
      if (!r->is_message && r->event == "start" && !r->role.empty()) roles[r->node] = r->role;
    }
    for (const auto& [node, time] : first_time) firsts.emplace_back(time, node);
    std::sort(firsts.begin(), firsts.end());
    for (const auto& [time, node] : firsts) {
      lifeline(node).traced = true;
      if (auto role = roles.find(node); role != roles.end()) lifeline(node).role = role->second;
    }
  }

  Lifeline& lifeline(const std::string& id) { return out_.lifelines[lifeline_index(id)]; }

  size_t lifeline_index(const std::string& id) {
    auto [it, fresh] = lifeline_of_.try_emplace(id, out_.lifelines.size());
    if (fresh) out_.lifelines.push_back(Lifeline{id, "", false});
    return it->second;
  }

  // One end's (local, peer) is the other's (peer, local); among several (a port reused), the
  // one that began closest in time.
  void match_connections() {
    std::multimap<std::pair<std::string, std::string>, size_t> by_endpoints;
    for (size_t c = 0; c < connections_.size(); ++c)
      if (!connections_[c].local.empty() && !connections_[c].peer.empty())
        by_endpoints.emplace(std::make_pair(connections_[c].local, connections_[c].peer), c);
    for (size_t c = 0; c < connections_.size(); ++c) {
      Connection& mine = connections_[c];
      if (mine.match >= 0 || mine.local.empty() || mine.peer.empty()) continue;
      auto [begin, end] = by_endpoints.equal_range({mine.peer, mine.local});
      long best = -1;
      int64_t best_gap = 0;
      for (auto it = begin; it != end; ++it) {
        const Connection& other = connections_[it->second];
        if (other.match >= 0 || other.file == mine.file) continue;
        int64_t gap = std::llabs(other.first_time_us - mine.first_time_us);
        if (best < 0 || gap < best_gap) {
          best = static_cast<long>(it->second);
          best_gap = gap;
        }
      }
      if (best < 0) continue;
      mine.match = best;
      connections_[best].match = static_cast<long>(c);
    }
  }

  void align(const std::vector<size_t>& sends, const std::vector<size_t>& recvs) {
    size_t next = 0;
    for (size_t send : sends) {
      const Record& s = *records_[send];
      for (size_t k = next; k < recvs.size() && k < next + kAlignWindow; ++k) {
        const Record& r = *records_[recvs[k]];
        if (r.command == s.command && r.checksum == s.checksum) {
          pair_of_[send] = static_cast<long>(recvs[k]);
          pair_of_[recvs[k]] = static_cast<long>(send);
          next = k + 1;
          break;
        }
      }
    }
  }

  // Kahn's algorithm over each file's order plus send-before-receive, taking among the ready
  // records the earliest by wall clock. Clocks of different machines may disagree; the
  // constraints win over them.
  std::vector<size_t> causal_order() {
    std::vector<size_t> cursor(first_id_.begin(), first_id_.end() - 1);
    std::vector<bool> done(records_.size(), false);
    std::vector<size_t> order;
    order.reserve(records_.size());
    while (order.size() < records_.size()) {
      long pick = -1;
      long fallback = -1;
      for (size_t f = 0; f < files_.size(); ++f) {
        if (cursor[f] >= first_id_[f + 1]) continue;
        size_t id = cursor[f];
        auto earlier = [&](long other) {
          return other < 0 || records_[id]->time_us < records_[other]->time_us;
        };
        if (earlier(fallback)) fallback = static_cast<long>(id);
        const Record& r = *records_[id];
        bool ready = r.sent || !r.is_message || pair_of_[id] < 0 || done[pair_of_[id]];
        if (ready && earlier(pick)) pick = static_cast<long>(id);
      }
      if (pick < 0) {  // only a wrong pairing can cause this; stay total
        out_.warnings.push_back("causal order broken at " + files_[file_of_[fallback]].name);
        pick = fallback;
      }
      done[pick] = true;
      order.push_back(static_cast<size_t>(pick));
      ++cursor[file_of_[pick]];
    }
    return order;
  }

  // The lifeline at the other end of a record's connection.
  size_t peer_lifeline(size_t id) {
    const Record& r = *records_[id];
    long c = connection_of_[id];
    if (c >= 0) {
      const Connection& connection = connections_[c];
      if (connection.match >= 0) return lifeline_index(connections_[connection.match].node);
      if (!connection.peer_node.empty()) return lifeline_index(connection.peer_node);
      if (!connection.peer.empty()) return lifeline_index(connection.peer);
    }
    if (!r.peer_node.empty()) return lifeline_index(r.peer_node);
    return lifeline_index(r.peer.empty() ? "?" : r.peer);
  }

  void make_items(const std::vector<size_t>& order) {
    std::vector<long> item_of(records_.size(), -1);
    for (size_t pos = 0; pos < order.size(); ++pos) {
      size_t id = order[pos];
      const Record& r = *records_[id];
      if (r.is_message && !r.sent && pair_of_[id] >= 0) {
        Item& item = out_.items[item_of[pair_of_[id]]];
        item.recv_at = static_cast<long>(pos);
        ++out_.paired;
        continue;
      }
      Item item;
      item.time_us = r.time_us;
      size_t own = lifeline_index(r.node);
      if (r.is_message) {
        ++out_.messages;
        item.kind = Item::Kind::kMessage;
        item.name = r.command;
        item.label = message_label(r);
        item.from = r.sent ? own : peer_lifeline(id);
        item.to = r.sent ? peer_lifeline(id) : own;
        (r.sent ? item.send_at : item.recv_at) = static_cast<long>(pos);
      } else {
        item.kind = Item::Kind::kNote;
        item.name = r.event;
        item.label = r.text.empty() ? r.event : r.text;
        item.from = item.to = own;
        item.send_at = static_cast<long>(pos);
      }
      item_of[id] = static_cast<long>(out_.items.size());
      out_.items.push_back(std::move(item));
    }
  }

  const std::vector<TraceFile>& files_;
  std::vector<size_t> first_id_;  // per file, then the total
  std::vector<const Record*> records_;
  std::vector<size_t> file_of_;
  std::vector<long> pair_of_;  // a send's receive and a receive's send
  std::vector<long> connection_of_;
  std::vector<Connection> connections_;
  std::map<std::string, size_t> lifeline_of_;
  Sequence out_;
};

}  // namespace

Sequence build_sequence(const std::vector<TraceFile>& files) {
  return Builder(files).build();
}

Sequence filter_sequence(const Sequence& sequence, const std::vector<std::string>& commands,
                         int64_t from_us, int64_t to_us) {
  Sequence out;
  out.lifelines = sequence.lifelines;
  out.warnings = sequence.warnings;
  for (const Item& item : sequence.items) {
    if (item.time_us < from_us || item.time_us > to_us) continue;
    if (!commands.empty() &&
        std::find(commands.begin(), commands.end(), item.name) == commands.end())
      continue;
    if (item.kind == Item::Kind::kMessage) {
      ++out.messages;
      if (item.send_at >= 0 && item.recv_at >= 0) ++out.paired;
    }
    out.items.push_back(item);
  }
  return out;
}

}  // namespace ac::diagram
