// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminal_bar.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace fstack::cli {

int terminal_columns() {
    winsize ws{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

std::string bar_line(std::string label, int percent, const std::string& counts, int columns, int max_bar) {
    const int room = columns - 1 - static_cast<int>(counts.size());
    int bar_width = percent >= 0 ? std::clamp(room - static_cast<int>(label.size()) - 3, 0, max_bar) : 0;
    if (bar_width < 10) bar_width = 0;
    const int label_room = room - (bar_width > 0 ? bar_width + 3 : 0);
    if (static_cast<int>(label.size()) > label_room) label.resize(static_cast<size_t>(std::max(label_room, 0)));
    std::string line = label;
    if (bar_width > 0) {
        const int filled = bar_width * percent / 100;
        line.append(" [").append(static_cast<size_t>(filled), '#');
        line.append(static_cast<size_t>(bar_width - filled), '-').append("]");
    }
    return line + counts;
}

}  // namespace fstack::cli
