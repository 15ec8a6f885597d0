// Aligned plain-text tables for human-readable gridc output.
#pragma once

#include <string>
#include <vector>

namespace grid::cli {

// Columns separated by two spaces, each as wide as its widest cell (counted in UTF-8 code
// points), no trailing spaces; the header row comes first. Rows shorter than the header are
// padded with empty cells.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  void add_row(std::vector<std::string> cells);
  // Every row (header included) followed by '\n'.
  std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace grid::cli
