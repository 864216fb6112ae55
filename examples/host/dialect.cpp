// switchboard-host: parameter reading shared by the dialects.
#include "dialect.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <limits>

namespace switchboard::host {

void log_error(std::string_view dialect, const Request& req, std::string_view what) {
    std::fprintf(stderr, "error: %.*s %s %s: %.*s\n", static_cast<int>(dialect.size()), dialect.data(),
                 req.method.c_str(), req.route.empty() ? req.path.c_str() : req.route.c_str(),
                 static_cast<int>(what.size()), what.data());
    std::fflush(stderr);
}

std::string json_text(const boost::json::value& v) { return boost::json::serialize(v); }

std::optional<std::int64_t> parse_whole(std::string_view text) {
    std::size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
    // At most 18 digits: no overflow, and more than any id or setting needs.
    if (i == text.size() || text.size() - i > 18) return std::nullopt;
    std::int64_t v = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        v = v * 10 + (text[i] - '0');
    }
    return text[0] == '-' ? -v : v;
}

std::string safe_name(std::string_view name) {
    bool ok = !name.empty() && name.size() <= 64;
    for (unsigned char c : name)
        ok = ok && (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/');
    return ok ? std::string(name) : std::string("(unreadable name)");
}

Params Params::from_body(const Request& req, bool allow_invalid_utf8) {
    Params p;
    if (req.is_form) {
        p.form_ = true;
        for (const auto& [k, v] : req.form) p.obj_[k] = v;
        return p;
    }
    std::string_view body = req.body;
    while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                             body.front() == '\t'))
        body.remove_prefix(1);
    if (body.empty()) return p;
    boost::json::parse_options options;
    options.allow_invalid_utf8 = allow_invalid_utf8;
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(body, ec, {}, options);
    if (ec || !v.is_object()) throw DatatypeError{};
    p.obj_ = std::move(v.as_object());
    return p;
}

Params Params::from_query(const Request& req) {
    Params p;
    p.form_ = true;
    for (const auto& [k, v] : req.query) p.obj_[k] = v;
    return p;
}

const boost::json::value* Params::find(std::string_view key) const {
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &it->value();
}

std::optional<std::string> Params::string(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw DatatypeError{std::string(key)};
    return std::string(v->as_string());
}

namespace {

std::optional<std::int64_t> json_integer(const boost::json::value& v) {
    if (v.is_int64()) return v.as_int64();
    if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v.as_uint64());
    return std::nullopt;
}

std::optional<bool> text_flag(std::string_view s) {
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> Params::integer(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> n =
        form_ && v->is_string() ? parse_whole(v->as_string()) : json_integer(*v);
    if (!n) throw DatatypeError{std::string(key)};
    return n;
}

std::optional<bool> Params::boolean(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_bool()) return v->as_bool();
    if (form_ && v->is_string())
        if (auto b = text_flag(v->as_string())) return b;
    throw DatatypeError{std::string(key)};
}

std::optional<std::string> Params::text(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_string()) return std::string(v->as_string());
    if (auto n = json_integer(*v)) return std::to_string(*n);
    throw DatatypeError{std::string(key)};
}

std::optional<std::int64_t> Params::whole(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> n = v->is_string() ? parse_whole(v->as_string()) : json_integer(*v);
    if (!n) throw DatatypeError{std::string(key)};
    return n;
}

std::optional<bool> Params::flag(std::string_view key) const {
    const auto* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_bool()) return v->as_bool();
    if (v->is_string())
        if (auto b = text_flag(v->as_string())) return b;
    if (auto n = json_integer(*v); n && (*n == 0 || *n == 1)) return *n == 1;
    throw DatatypeError{std::string(key)};
}

namespace {
void flatten_into(const boost::json::object& obj, const std::string& prefix,
                  std::vector<std::pair<std::string, const boost::json::value*>>& out) {
    for (const auto& kv : obj) {
        std::string key = prefix.empty() ? std::string(kv.key()) : prefix + "/" + std::string(kv.key());
        if (kv.value().is_object())
            flatten_into(kv.value().as_object(), key, out);
        else
            out.emplace_back(std::move(key), &kv.value());
    }
}
}  // namespace

std::vector<std::pair<std::string, const boost::json::value*>> Params::flattened() const {
    std::vector<std::pair<std::string, const boost::json::value*>> out;
    flatten_into(obj_, "", out);
    return out;
}

// ------------------------------------------------------------------ JsonOut

void JsonOut::separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!empty_.empty()) {
        if (!empty_.back()) out_ += ',';
        empty_.back() = false;
    }
}

JsonOut& JsonOut::open_object() {
    separate();
    out_ += '{';
    empty_.push_back(true);
    return *this;
}

JsonOut& JsonOut::close_object() {
    out_ += '}';
    empty_.pop_back();
    return *this;
}

JsonOut& JsonOut::open_array() {
    separate();
    out_ += '[';
    empty_.push_back(true);
    return *this;
}

JsonOut& JsonOut::close_array() {
    out_ += ']';
    empty_.pop_back();
    return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
    string(name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonOut& JsonOut::string(std::string_view value) {
    separate();
    append_json_string(out_, value);
    return *this;
}

std::string bearer_from(const Request& req, std::initializer_list<const char*> headers) {
    const std::string* h = nullptr;
    for (const char* name : headers)
        if ((h = req.header(name))) break;
    if (!h) return {};
    std::string_view v = *h;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (v.size() < 7 || (v.substr(0, 7) != "Bearer " && v.substr(0, 7) != "bearer ")) return {};
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return std::string(v);
}

}  // namespace switchboard::host
