#include "go_text.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace grid::backends {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;

void append_hex_byte(std::string& out, unsigned char byte, const char* prefix) {
  out += prefix;
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

// Length of the valid UTF-8 sequence at the start of `s` (2–4) and its code point, or
// nullopt for an invalid or truncated sequence.
std::optional<std::pair<std::size_t, char32_t>> decode_utf8(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t len = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (b0 >= 0xF5 || len == 0 || s.size() < len) return std::nullopt;
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (b & 0x3F);
  }
  const char32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return std::make_pair(len, cp);
}

void append_escaped_ascii(std::string& out, char c) {
  switch (c) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    default:
      break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7F) {
    append_hex_byte(out, byte, "\\x");
  } else {
    out += c;
  }
}

// The quoting of Go's time package (time.quote): bytes outside printable ASCII as \xNN.
std::string time_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || byte < 0x20) {
      append_hex_byte(out, byte, "\\x");
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::optional<std::uint64_t> unit_nanoseconds(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> kUnits{{
      {"ns", 1},
      {"us", 1'000},
      {"\u00B5s", 1'000},
      {"\u03BCs", 1'000},
      {"ms", 1'000'000},
      {"s", 1'000'000'000},
      {"m", 60'000'000'000},
      {"h", 3'600'000'000'000},
  }};
  for (const auto& [name, ns] : kUnits) {
    if (name == unit) return ns;
  }
  return std::nullopt;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::string go_quote(std::string_view text) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      append_escaped_ascii(out, text[i++]);
      continue;
    }
    const auto decoded = decode_utf8(text.substr(i));
    if (!decoded) {
      append_hex_byte(out, byte, "\\x");
      ++i;
      continue;
    }
    const auto [len, cp] = *decoded;
    if (cp <= 0x9F) {  // C1 control characters are not printable
      append_hex_byte(out, static_cast<unsigned char>(cp), "\\u00");
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out + "\"";
}

// Follows Go's time.ParseDuration step by step, including its overflow checks, so the first
// problem Go would report is the one reported here.
std::string go_duration_error(std::string_view text) {
  const std::string invalid = "time: invalid duration " + time_quote(text);
  std::string_view s = text;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return invalid;
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid;
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (whole > kLimit / 10) return invalid;
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (whole > kLimit) return invalid;
    }
    bool digits = i > 0;
    s.remove_prefix(i);
    std::uint64_t fraction = 0;
    double scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && is_digit(s[i]); ++i) {
        if (overflow) continue;
        if (fraction > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        fraction = fraction * 10 + static_cast<std::uint64_t>(s[i] - '0');
        scale *= 10;
      }
      digits = digits || i > 0;
      s.remove_prefix(i);
    }
    if (!digits) return invalid;
    std::size_t unit_len = 0;
    while (unit_len < s.size() && s[unit_len] != '.' && !is_digit(s[unit_len])) ++unit_len;
    if (unit_len == 0) return "time: missing unit in duration " + time_quote(text);
    const std::string_view unit_text = s.substr(0, unit_len);
    s.remove_prefix(unit_len);
    const auto unit = unit_nanoseconds(unit_text);
    if (!unit) {
      return "time: unknown unit " + time_quote(unit_text) + " in duration " + time_quote(text);
    }
    if (whole > kLimit / *unit) return invalid;
    whole *= *unit;
    if (fraction > 0) {
      whole += static_cast<std::uint64_t>(static_cast<double>(fraction) *
                                          (static_cast<double>(*unit) / scale));
      if (whole > kLimit) return invalid;
    }
    total += whole;
    if (total > kLimit) return invalid;
  }
  return invalid;
}

std::string go_context_error(const RunContext& ctx) {
  const auto& deadline = ctx.deadline();
  if (deadline && RunContext::Clock::now() >= *deadline) return "context deadline exceeded";
  return "context canceled";
}

}  // namespace grid::backends
