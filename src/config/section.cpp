#include "section.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>

#include "grid/config/load.hpp"

namespace grid::config {
namespace {

constexpr std::size_t kMaxQuoted = 80;

// What a node is, for "expected X, got Y" messages.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return node.Tag() == "!" ? "the string " + quote(node.Scalar()) : quote(node.Scalar());
    default:
      return "null";
  }
}

// YAML 1.2 booleans plus the YAML 1.1 words Go's yaml.v3 accepts for bool fields.
std::optional<bool> parse_bool(std::string_view text) {
  static const std::set<std::string_view> kTrue = {"true", "True", "TRUE", "y",  "Y", "yes",
                                                   "Yes",  "YES",  "on",   "On", "ON"};
  static const std::set<std::string_view> kFalse = {"false", "False", "FALSE", "n",   "N",  "no",
                                                    "No",    "NO",    "off",   "Off", "OFF"};
  if (kTrue.contains(text)) return true;
  if (kFalse.contains(text)) return false;
  return std::nullopt;
}

// Whether `text` is a decimal integer with optional sign (of any magnitude).
bool is_decimal(std::string_view text) {
  if (text.starts_with('+') || text.starts_with('-')) text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// The value of a decimal integer; nullopt when malformed or outside the int64 range.
std::optional<std::int64_t> parse_int(std::string_view text) {
  if (!is_decimal(text)) return std::nullopt;
  if (text.starts_with('+')) text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// yaml-cpp gives implicit nulls the position of the next token, so they use `fallback`.
YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
  return node.IsNull() || node.Mark().is_null() ? fallback : node.Mark();
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                    '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMaxQuoted) out += "...";
  return out + '"';
}

Diagnostics::Message Diagnostics::locate(const YAML::Mark& mark) const {
  if (mark.is_null()) return {-1, source_ + ": "};
  return {mark.line, source_ + ":" + std::to_string(mark.line + 1) + ": "};
}

std::vector<std::string> Diagnostics::in_line_order(std::vector<Message> messages) {
  std::stable_sort(messages.begin(), messages.end(),
                   [](const Message& a, const Message& b) { return a.line < b.line; });
  std::vector<std::string> texts;
  for (auto& m : messages) texts.push_back(std::move(m.text));
  return texts;
}

void Diagnostics::error(const YAML::Mark& mark, std::string_view path, std::string_view problem) {
  Message m = locate(mark);
  if (!path.empty()) m.text.append(path).append(": ");
  m.text.append(problem);
  errors_.push_back(std::move(m));
}

void Diagnostics::warning(const YAML::Mark& mark, std::string_view text) {
  Message m = locate(mark);
  m.text.append(text);
  warnings_.push_back(std::move(m));
}

void Diagnostics::throw_if_errors() const {
  if (!errors_.empty()) throw ConfigError(in_line_order(errors_));
}

Section::Section(const YAML::Node& node, std::string path, Diagnostics& diag)
    : path_(std::move(path)), diag_(diag) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    diag_.error(
        node.Mark(), path_,
        (path_.empty() ? "the top level must be a mapping, got " : "expected a mapping, got ") +
            describe(node));
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const YAML::Mark key_mark = kv.first.Mark();
    if (!kv.first.IsScalar()) {
      diag_.error(key_mark, path_, "expected a string key, got " + describe(kv.first));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      diag_.error(key_mark, child_path(key), "duplicate key");
      continue;
    }
    entries_.push_back({key, key_mark, kv.second});
  }
}

Section::Entry* Section::find(std::string_view key) {
  const auto it = std::ranges::find(entries_, key, &Entry::key);
  return it == entries_.end() ? nullptr : &*it;
}

bool Section::has(std::string_view key) const {
  return std::ranges::find(entries_, key, &Entry::key) != entries_.end();
}

const Section::Entry* Section::lookup(std::string_view key) {
  Entry* e = find(key);
  if (e == nullptr) return nullptr;
  e->known = true;
  return e->value.IsNull() ? nullptr : e;
}

