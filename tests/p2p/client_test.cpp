// The P2P client against a fake node: a listening socket on 127.0.0.1 whose accepted
// connection the test drives by hand, frame by frame.
#include "p2p/client.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chain/hash.hpp"
#include "chain/params.hpp"

namespace ac::p2p {
namespace {

using namespace std::chrono_literals;

const net::Magic kMagic = quick_params().magic;

// The fake node's side of one connection.
class FakeNode {
 public:
  FakeNode() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listen_fd_, 1);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~FakeNode() {
    if (fd_ >= 0) ::close(fd_);
    ::close(listen_fd_);
  }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  void accept() { fd_ = ::accept(listen_fd_, nullptr, nullptr); }
  void send(const net::Message& message) {
    Bytes frame = net::encode_frame(kMagic, message);
    ASSERT_EQ(::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(frame.size()));
  }
  void send_raw(ByteSpan bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // The next frame from the client, decoded (blocking).
  net::Message receive() {
    std::array<uint8_t, net::kHeaderBytes> header_bytes{};
    read_exactly(header_bytes.data(), header_bytes.size());
    auto header = net::decode_header(header_bytes, kMagic);
    EXPECT_TRUE(header);
    Bytes payload(header->payload_bytes);
    read_exactly(payload.data(), payload.size());
    auto message = net::decode_payload(header->command, payload);
    EXPECT_TRUE(message);
    return *message;
  }
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

 private:
  void read_exactly(uint8_t* out, size_t count) {
    size_t got = 0;
    while (got < count) {
      ssize_t n = ::recv(fd_, out + got, count - got, 0);
      ASSERT_GT(n, 0);
      got += static_cast<size_t>(n);
    }
  }
  int listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(P2PClient, HandshakeSendsOurVersionFirstAndAnswersTheirsWithVerack) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client) << client.error().message();
  node.accept();
  // The kernel holds the node's frames until the client reads: all can be sent up front.
  net::Version theirs = client_version("/fake/", 42);
  node.send(theirs);
  node.send(net::Verack{});
  auto done = client->handshake(5'000ms, client_version("/client/", 7));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->start_height, 42);
  auto first = node.receive();
  ASSERT_TRUE(std::holds_alternative<net::Version>(first));
  EXPECT_EQ(std::get<net::Version>(first).start_height, 7);
  EXPECT_TRUE(std::holds_alternative<net::Verack>(node.receive()));
}

TEST(P2PClient, AnsweringHandshakeBuildsOurVersionFromTheirs) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client);
  node.accept();
  node.send(client_version("/fake/", 10));
  node.send(net::Verack{});
  auto done = client->handshake_answering(
      5'000ms, [](const net::Version& v) { return client_version("/c/", v.start_height + 1); });
  ASSERT_TRUE(done);
  auto ours = node.receive();
  ASSERT_TRUE(std::holds_alternative<net::Version>(ours));
  EXPECT_EQ(std::get<net::Version>(ours).start_height, 11);
  EXPECT_TRUE(std::holds_alternative<net::Verack>(node.receive()));
}

TEST(P2PClient, WaitingAnswersPingsAndUnknownGetdata) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client);
  node.accept();
  Hash256 ours = sha256d(as_span(std::string("served")));
  Hash256 unknown = sha256d(as_span(std::string("unknown")));
  client->will_serve(ours);
  node.send(net::Ping{99});
  node.send(net::GetData{{{net::kMsgBlock, ours}, {net::kMsgBlock, unknown}}});
  node.send(net::Pong{5});
  EXPECT_TRUE(client->wait_for<net::Pong>(5'000ms));
  auto pong = node.receive();
  ASSERT_TRUE(std::holds_alternative<net::Pong>(pong));
  EXPECT_EQ(std::get<net::Pong>(pong).nonce, 99u);
  auto notfound = node.receive();
  ASSERT_TRUE(std::holds_alternative<net::NotFound>(notfound));
  ASSERT_EQ(std::get<net::NotFound>(notfound).items.size(), 1u);
  EXPECT_EQ(std::get<net::NotFound>(notfound).items[0].hash, unknown);
}

TEST(P2PClient, ReadAvailableReturnsWholeFramesWithoutWaiting) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client);
  node.accept();
  Bytes two = net::encode_frame(kMagic, net::Ping{1});
  Bytes second = net::encode_frame(kMagic, net::Ping{2});
  two.insert(two.end(), second.begin(), second.end() - 3);  // the second one cut short
  node.send_raw(two);
  std::vector<uint64_t> seen;
  auto collect = [&](const net::Message& m) { seen.push_back(std::get<net::Ping>(m).nonce); };
  ASSERT_TRUE(client->wait_for<net::Ping>(5'000ms));  // the first frame, now surely arrived
  client->read_available(collect);
  EXPECT_TRUE(seen.empty());
  node.send_raw(ByteSpan(second).last(3));
  for (int i = 0; i < 500 && seen.empty(); ++i) {
    pollfd waiting{client->fd(), POLLIN, 0};
    ::poll(&waiting, 1, 10);
    client->read_available(collect);
  }
  EXPECT_EQ(seen, std::vector<uint64_t>{2});
  EXPECT_TRUE(client->open());
}

TEST(P2PClient, SeesTheNodeClose) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client);
  node.accept();
  node.close();
  EXPECT_TRUE(client->wait_closed(5'000ms));
  EXPECT_FALSE(client->open());
  EXPECT_EQ(client->close_reason().reason, "peer-closed");
}

TEST(P2PClient, ABadHeaderClosesTheConnectionWithItsReason) {
  FakeNode node;
  auto client = Client::connect(node.target(), kMagic);
  ASSERT_TRUE(client);
  node.accept();
  Bytes frame = net::encode_frame(kMagic, net::Ping{1});
  frame[0] ^= 0xff;
  node.send_raw(frame);
  EXPECT_FALSE(client->wait_for<net::Ping>(5'000ms));
  EXPECT_FALSE(client->open());
  EXPECT_EQ(client->close_reason().reason, "bad-magic");
}

TEST(P2PClient, BadEndpointIsRefusedBeforeConnecting) {
  auto client = Client::connect(std::string("no-port"), kMagic);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.reason(), "bad-endpoint");
}

}  // namespace
}  // namespace ac::p2p
