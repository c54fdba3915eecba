// SPDX-License-Identifier: GPL-3.0-or-later
// A rig's alignment in a JSON file: saved from one stack, reused for the others, or the median
// of several stacks' alignments.
#include "fstack/rig_alignment.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fstack/atomic_file.hpp"
#include "fstack/error.hpp"

namespace fstack {
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys in the order written

namespace {

constexpr const char* kFormat = "fstack-alignment";
constexpr int kVersion = 1;
// An alignment file holds a few numbers per frame: anything larger is not one.
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;

std::string size_text(cv::Size s) { return std::to_string(s.width) + "x" + std::to_string(s.height); }

}  // namespace

RigAlignment rig_alignment_of(const FrameGeometry& geometry, const std::vector<std::vector<float>>& gains,
                              const std::vector<std::string>& frame_names) {
    RigAlignment a;
    a.frame_size = geometry.frame_size;
    a.reference_index = geometry.reference_index;
    a.to_reference = geometry.to_reference;
    for (const auto& g : gains) a.gains.emplace_back(g.begin(), g.end());
    a.gains.resize(a.to_reference.size());
    a.frames = frame_names;
    return a;
}

void check_alignment_fits(const RigAlignment& a, int frame_count, cv::Size frame_size, const std::string& what) {
    if (static_cast<int>(a.to_reference.size()) != frame_count || a.frame_size != frame_size)
        throw Error(ErrorKind::Input, what, -1,
                    "this alignment is for " + std::to_string(a.to_reference.size()) + " frames of " +
                        size_text(a.frame_size) + "; the stack has " + std::to_string(frame_count) + " frames of " +
                        size_text(frame_size) + " (an alignment is reused only on stacks of the same rig)");
}

RigAlignment rebased(const RigAlignment& a, int reference_index) {
    if (reference_index == a.reference_index) return a;
    if (reference_index < 0 || reference_index >= static_cast<int>(a.to_reference.size()))
        throw Error(ErrorKind::Usage, "reference frame " + std::to_string(reference_index) + " is not in the alignment");
    RigAlignment out = a;
    const cv::Matx33d back = a.to_reference[static_cast<size_t>(reference_index)].inv();
    for (auto& m : out.to_reference) {
        m = back * m;
        m *= 1.0 / m(2, 2);
    }
    out.reference_index = reference_index;
    return out;
}

RigAlignment median_alignment(const std::vector<RigAlignment>& stacks) {
    if (stacks.empty()) throw Error(ErrorKind::Internal, "median_alignment: no stacks");
    const RigAlignment& first = stacks.front();
    for (const RigAlignment& s : stacks) {
        if (s.to_reference.size() != first.to_reference.size() || s.frame_size != first.frame_size ||
            s.reference_index != first.reference_index)
            throw Error(ErrorKind::Input, s.frames.empty() ? std::string() : s.frames.front(), -1,
                        "this stack (" + std::to_string(s.to_reference.size()) + " frames of " +
                            size_text(s.frame_size) + ") does not match the first one (" +
                            std::to_string(first.to_reference.size()) + " frames of " + size_text(first.frame_size) +
                            "): a rig's alignment is the median of stacks of one shape");
    }
    RigAlignment out = first;
    out.stacks = 0;
    for (const RigAlignment& s : stacks) out.stacks += s.stacks;
    std::vector<double> v(stacks.size());
    const auto median = [&v] {
        std::sort(v.begin(), v.end());
        const size_t n = v.size();
        return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    };
    for (size_t f = 0; f < first.to_reference.size(); ++f) {
        for (int e = 0; e < 9; ++e) {
            for (size_t k = 0; k < stacks.size(); ++k) {
                const cv::Matx33d& m = stacks[k].to_reference[f];
                v[k] = m.val[e] / m(2, 2);
            }
            out.to_reference[f].val[e] = median();
        }
        // Gains: the median where every stack recorded the same channels, else none.
        const size_t channels = first.gains.size() > f ? first.gains[f].size() : 0;
        bool same = channels > 0;
        for (const RigAlignment& s : stacks) same = same && s.gains.size() > f && s.gains[f].size() == channels;
        out.gains.resize(first.to_reference.size());
        out.gains[f].clear();
        if (same)
            for (size_t c = 0; c < channels; ++c) {
                for (size_t k = 0; k < stacks.size(); ++k) v[k] = stacks[k].gains[f][c];
                out.gains[f].push_back(median());
            }
    }
    return out;
}

AlignmentFit alignment_fit(const FrameGeometry& geometry) {
    AlignmentFit fit;
    for (const cv::Vec2d& e : geometry.registration_error)
        if (e[0] > 0 || e[1] > 0) fit.before += e[0], fit.after += e[1], ++fit.frames;
    if (fit.frames > 0) fit.before /= fit.frames, fit.after /= fit.frames;
    return fit;
}

void write_rig_alignment(const fs::path& path, const RigAlignment& a, bool overwrite) {
    json frames = json::array();
    for (size_t i = 0; i < a.to_reference.size(); ++i) {
        json m = json::array();
        for (int r = 0; r < 3; ++r) m.push_back({a.to_reference[i](r, 0), a.to_reference[i](r, 1), a.to_reference[i](r, 2)});
        json f = {{"index", i}, {"to_reference", m}};
        if (i < a.frames.size()) f["name"] = a.frames[i];
        if (i < a.gains.size() && !a.gains[i].empty()) f["gains"] = a.gains[i];
        frames.push_back(std::move(f));
    }
    const json doc = {{"format", kFormat},
                      {"version", kVersion},
                      {"frame_size", {a.frame_size.width, a.frame_size.height}},
                      {"reference_index", a.reference_index},
                      {"stacks", a.stacks},
                      {"frames", frames}};
    const std::string text = doc.dump(2) + "\n";
    write_atomically(
        path,
        [&](const fs::path& tmp) {
            std::ofstream out(tmp, std::ios::binary);
            out << text;
            out.close();
            if (!out) throw Error(ErrorKind::Output, path.string(), -1, "cannot write the alignment file");
        },
        overwrite);
}

RigAlignment read_rig_alignment(const fs::path& path) {
    const std::string name = path.string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error(ErrorKind::Input, name, -1,
                    fs::exists(path, ec) ? "not a regular file" : "no such alignment file");
    if (fs::file_size(path, ec) > kMaxFileBytes)
        throw Error(ErrorKind::Input, name, -1, "too large for an alignment file (over 64 MiB)");
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in) throw Error(ErrorKind::Input, name, -1, "cannot read the alignment file");
    json doc;
    try {
        doc = json::parse(buf.str());
    } catch (const json::exception& e) {
        throw Error(ErrorKind::Input, name, -1, std::string("not a valid JSON file: ") + e.what());
    }
    const auto bad = [&](const std::string& why) {
        return Error(ErrorKind::Input, name, -1, "not an fstack alignment file: " + why);
    };
    try {
        if (!doc.is_object() || doc.value("format", std::string()) != kFormat)
            throw bad("no \"format\": \"fstack-alignment\"");
        if (doc.at("version").get<int>() != kVersion)
            throw bad("version " + doc.at("version").dump() + " (this fstack reads version 1)");
        RigAlignment a;
        a.source = name;
        const json& size = doc.at("frame_size");
        a.frame_size = cv::Size(size.at(0).get<int>(), size.at(1).get<int>());
        if (a.frame_size.width <= 0 || a.frame_size.height <= 0) throw bad("frame_size is not positive");
        a.reference_index = doc.at("reference_index").get<int>();
        a.stacks = doc.value("stacks", 1);
        const json& frames = doc.at("frames");
        if (!frames.is_array() || frames.size() < 2) throw bad("\"frames\" must list at least 2 frames");
        for (size_t i = 0; i < frames.size(); ++i) {
            const json& f = frames[i];
            const json& m = f.at("to_reference");
            cv::Matx33d t;
            if (!m.is_array() || m.size() != 3) throw bad("frame " + std::to_string(i) + ": to_reference is not 3x3");
            for (int r = 0; r < 3; ++r) {
                if (!m[r].is_array() || m[r].size() != 3)
                    throw bad("frame " + std::to_string(i) + ": to_reference is not 3x3");
                for (int c = 0; c < 3; ++c) t(r, c) = m[r][c].get<double>();
            }
            for (double x : t.val)
                if (!std::isfinite(x)) throw bad("frame " + std::to_string(i) + ": to_reference is not finite");
            if (std::abs(t(2, 2)) < 1e-12 || std::abs(cv::determinant(t)) < 1e-12)
                throw bad("frame " + std::to_string(i) + ": to_reference cannot be inverted");
            a.to_reference.push_back(t);
            a.frames.push_back(f.value("name", std::string()));
            std::vector<double> g;
            if (f.contains("gains")) g = f.at("gains").get<std::vector<double>>();
            for (double x : g)
                if (!std::isfinite(x) || x <= 0) throw bad("frame " + std::to_string(i) + ": a gain is not positive");
            a.gains.push_back(std::move(g));
        }
        if (a.reference_index < 0 || a.reference_index >= static_cast<int>(a.to_reference.size()))
            throw bad("reference_index " + std::to_string(a.reference_index) + " is not one of its frames");
        return a;
    } catch (const json::exception& e) {
        throw bad(e.what());
    }
}

}  // namespace fstack