std::string Section::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void Section::report(const Entry& e, std::string_view problem) {
  diag_.error(mark_of(e.value, e.key_mark), child_path(e.key), problem);
}

void Section::error_at(std::string_view key, std::string_view problem) {
  Entry* e = find(key);
  if (e == nullptr) {
    diag_.error(YAML::Mark::null_mark(), child_path(key), problem);
    return;
  }
  e->known = true;
  report(*e, problem);
}

std::optional<std::string> Section::scalar(const Entry& e, std::string_view expected,
                                           bool plain_only) {
  if (e.value.IsScalar() && !(plain_only && e.value.Tag() == "!")) return e.value.Scalar();
  report(e, "expected " + std::string(expected) + ", got " + describe(e.value));
  return std::nullopt;
}

Section Section::section(std::string_view key) {
  const Entry* e = lookup(key);
  return Section(e == nullptr ? YAML::Node() : e->value, child_path(key), diag_);
}

void Section::boolean(std::string_view key, bool& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return;
  const auto text = scalar(*e, "a boolean (true or false)", true);
  if (!text) return;
  if (const auto value = parse_bool(*text)) {
    out = *value;
  } else {
    report(*e, "expected a boolean (true or false), got " + describe(e->value));
  }
}

void Section::integer(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return;
  const auto text = scalar(*e, "an integer", true);
  if (!text) return;
  const auto value = parse_int(*text);
  if (!is_decimal(*text)) {
    report(*e, "expected an integer, got " + describe(e->value));
  } else if (!value || *value < min || *value > max) {
    report(*e, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                   quote(*text));
  } else {
    out = *value;
  }
}

void Section::integer(std::string_view key, int min, int max, int& out) {
  std::int64_t wide = out;
  integer(key, std::int64_t{min}, std::int64_t{max}, wide);
  out = static_cast<int>(wide);
}

bool Section::string(std::string_view key, std::string& out, Check check) {
  const Entry* e = lookup(key);
  if (e == nullptr) return false;
  auto text = scalar(*e, "a string", false);
  if (!text) return true;
  if (const auto problem = check == nullptr ? std::nullopt : check(*text)) {
    report(*e, *problem);
  } else {
    out = std::move(*text);
  }
  return true;
}

void Section::positive_duration(std::string_view key, Duration& out) {
  const Entry* e = lookup(key);
  if (e == nullptr) return;
  const auto text = scalar(*e, "a duration", false);
  if (!text || text->empty()) return;
  const auto value = parse_duration(*text);
  if (!value) {
    report(*e, "invalid duration " + quote(*text) + " (examples: 300ms, 30s, 10m, 1h30m)");
  } else if (value->count() <= 0) {
    report(*e, "must be a positive duration, got " + quote(*text));
  } else {
    out = *value;
  }
}

std::optional<std::vector<std::string>> Section::string_list(std::string_view key, Check check) {
  const Entry* e = lookup(key);
  if (e == nullptr) return std::nullopt;
  if (!e->value.IsSequence()) {
    report(*e, "expected a list, got " + describe(e->value));
    return std::nullopt;
  }
  std::vector<std::string> items;
  std::size_t index = 0;
  for (const YAML::Node& item : e->value) {
    const std::string path = child_path(key) + "[" + std::to_string(index++) + "]";
    const YAML::Mark mark = mark_of(item, mark_of(e->value, e->key_mark));
    if (!item.IsScalar()) {
      diag_.error(mark, path, "expected a string, got " + describe(item));
    } else if (const auto problem = check == nullptr ? std::nullopt : check(item.Scalar())) {
      diag_.error(mark, path, *problem);
    } else {
      items.push_back(item.Scalar());
    }
  }
  return items;
}

void Section::warn_unknown_keys() {
  for (const auto& e : entries_) {
    if (!e.known) diag_.warning(e.key_mark, "unknown key " + child_path(e.key));
  }
}

}  // namespace grid::config
