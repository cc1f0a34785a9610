// HTTP Basic authentication for the JSON-RPC server, as Core's: the client sends
// "Authorization: Basic base64(user:password)"; the server compares "user:password" with its
// own in constant time. Pure: no sockets, no files (the cookie file is written by the app).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ac::rpc {

// "Basic dXNlcjpwYXNz" -> "user:pass"; nullopt for another scheme or bad base64.
std::optional<std::string> decode_basic_auth(std::string_view header_value);

// "Basic " + base64(credentials): what a client sends.
std::string encode_basic_auth(std::string_view credentials);

// Whether the Authorization header carries exactly `expected` ("user:password"). The
// comparison takes the same time whatever the header holds (both sides are hashed, then
// compared with CRYPTO_memcmp), so timing does not reveal how much of a guess was right.
bool authorized(std::string_view header_value, std::string_view expected);

}  // namespace ac::rpc
