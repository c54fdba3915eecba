// SPDX-License-Identifier: GPL-3.0-or-later
#include "fstack/job_file.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "fstack/actions.hpp"
#include "fstack/error.hpp"
#include "fstack/input_file.hpp"
#include "fstack/noise_detection.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker_registry.hpp"
#include "job/job_file_multilayer.hpp"
#include "job/job_file_reader.hpp"
#include "job/toml_nesting.hpp"

namespace fstack {
namespace fs = std::filesystem;
using jobfile::TableReader;

namespace {

// What earlier actions of the job will have written, so that a later input_path or noise_mask
// that does not exist yet is not taken for a typo.
struct PlannedOutputs {
    std::set<fs::path> paths;
    bool contains(const fs::path& p) const { return paths.count(p.lexically_normal()) > 0; }
    void add(const fs::path& p) { paths.insert(p.lexically_normal()); }
};

// The scalar keys of the job actions themselves (not of a stacker or frame action), as specs,
// so that a value is checked as the tables check theirs: 64-bit, named exactly, nan refused.
ParamSpec int_spec(const char* key, double min, double max, bool odd = false) {
    ParamSpec s;
    s.key = key;
    s.kind = ParamKind::Int;
    s.min = min;
    s.max = max;
    s.odd = odd;
    return s;
}

std::optional<int> checked_int(TableReader& r, const ParamSpec& spec) {
    const auto v = r.integer(spec.key);
    if (!v) return std::nullopt;
    const std::string why = spec.check_integer(*v);
    if (!why.empty()) r.fail(spec.key, why);
    return static_cast<int>(*v);
}

// Runs a constructor's own validation and reports its Error(Usage) at the action's line.
template <typename F>
auto checked(TableReader& r, const std::string& key, F&& make) {
    try {
        return make();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Usage) throw;
        r.fail(key, e.reason());
    }
}

class JobFileParser {
public:
    explicit JobFileParser(fs::path file) : file_(std::move(file)) {}
    std::unique_ptr<StackJob> parse();

private:
    void missing(TableReader& r, const std::string& key, const fs::path& p, const char* what) const {
        try {
            r.fail(key, std::string(what) + " not found: " + p.string());
        } catch (const Error& e) {
            throw Error(ErrorKind::Input, e.file(), -1, e.reason());
        }
    }
    void check_input(TableReader& r, const std::string& key, const fs::path& working, const fs::path& rel) const {
        std::error_code ec;
        if (!planned_.contains(working / rel) && !fs::is_directory(working / rel, ec))
            missing(r, key, working / rel, "input folder");
    }
    fs::path working_of(TableReader& r);
    std::unique_ptr<Action> actions(TableReader& r, const std::string& name);
    std::unique_ptr<Stacker> stacker(TableReader& r);
    std::unique_ptr<Action> focus_stack(TableReader& r, const std::string& type);
    std::unique_ptr<Action> noise_detection(TableReader& r);
    // The action's input_path, checked (a folder, or one an earlier action writes), or "" for
    // the seed's default; input_paths for the actions that take a list.
    fs::path input_path(TableReader& r, const fs::path& working);
    std::vector<fs::path> input_paths(TableReader& r, const fs::path& working);

