// SPDX-License-Identifier: GPL-3.0-or-later
#include "batch_plan.hpp"

#include <map>
#include <regex>
#include <set>

#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "output_check.hpp"
#include "output_options.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

std::vector<PlannedStack> group_by_pattern(const std::vector<fs::path>& frames, const std::string& pattern,
                                           Progress& progress) {
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw Error(ErrorKind::Usage, "--group-by: '" + pattern + "' is not a valid regular expression (" + e.what() + ")");
    }
    if (re.mark_count() < 1)
        throw Error(ErrorKind::Usage, "--group-by: '" + pattern +
                                          "' has no capture group; put the part of the file name that "
                                          "names the stack in parentheses, e.g. '^(.*)_\\d+\\.jpg$'");
    std::vector<PlannedStack> stacks;
    std::map<std::string, size_t> index;
    std::vector<std::string> unmatched;
    for (const fs::path& frame : frames) {
        const std::string name = frame.filename().string();
        std::smatch m;
        if (!std::regex_search(name, m, re) || !m[1].matched || m.str(1).empty()) {
            unmatched.push_back(name);
            continue;
        }
        const auto [it, added] = index.emplace(m.str(1), stacks.size());
        if (added) stacks.push_back(PlannedStack{m.str(1), {}, {}, false, 0, {}});
        stacks[it->second].frames.push_back(frame);
    }
    if (!unmatched.empty())
        progress.warn(std::to_string(unmatched.size()) + " file(s) do not match --group-by and are left out (first: " +
                      unmatched.front() + ")");
    return stacks;
}

}  // namespace

std::vector<PlannedStack> group_stacks(const std::vector<fs::path>& frames, int stack_size, const std::string& group_by,
                                       bool keep_partial, Progress& progress) {
    if (!group_by.empty()) return group_by_pattern(frames, group_by, progress);
    std::vector<PlannedStack> stacks;
    for (auto& group : split_into_stacks(frames, stack_size, keep_partial, progress))
        stacks.push_back(PlannedStack{group.front().stem().string(), std::move(group), {}, false, 0, {}});
    return stacks;
}

Shard parse_shard(const std::string& text) {
    Shard s;
    char slash = 0, rest = 0;
    if (std::sscanf(text.c_str(), "%d %c %d %c", &s.index, &slash, &s.count, &rest) != 3 || slash != '/' ||
        s.count < 1 || s.index < 1 || s.index > s.count)
        throw Error(ErrorKind::Usage, "--shard: '" + text + "' must be I/N with 1 <= I <= N, e.g. 2/8");
    return s;
}

std::vector<PlannedStack> select_shard(std::vector<PlannedStack> stacks, Shard shard) {
    std::vector<PlannedStack> mine;
    for (size_t p = 0; p < stacks.size(); ++p)
        if (static_cast<int>(p % static_cast<size_t>(shard.count)) == shard.index - 1) mine.push_back(std::move(stacks[p]));
    return mine;
}

void plan_outputs(std::vector<PlannedStack>& stacks, const fs::path& out_dir, const std::string& format,
                  const std::string& postfix, bool overwrite) {
    std::map<fs::path, std::string> planned;
    for (PlannedStack& s : stacks) {
        s.output = out_dir / (s.name + postfix + output_extension(format, s.frames.front()));
        const auto [it, added] = planned.emplace(s.output, s.name);
        if (!added)
            throw Error(ErrorKind::Usage, s.output.string(), -1,
                        "stacks " + it->second + " and " + s.name + " would both write this file");
        if (InputFiles(s.frames).contains(s.output))
            throw Error(ErrorKind::Usage, s.output.string(), -1,
                        "the output of stack " + s.name + " would replace one of its frames; choose another output folder");
        std::error_code ec;
        s.done = !overwrite && fs::exists(s.output, ec);
    }
}

}  // namespace fstack::cli
