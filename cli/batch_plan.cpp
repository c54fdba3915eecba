// SPDX-License-Identifier: GPL-3.0-or-later
#include "batch_plan.hpp"

#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/image_io.hpp"
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
        if (added) stacks.push_back(PlannedStack{m.str(1), {}, {}, false, false, {}, 0, {}});
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
        stacks.push_back(PlannedStack{group.front().stem().string(), std::move(group), {}, false, false, {}, 0, {}});
    return stacks;
}

Shard parse_shard(const std::string& text) {
    // Both numbers whole and 64-bit, with nothing around them: "" (a job script's unset
    // variable), " 1/2", "1/2x", "-1/2", "1/4294967297" past what was asked all refused.
    const auto fail = [&](const std::string& why) -> Shard {
        throw Error(ErrorKind::Usage, "--shard: '" + text + "' " + why + ", e.g. 2/8");
    };
    if (text.empty()) return fail("is empty (an unset variable in a job script?): give I/N with 1 <= I <= N");
    const size_t slash = text.find('/');
    if (slash == std::string::npos) return fail("must be I/N");
    Shard s;
    const auto number = [&](const std::string& part, std::uint64_t& v) {
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec == std::errc::invalid_argument || end != part.data() + part.size())
            fail("must be I/N, two whole numbers");
        if (ec == std::errc::result_out_of_range) fail("has a number past 2^64 - 1");
    };
    number(text.substr(0, slash), s.index);
    number(text.substr(slash + 1), s.count);
    if (s.count < 1 || s.index < 1 || s.index > s.count) fail("must be I/N with 1 <= I <= N");
    return s;
}

std::vector<PlannedStack> select_shard(std::vector<PlannedStack> stacks, Shard shard) {
    std::vector<PlannedStack> mine;
    for (size_t p = 0; p < stacks.size(); ++p)
        if (static_cast<std::uint64_t>(p) % shard.count == shard.index - 1) mine.push_back(std::move(stacks[p]));
    return mine;
}

namespace {

// Why an existing output is not a finished result of `first_frame`'s stack ("" if it is one): it
// must decode in full (no truncation, no damage) to at most the frames' size (--crop cuts).
std::string unfinished_reason(const fs::path& output, const fs::path& first_frame) {
    try {
        const cv::Mat image = read_image(output);
        const ImageInfo frame = read_image_info(first_frame, 0);
        const bool fits = (image.cols <= frame.width && image.rows <= frame.height) ||
                          (image.cols <= frame.height && image.rows <= frame.width);
        if (!fits)
            return "is " + std::to_string(image.cols) + "x" + std::to_string(image.rows) + ", larger than its frames (" +
                   std::to_string(frame.width) + "x" + std::to_string(frame.height) + ")";
        return {};
    } catch (const Error& e) {
        return e.reason();
    }
}

}  // namespace

void plan_outputs(std::vector<PlannedStack>& stacks, const fs::path& out_dir, const std::string& format,
                  const std::string& postfix, bool overwrite, Progress& progress) {
    std::map<fs::path, std::string> planned;
    for (PlannedStack& s : stacks) {
        s.output = out_dir / (s.name + postfix + output_extension(format, s.frames.front()));
        const auto [it, added] = planned.emplace(s.output, s.name);
        if (!added)
            throw Error(ErrorKind::Usage, s.output.string(), -1,
                        "stacks " + it->second + " and " + s.name + " would both write this file");
        std::error_code ec;
        if (fs::is_directory(s.output, ec)) {
            s.blocked = "a folder has the output's name; the stack cannot be written (remove or rename the folder)";
            continue;
        }
        // The shared check, before any stack runs: not a frame, a name the file system holds,
        // a folder it can be written in. An existing output is judged below (resume).
        OutputCheck check;
        check.overwrite = true;
        check.role = "output of stack " + s.name;
        check.option = "output folder";
        check.folder_made_later = true;
        fstack::check_output_file(s.output, InputFiles(s.frames), check);
        if (overwrite || !fs::exists(fs::symlink_status(s.output, ec))) continue;
        const std::string why = unfinished_reason(s.output, s.frames.front());
        if (why.empty()) {
            s.done = true;
        } else {
            s.replace = true;
            progress.warn(s.output.string() + ": the existing output " + why + "; stacking " + s.name + " again");
        }
    }
}

}  // namespace fstack::cli
