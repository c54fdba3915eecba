// SPDX-License-Identifier: GPL-3.0-or-later
// How deep a TOML document nests, from its text, before a recursive parser sees it.
#include "job/toml_nesting.hpp"

#include <cctype>
#include <string>
#include <vector>

#include "job/job_file_reader.hpp"

namespace fstack::jobfile {

void check_toml_nesting(const std::filesystem::path& file, const std::string& text) {
    enum class State { Code, Comment, Basic, Literal, MultiBasic, MultiLiteral } st = State::Code;
    int line = 1;
    bool line_start = true;  // only blanks so far on this line
    bool header = false;     // inside "[a.b]" or "[[a.b]]"
    int table_depth = 0;     // levels of the current table, from its header
    int chain = 0;           // levels of the dotted key (or value) being read
    int key_levels = 0;      // levels of the key before the last '='
    std::vector<int> open;   // levels each open inline array or table adds
    int open_levels = 0;     // their sum
    const auto check = [&] {
        const int depth = (header ? 0 : table_depth) + open_levels + chain + 1;
        if (depth > kMaxTomlNesting)
            fail(file, line, "",
                 "tables, keys or arrays nested more than " + std::to_string(kMaxTomlNesting) +
                     " levels deep (a job file needs 3): refused before parsing");
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
        if (c == '\n') {
            ++line;
            if (st == State::Comment) st = State::Code;
            if (st == State::Code) {
                line_start = true;
                chain = 0;
            }
            continue;
        }
        switch (st) {
            case State::Comment: continue;
            case State::Basic:
                if (c == '\\') ++i;
                else if (c == '"') st = State::Code;
                continue;
            case State::MultiBasic:
                if (c == '\\') ++i;
                else if (c == '"' && triple) { st = State::Code; i += 2; }
                continue;
            case State::Literal:
                if (c == '\'') st = State::Code;
                continue;
            case State::MultiLiteral:
                if (c == '\'' && triple) { st = State::Code; i += 2; }
                continue;
            case State::Code: break;
        }
        const bool at_line_start = line_start;
        if (c != ' ' && c != '\t' && c != '\r') line_start = false;
        if (c == '"' || c == '\'') {  // a quoted key part (or a string value): the chain goes on
            st = c == '"' ? (triple ? State::MultiBasic : State::Basic) : (triple ? State::MultiLiteral : State::Literal);
            i += triple ? 2 : 0;
        } else if (c == '#') {
            st = State::Comment;
        } else if (c == '.') {
            ++chain;
            check();
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == ' ' ||
                   c == '\t' || c == '\r') {
            // part of a key or a bare value
        } else if (c == '[' && at_line_start && open.empty()) {
            header = true;
            chain = 0;
            if (i + 1 < text.size() && text[i + 1] == '[') ++i;
        } else if (c == ']' && header) {
            table_depth = chain + 1;
            header = false;
            chain = 0;
            if (i + 1 < text.size() && text[i + 1] == ']') ++i;
        } else if (c == '=') {
            key_levels = chain;
            chain = 0;
        } else if (c == '[' || c == '{') {
            const int levels = key_levels + 1;
            open.push_back(levels);
            open_levels += levels;
            key_levels = 0;
            chain = 0;
            check();
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open_levels -= open.back();
            open.pop_back();
            chain = 0;
        } else {  // ',' and anything else ends a key or a value
            chain = 0;
            key_levels = 0;
        }
    }
}

}  // namespace fstack::jobfile