    fs::path file_;
    fs::path working_;   // the job's working folder, absolute or relative to the current folder
    fs::path job_input_;
    bool first_action_ = true;
    PlannedOutputs planned_;
};

fs::path JobFileParser::working_of(TableReader& r) {
    const auto w = r.string("working_path");
    if (!w) return working_;
    fs::path p = *w;
    if (p.is_relative()) p = (file_.parent_path() / p).lexically_normal();
    std::error_code ec;
    if (!fs::is_directory(p, ec)) missing(r, "working_path", p, "working folder");
    return p;
}

// Without an input_path an action reads the previous action's output, or the job's input.
std::vector<fs::path> JobFileParser::input_paths(TableReader& r, const fs::path& working) {
    const auto v = r.strings("input_path");
    if (!v) {
        if (first_action_ && job_input_.empty())
            r.fail("input_path", "missing: the first action needs an input_path when [job] has none");
        return {};
    }
    std::vector<fs::path> paths;
    for (const auto& p : *v) {
        check_input(r, "input_path", working, p);
        paths.emplace_back(p);
    }
    return paths;
}

fs::path JobFileParser::input_path(TableReader& r, const fs::path& working) {
    if (r.has("input_path")) r.string("input_path");  // one folder, not a list: refused by its type
    const std::vector<fs::path> paths = input_paths(r, working);
    return paths.empty() ? fs::path() : paths.front();
}

// A stacker table, read by walking the stacker's parameter table (stacker_registry.hpp).
std::unique_ptr<Stacker> JobFileParser::stacker(TableReader& r) {
    std::vector<std::string> types;
    for (const StackerInfo& s : stacker_registry()) types.push_back(s.seed_name);
    const std::string type = r.choice("type", types).value_or("");
    if (type.empty()) r.fail("type", "missing: the stacker's type (" + jobfile::join(types, ", ") + ")");
    const StackerInfo& info = stacker_info(type);
    const ParamValues values = jobfile::read_params(r, *info.params);
    std::unique_ptr<Stacker> s = checked(r, "type", [&] { return info.make(values); });
    r.finish();
    return s;
}

std::unique_ptr<Action> JobFileParser::actions(TableReader& r, const std::string& name) {
    ActionsOptions o;
    const fs::path working = working_of(r);
    o.input_path = input_path(r, working);
    if (auto v = r.string("output_path")) o.output_path = *v;
    if (r.has("working_path")) o.working_path = working;
    if (auto v = r.string("plot_path")) o.plot_path = *v;
    if (auto v = checked_int(r, int_spec("resample", 1, 1000000))) o.resample = *v;
    if (auto v = checked_int(r, int_spec("ref_idx", 0, 1000000))) o.ref_idx = *v;
    if (auto v = r.boolean("step_process")) o.step_process = *v;
    std::vector<std::unique_ptr<FrameAction>> list;
    const toml::array* arr = r.array("actions");
    if (!arr || arr->empty()) r.fail("actions", "missing: the frame actions to run, e.g. [[action.actions]] type = \"AlignFrames\"");
    for (size_t i = 0; i < arr->size(); ++i) {
        const toml::table* t = (*arr)[i].as_table();
        if (!t) r.fail("actions", "expected tables, e.g. [[action.actions]] type = \"AlignFrames\"");
        TableReader fr(file_, *t, r.name("actions") + "[" + std::to_string(i + 1) + "]");
        // Its keys by walking its parameter table (frame_action_registry.hpp, job_file_actions.cpp).
        list.push_back(jobfile::read_frame_action(fr, working, [this](const fs::path& p) {
            std::error_code ec;
            return planned_.contains(p) || fs::exists(p, ec);
        }));
    }
    r.finish();
    planned_.add(working / (o.output_path.empty() ? fs::path(name) : o.output_path));
    return checked(r, "type", [&] { return std::unique_ptr<Action>(std::make_unique<Actions>(name, std::move(list), o)); });
}

std::unique_ptr<Action> JobFileParser::focus_stack(TableReader& r, const std::string& type) {
    const auto name = r.string("name");
    if (!name) r.fail("name", "missing: the action's name (also its default output_path)");
    FocusStackOptions o;
    const fs::path working = working_of(r);
    if (r.has("working_path")) o.working_path = working;
    o.input_path = input_path(r, working);
    if (auto v = r.string("output_path")) o.output_path = *v;
    if (auto v = r.string("exif_path")) o.exif_path = fs::path(*v);
    if (auto v = r.string("postfix")) o.postfix = *v;
    if (const toml::node* n = r.peek("denoise"); n && n->is_integer()) {
        const std::string why = denoise_param().check_integer(*n->value<long long>());
        if (!why.empty()) r.fail("denoise", why);
    }
    if (auto v = r.number("denoise")) {
        const std::string why = denoise_param().check(*v);
        if (!why.empty()) r.fail("denoise", why);
        o.denoise = *v;
    }
    if (auto v = r.choice("raw_wb", {"as-shot", "daylight", "auto"})) o.raw.white_balance = parse_raw_white_balance(*v, "raw_wb");
    if (auto v = r.choice("raw_space", {"auto", "linear", "srgb"})) o.raw.space = parse_raw_space(*v, "raw_space");
    if (auto v = r.number("raw_exposure")) {
        r.check(std::abs(*v) <= 8, "raw_exposure", "must be within -8..8 stops");
        o.raw.exposure_ev = *v;
    }
    if (auto v = r.boolean("allow_mixed")) o.allow_mixed = *v;
    const toml::table* st = r.table("stacker");
    if (!st) r.fail("stacker", "missing: e.g. stacker = { type = \"PyramidStack\" }");
    TableReader sr(file_, *st, r.name("stacker"));
    std::unique_ptr<Stacker> s = stacker(sr);
    std::unique_ptr<Action> action;
    if (type == "FocusStackBunch") {
        const int frames = checked_int(r, int_spec("frames", 1, 1000000)).value_or(FocusStackBunch::kDefaultFrames);
        const int overlap = checked_int(r, int_spec("overlap", 0, 999999)).value_or(FocusStackBunch::kDefaultOverlap);
        action = checked(r, "frames", [&] {
            return std::unique_ptr<Action>(std::make_unique<FocusStackBunch>(*name, std::move(s), frames, overlap, o));
        });
    } else {
        action = std::make_unique<FocusStack>(*name, std::move(s), o);
    }
    r.finish();
    planned_.add(working / (o.output_path.empty() ? fs::path(*name) : o.output_path));
    return action;
}

std::unique_ptr<Action> JobFileParser::noise_detection(TableReader& r) {
    const std::string name = r.string("name").value_or("noise-map");
    NoiseDetectionOptions o;
    const fs::path working = working_of(r);
    if (r.has("working_path")) o.working_path = working;
    o.input_path = input_paths(r, working);
    if (auto v = r.string("output_path")) o.output_path = *v;
    if (auto v = r.string("plot_path")) o.plot_path = *v;
    if (auto v = r.numbers("channel_thresholds")) {
        r.check(v->size() == 3, "channel_thresholds", "expected three numbers (R, G, B)");
        const ParamSpec t = [] {
            ParamSpec s = int_spec("channel_thresholds", 1, 255);
            s.kind = ParamKind::Number;  // 8-bit units; a fraction is truncated, as the seed does
            return s;
        }();
        for (int c = 0; c < 3; ++c) {
            const double x = (*v)[static_cast<size_t>(c)];
            const std::string why = t.check(x);
            if (!why.empty()) r.fail("channel_thresholds", why);
            o.channel_thresholds[static_cast<size_t>(c)] = static_cast<int>(x);
        }
    }
    // The median window: odd, 3 and up; past 255 it would take minutes a frame, to no use.
    if (auto v = checked_int(r, int_spec("blur_size", 3, 255, true))) o.blur_size = *v;
    if (auto v = r.string("file_name")) o.file_name = *v;
    r.finish();
    const fs::path out = working / (o.output_path.empty() ? fs::path(name) : o.output_path);
    planned_.add(out);
    for (const fs::path& map : noise_map_files(out, o.file_name)) planned_.add(map);
    return checked(r, "type", [&] { return std::unique_ptr<Action>(std::make_unique<NoiseDetection>(name, o)); });
}

namespace {

// One UTF-8 sequence at text[i]: its code point and length, or false where it is not valid
// UTF-8 (truncated, overlong, a surrogate, past U+10FFFF).
bool decode_utf8(const std::string& text, size_t i, char32_t& cp, size_t& len) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char c = b(0);
    if (c < 0x80) { cp = c; len = 1; return true; }
    len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > text.size()) return false;
    cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
        if ((b(k) & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (b(k) & 0x3F);
    }
    const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    return cp >= least[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

std::string unicode_escape(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", static_cast<unsigned>(cp));
    return buf;
}

// toml++ (3.3 in Debian 12, 3.4 in 13) classifies some non-ASCII characters outside strings by
// way of an "unreachable" branch (unicode_autogenerated.h: every code point from U+00A1 to
// U+0499 that is not whitespace): undefined behaviour, found by fuzz_job_file. So toml++ is given
// ASCII only. The same document is rewritten: in basic strings each non-ASCII character becomes
// its \uXXXX escape, every literal string becomes the equivalent basic string, in comments
// it becomes '?'; outside strings and comments TOML allows none, and it is refused with
// its line. Lines keep their numbers, so toml++'s messages still point at the right one. Where
// this scan and toml++ disagree about where a string starts (only in malformed documents),
// toml++ still sees ASCII only. Also refused here with their line, for clearer messages: a quote
// inside a bare token, and a '[' that opens no table (toml++ 3.3 asserts on that one).
std::string ascii_toml(const fs::path& file, const std::string& text) {
    enum class State { Code, Comment, Basic, Literal, MultiBasic, MultiLiteral } st = State::Code;
    std::string out;
    out.reserve(text.size());
    int line = 1;
    bool line_start = true;       // only blanks so far on this line, outside any string
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            char32_t cp = 0;
            size_t len = 0;
            if (!decode_utf8(text, i, cp, len)) jobfile::fail(file, line, "", "not valid UTF-8 text");
            switch (st) {
                case State::Code:
                    jobfile::fail(file, line, "", "a non-ASCII character outside a string or comment");
                case State::Comment: out += '?'; break;
                default: out += unicode_escape(cp); break;  // strings (literal ones are basic here)
            }
            i += len - 1;
            line_start = false;
            continue;
        }
        if (c == '\n') {
            ++line;
            if (st == State::Comment) st = State::Code;
            line_start = st == State::Code;
            out += c;
            continue;
        }
        const bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
        if (st == State::Code && line_start && c == '[') {
            size_t j = i + 1 + (i + 1 < text.size() && text[i + 1] == '[');
            while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
            if (j >= text.size() || std::strchr("\r\n#", text[j]))
                jobfile::fail(file, line, "", "a '[' that opens no table: the table's name is missing");
        }
        if (c != ' ' && c != '\t') line_start = false;
        size_t take = 1;  // bytes of `text` copied to `out` as they are
        switch (st) {
            case State::Code:
                if ((c == '"' || c == '\'') && i > 0 && !std::strchr(" \t\r\n=[{,.", text[i - 1]))
                    // A quote inside a bare token is invalid TOML, and toml++ would read on
                    // through what follows as part of that token.
                    jobfile::fail(file, line, "", "a quote inside a bare key or value");
                if (c == '#') st = State::Comment;
                else if (c == '"') { st = triple ? State::MultiBasic : State::Basic; take = triple ? 3 : 1; }
                else if (c == '\'') {
                    // Given to toml++ as the equivalent basic string.
                    st = triple ? State::MultiLiteral : State::Literal;
                    out += triple ? "\"\"\"" : "\"";
                    i += triple ? 2 : 0;
                    continue;
                }
                break;
            case State::Comment: break;
            case State::Basic:
            case State::MultiBasic:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
                    if (static_cast<unsigned char>(text[i + 1]) >= 0x80)
                        jobfile::fail(file, line, "", "a backslash before a non-ASCII character (not a TOML escape)");
                    take = 2;
                } else if (c == '"' && (st == State::Basic || triple)) {
                    take = st == State::Basic ? 1 : 3;
                    st = State::Code;
                }
                break;
            case State::Literal:
            case State::MultiLiteral:
                if (c == '\'' && (st == State::Literal || triple)) {
                    const bool multi = st == State::MultiLiteral;
                    st = State::Code;
                    out += multi ? "\"\"\"" : "\"";
                    i += multi ? 2 : 0;
                    continue;
                }
                if (c == '\\' || c == '"') {  // literal in the original, escaped in a basic string
                    out += '\\';
                    out += c;
                    continue;
                }
                break;
        }
        out.append(text, i, take);
        i += take - 1;
    }
    return out;
}

}  // namespace

