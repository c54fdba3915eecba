// SPDX-License-Identifier: GPL-3.0-or-later
#include "job/job_file_reader.hpp"

#include <algorithm>
#include <sstream>

#include "fstack/error.hpp"

namespace fstack::jobfile {

void fail(const std::filesystem::path& file, int line, const std::string& key, const std::string& what) {
    std::string where = line > 0 ? "line " + std::to_string(line) : std::string();
    if (!key.empty()) where += (where.empty() ? "" : ": ") + std::string("key '") + key + "'";
    throw Error(ErrorKind::Usage, file.string(), -1, where + (where.empty() ? "" : ": ") + what);
}

TableReader::TableReader(const std::filesystem::path& file, const toml::table& table, std::string prefix)
    : file_(file), table_(table), prefix_(std::move(prefix)) {}

int TableReader::line() const { return static_cast<int>(table_.source().begin.line); }

int TableReader::line(const std::string& key) const {
    const toml::node* n = table_.get(key);
    return n ? static_cast<int>(n->source().begin.line) : line();
}

void TableReader::fail(const std::string& key, const std::string& what) const {
    jobfile::fail(file_, line(key), name(key), what);
}

const toml::node* TableReader::node(const std::string& key) {
    used_.insert(key);
    return table_.get(key);
}

std::optional<std::string> TableReader::string(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, "expected a string");
    return n->value<std::string>();
}

std::optional<long long> TableReader::integer(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) {
        if (const auto f = n->value_exact<double>()) {
            std::ostringstream text;
            text << *f;
            fail(key, "expected a whole number, got " + text.str());
        }
        fail(key, "expected an integer");
    }
    return n->value<long long>();
}

std::optional<double> TableReader::number(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_number()) fail(key, "expected a number");
    return n->value<double>();
}

std::optional<bool> TableReader::boolean(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, "expected true or false");
    return n->value<bool>();
}

std::optional<std::vector<std::string>> TableReader::strings(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (n->is_string()) return std::vector<std::string>{*n->value<std::string>()};
    if (!n->is_array()) fail(key, "expected a string or an array of strings");
    std::vector<std::string> out;
    for (const auto& e : *n->as_array()) {
        if (!e.is_string()) fail(key, "expected an array of strings");
        out.push_back(*e.value<std::string>());
    }
    return out;
}

std::optional<std::vector<double>> TableReader::numbers(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_array()) fail(key, "expected an array of numbers");
    std::vector<double> out;
    for (const auto& e : *n->as_array()) {
        if (!e.is_number()) fail(key, "expected an array of numbers");
        out.push_back(*e.value<double>());
    }
    return out;
}

const toml::table* TableReader::table(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(key, "expected a table, e.g. { type = \"...\" }");
    return n->as_table();
}

const toml::array* TableReader::array(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_array()) fail(key, "expected an array");
    return n->as_array();
}

std::optional<std::string> TableReader::choice(const std::string& key, std::initializer_list<const char*> choices) {
    return choice(key, std::vector<std::string>(choices.begin(), choices.end()));
}

std::optional<std::string> TableReader::choice(const std::string& key, const std::vector<std::string>& choices) {
    const auto v = string(key);
    if (!v) return v;
    for (const std::string& c : choices)
        if (*v == c) return v;
    fail(key, "'" + *v + "' is not one of " + join(choices, ", "));
}

void fail_at(TableReader& r, const std::string& name, const std::string& what) {
    const size_t dot = name.find('.');
    if (dot != std::string::npos && r.has(name.substr(0, dot))) {
        if (const toml::table* t = r.table(name.substr(0, dot))) {
            TableReader sub(r.file(), *t, r.name(name.substr(0, dot)));
            sub.fail(name.substr(dot + 1), what);
        }
    }
    r.fail(name, what);
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : separator) + i;
    return s;
}

namespace {

// The value of `spec` under `key` in `r`, if there, into `values`.
void read_param(TableReader& r, const ParamSpec& spec, const std::string& key, ParamValues& values) {
    const std::string name = spec.name();
    switch (spec.kind) {
    case ParamKind::Int:
        if (auto v = r.integer(key)) {
            // Checked as the 64-bit integer the file holds, before anything narrows it.
            const std::string why = spec.check_integer(*v);
            if (!why.empty()) r.fail(key, why);
            values[name] = static_cast<double>(*v);
        }
        break;
    case ParamKind::Number:
        if (const toml::node* n = r.has(key) ? r.peek(key) : nullptr; n && n->is_integer()) {
            const std::string why = spec.check_integer(*n->value<long long>());
            if (!why.empty()) r.fail(key, why);
        }
        if (auto v = r.number(key)) {
            const std::string why = spec.check(*v);
            if (!why.empty()) r.fail(key, why);
            values[name] = *v;
        }
        break;
    case ParamKind::Bool:
        if (auto v = r.boolean(key)) values[name] = *v ? 1 : 0;
        break;
    case ParamKind::Choice: {
        std::vector<std::string> names;
        for (const ParamChoice& c : spec.choices) names.push_back(c.seed);
        if (auto v = r.choice(key, names)) values[name] = spec.choice_index(*v);
        break;
    }
    }
}

}  // namespace

ParamValues read_params(TableReader& r, const std::vector<ParamSpec>& specs,
                        const std::function<void(const std::string&, TableReader&)>& extra) {
    ParamValues values;
    std::vector<std::string> sections;
    for (const ParamSpec& spec : specs) {
        if (spec.section.empty()) read_param(r, spec, spec.key, values);
        else if (std::find(sections.begin(), sections.end(), spec.section) == sections.end())
            sections.push_back(spec.section);
    }
    if (extra) extra("", r);
    for (const std::string& section : sections) {
        const toml::table* t = r.table(section);
        if (!t) continue;
        TableReader sub(r.file(), *t, r.name(section));
        for (const ParamSpec& spec : specs)
            if (spec.section == section) read_param(sub, spec, spec.key, values);
        if (extra) extra(section, sub);
        sub.finish();
    }
    for (const ParamSpec& spec : specs)
        if (!spec.alias.empty()) read_param(r, spec, spec.alias, values);
    return values;
}

void TableReader::finish() const {
    for (auto&& [k, v] : table_) {
        const std::string key(k.str());
        if (!used_.count(key))
            jobfile::fail(file_, static_cast<int>(k.source().begin.line), name(key),
                          "unknown key (misspelt, or not an option of this action)");
    }
}

}  // namespace fstack::jobfile
