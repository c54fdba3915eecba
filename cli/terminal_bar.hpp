// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <string>

namespace fstack::cli {

// Width of the terminal on stderr, or 80 when it cannot be told.
int terminal_columns();

// "label [#####-----]counts", no wider than `columns` - 1, or \r (and cursor-up) would lose track
// of the line when the terminal wraps it. The bar shows `percent` (none when it is negative) and
// is at most `max_bar` wide; it is dropped when fewer than 10 columns are left for it, and the
// label is cut to whatever room remains.
std::string bar_line(std::string label, int percent, const std::string& counts, int columns, int max_bar);

}  // namespace fstack::cli