std::unique_ptr<StackJob> JobFileParser::parse() {
    const std::vector<unsigned char> bytes = read_file_bytes(file_, -1, "a job file");  // never a FIFO's open()
    std::string text(bytes.begin(), bytes.end());
    // Windows Notepad starts UTF-8 files with a byte-order mark; TOML does not allow one.
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    // toml++ recurses once per level of nesting (tables, keys, arrays): refused before it runs.
    jobfile::check_toml_nesting(file_, text);
    const std::string ascii = ascii_toml(file_, text);
    toml::table doc;
    try {
        doc = toml::parse(ascii, file_.string());
    } catch (const toml::parse_error& e) {
        jobfile::fail(file_, static_cast<int>(e.source().begin.line), "", "not valid TOML: " + std::string(e.description()));
    } catch (const jobfile::TomlParserFault&) {
        // toml++ 3.3 stopped at one of its internal checks (toml_guarded.hpp): malformed TOML
        // it does not report itself, e.g. a '[' with no table name before the end of the line.
        jobfile::fail(file_, 0, "", "not valid TOML (a malformed table header, key or value; the parser cannot say on which line)");
    }
    TableReader root(file_, doc, "");
    const toml::table* jt = root.table("job");
    if (!jt) jobfile::fail(file_, 1, "job", "missing: a [job] table with name, working_path and input_path");
    TableReader job(file_, *jt, "job");
    const std::string name = job.string("name").value_or("job");
    working_ = file_.parent_path();
    working_ = working_of(job);
    if (working_.empty()) working_ = ".";
    if (auto v = job.string("input_path")) {
        job_input_ = *v;
        check_input(job, "input_path", working_, job_input_);
    }
    // [job] device: its form now, the GPU when the job runs (the machine may be another).
    std::function<Device()> device;
    if (auto v = job.string("device")) {
        checked(job, "device", [&] { check_device_spec(*v, ""); });
        device = [file = file_, line = job.line("device"), key = job.name("device"), spec = *v] {
            try {
                return resolve_device(spec, "");
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::Usage) throw;
                jobfile::fail(file, line, key, e.reason());
            }
        };
    }
    job.finish();

    auto result = std::make_unique<StackJob>(name, working_, job_input_);
    if (device) result->set_device(std::move(device));
    const toml::array* actions_array = root.array("action");
    if (!actions_array || actions_array->empty())
        jobfile::fail(file_, root.line(), "action", "missing: at least one [[action]] table");
    for (size_t i = 0; i < actions_array->size(); ++i) {
        const toml::table* t = (*actions_array)[i].as_table();
        if (!t) jobfile::fail(file_, 0, "action", "expected [[action]] tables");
        TableReader r(file_, *t, "action[" + std::to_string(i + 1) + "]");
        const auto type = r.choice("type", {"Actions", "FocusStack", "FocusStackBunch", "MultiLayer", "NoiseDetection"});
        if (!type) r.fail("type", "missing: Actions, FocusStack, FocusStackBunch, MultiLayer or NoiseDetection");
        std::unique_ptr<Action> action;
        if (*type == "Actions") {
            const auto n = r.string("name");
            if (!n) r.fail("name", "missing: the action's name (also its default output_path)");
            action = actions(r, *n);
        } else if (*type == "FocusStack" || *type == "FocusStackBunch") {
            action = focus_stack(r, *type);
        } else if (*type == "NoiseDetection") {
            action = noise_detection(r);
        } else {
            const std::string n = r.string("name").value_or("multilayer");
            const fs::path working = working_of(r);
            input_paths(r, working);  // checked here; make_multilayer_action reads them
            action = jobfile::make_multilayer_action(r, n, r.has("working_path") ? working : fs::path());
            planned_.add(working / n);
        }
        result->add_action(std::move(action));
        first_action_ = false;
    }
    root.finish();
    return result;
}

}  // namespace

std::unique_ptr<StackJob> load_job_file(const fs::path& path) { return JobFileParser(path).parse(); }

}  // namespace fstack
