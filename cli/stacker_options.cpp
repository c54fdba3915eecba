// SPDX-License-Identifier: GPL-3.0-or-later
// The stacker options of the CLI, walked from the stackers' parameter tables.
#include "stacker_options.hpp"

#include <cerrno>
#include <cstdlib>

#include "fstack/error.hpp"

namespace fstack::cli {
namespace {

bool parse_number(const std::string& text, double& v) {
    if (text.empty()) return false;
    char* end = nullptr;
    v = std::strtod(text.c_str(), &end);
    return end != nullptr && *end == '\0';
}

const ParamSpec& spec_of(const StackerInfo& s, const std::string& key) { return *find_param(*s.params, key); }

// The value of a flag as the spec's number (a Choice's index); "" or the reason it is unusable.
std::string flag_value(ParamKind kind, const std::string& text, const ParamSpec& spec, double& v) {
    if (kind == ParamKind::Bool) {
        v = spec.default_value != 0 ? 0 : 1;  // the flag turns the default over
        return {};
    }
    if (kind == ParamKind::Choice) {
        const int i = spec.choice_index(text);
        if (i < 0) return "must be one of " + spec.range_text() + ", got '" + text + "'";
        v = i;
        return {};
    }
    if (kind == ParamKind::Int) {
        // Whole numbers as 64-bit integers, named exactly in the message, never narrowed first.
        char* end = nullptr;
        errno = 0;
        const long long i = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && end && *end == '\0') {
            if (errno == ERANGE) return "must be in " + spec.range_text() + ", got " + text;
            v = static_cast<double>(i);
            return spec.check_integer(i);
        }
    }
    if (!parse_number(text, v)) return "'" + text + "' is not a number";
    return spec.check(v);
}

// Refuses at parse time a value that no stacker declaring the flag accepts; a choice is
// brought to its canonical spelling (--map-type AVERAGE).
CLI::Validator flag_validator(StackerOptions::Flag& f) {
    std::string description;
    for (const StackerInfo* s : f.stackers)
        description += (description.empty() ? "" : "; ") +
                       (f.stackers.size() > 1 ? s->id + ": " : std::string()) + spec_of(*s, f.key).range_text();
    return CLI::Validator(
        [&f](std::string& text) -> std::string {
            std::string why;
            for (const StackerInfo* s : f.stackers) {
                double v = 0;
                const ParamSpec& spec = spec_of(*s, f.key);
                const std::string w = flag_value(f.kind, text, spec, v);
                if (w.empty()) {
                    if (f.kind == ParamKind::Choice) text = spec.choices[static_cast<size_t>(v)].id;
                    return {};
                }
                if (why.empty()) why = w;
            }
            return why;
        },
        description);
}

std::string flag_help(const StackerOptions::Flag& f) {
    if (f.stackers.size() == 1) return spec_of(*f.stackers.front(), f.key).cli_help();
    std::string help, defaults;
    for (const StackerInfo* s : f.stackers) {
        const ParamSpec& spec = spec_of(*s, f.key);
        help += (help.empty() ? "" : "; ") + s->id + ": " + spec.cli_help();
        defaults += (defaults.empty() ? "" : ", ") + spec.default_text() + " (" + s->id + ")";
    }
    return help + " [default: " + defaults + "]";
}

}  // namespace

double StackerOptions::value(const std::string& key) const {
    auto it = values.find(key);
    if (it != values.end()) return it->second;
    const StackerInfo& s = info ? *info : stacker_info(stacker);
    const ParamSpec* spec = find_param(*s.params, key);
    if (!spec) throw Error(ErrorKind::Internal, "stacker " + s.id + " has no parameter " + key);
    return spec->default_value;
}

void add_stacker_options(CLI::App& app, StackerOptions& o) {
    std::vector<std::string> ids;
    std::string help = "Fusion method:";
    for (const StackerInfo& s : stacker_registry()) {
        ids.push_back(s.id);
        help += std::string(ids.size() > 1 ? ";" : "") + " " + s.id + " (" + s.help + ")";
    }
    app.add_option("--stacker", o.stacker, help)
        ->check(CLI::IsMember(ids, CLI::ignore_case))
        ->capture_default_str()
        ->group("Stacker");

    // One flag per distinct CLI flag, in the order the tables declare them.
    for (const StackerInfo& s : stacker_registry()) {
        for (const ParamSpec& spec : *s.params) {
            StackerOptions::Flag* flag = nullptr;
            for (StackerOptions::Flag& f : o.flags)
                if (f.flag == spec.cli_flag()) flag = &f;
            if (!flag) {
                o.flags.push_back({spec.cli_flag(), spec.key, spec.kind, {}, {}, false, nullptr});
                flag = &o.flags.back();
            }
            flag->stackers.push_back(&s);
        }
    }
    for (StackerOptions::Flag& f : o.flags) {
        std::string group;
        for (const StackerInfo* s : f.stackers) group += (group.empty() ? "" : " / ") + s->group;
        if (f.kind == ParamKind::Bool) {
            f.option = app.add_flag(f.flag, f.on, flag_help(f))->group(group);
            continue;
        }
        f.option = app.add_option(f.flag, f.text, flag_help(f))
                       ->transform(flag_validator(f))
                       ->type_name(f.kind == ParamKind::Int ? "INT" : f.kind == ParamKind::Number ? "FLOAT" : "TEXT")
                       ->group(group);
        if (f.stackers.size() == 1) f.option->default_str(spec_of(*f.stackers.front(), f.key).default_text());
    }
}

void check_stacker_options(StackerOptions& o) {
    o.info = &stacker_info(o.stacker);
    o.values.clear();
    for (const StackerOptions::Flag& f : o.flags) {
        if (f.option == nullptr || f.option->count() == 0) continue;
        const ParamSpec* spec = find_param(*o.info->params, f.key);
        // Options of a stacker not chosen would silently do nothing: refuse them.
        if (!spec) throw Error(ErrorKind::Usage, f.flag + " does not apply to --stacker " + o.stacker);
        double v = 0;
        const std::string why = flag_value(f.kind, f.text, *spec, v);
        if (!why.empty()) throw Error(ErrorKind::Usage, f.flag + " " + why + " with --stacker " + o.stacker);
        o.values[f.key] = v;
    }
    // The constructor's check is the one validation: make the stacker once now, before any file
    // is read.
    o.info->make(o.values);
}

std::unique_ptr<Stacker> make_stacker(const StackerOptions& o) {
    const StackerInfo& s = o.info ? *o.info : stacker_info(o.stacker);
    return s.make(o.values);
}

}  // namespace fstack::cli
