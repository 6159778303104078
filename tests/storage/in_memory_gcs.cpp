// The in-memory Cloud Storage of the storage tests.
#include "storage/in_memory_gcs.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

namespace vgsales::storage::testing {
namespace {

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::strtol(text.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> fields;
  std::size_t start = 0;
  while (start < query.size()) {
    const auto end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    const auto equals = pair.find('=');
    fields[pair.substr(0, equals)] = equals == std::string::npos ? "" : percent_decode(pair.substr(equals + 1));
    start = end + 1;
  }
  return fields;
}

std::string object_json(const std::string& name, const InMemoryGcs::Stored& stored) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("name");
  writer.String(name.c_str());
  writer.Key("generation");
  writer.String(std::to_string(stored.generation).c_str());  // int64 fields are strings in the JSON API
  writer.Key("size");
  writer.String(std::to_string(stored.bytes.size()).c_str());
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace

long long InMemoryGcs::put(const std::string& name, const std::string& bytes) {
  objects_[name] = {bytes, ++next_generation_};
  return next_generation_;
}

std::optional<InMemoryGcs::Stored> InMemoryGcs::get(const std::string& name) const {
  const auto found = objects_.find(name);
  if (found == objects_.end()) return std::nullopt;
  return found->second;
}

Result<HttpResponse> InMemoryGcs::send(const HttpRequest& request) {
  requests.push_back(request);
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (request.url.find(it->first) == std::string::npos) continue;
    const Failure failure = it->second;
    failures_.erase(it);
    if (failure.status == 0) return make_error(ErrorKind::io, request.url + ": " + failure.body);
    return HttpResponse{failure.status, failure.body};
  }
  const auto question = request.url.find('?');
  const std::string path = request.url.substr(0, question);
  const auto query = parse_query(question == std::string::npos ? "" : request.url.substr(question + 1));
  const std::string objects_path = "/storage/v1/b/b/o";
  const auto at = path.find(objects_path);
  if (path.find("/upload/storage/v1/b/b/o") != std::string::npos) return upload(request, query);
  if (at == std::string::npos) return HttpResponse{404, "{\"error\": \"no such bucket\"}"};
  const std::string rest = path.substr(at + objects_path.size());
  if (rest.empty()) return list(query);
  const std::string name = percent_decode(rest.substr(1));
  if (request.method == "DELETE") return HttpResponse{objects_.erase(name) ? 204L : 404L, ""};
  return download(name, query);
}

HttpResponse InMemoryGcs::list(const std::map<std::string, std::string>& query) const {
  const std::string prefix = query.count("prefix") ? query.at("prefix") : "";
  const std::size_t first = query.count("pageToken") ? std::stoul(query.at("pageToken")) : 0;
  std::vector<std::string> names;
  for (const auto& [name, stored] : objects_) {
    if (name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  std::string body = "{\"kind\": \"storage#objects\", \"items\": [";
  for (std::size_t i = first; i < names.size() && i < first + 2; ++i) {
    body += (i > first ? "," : "") + object_json(names[i], objects_.at(names[i]));
  }
  body += "]";
  if (first + 2 < names.size()) body += ", \"nextPageToken\": \"" + std::to_string(first + 2) + "\"";
  return HttpResponse{200, body + "}"};
}

HttpResponse InMemoryGcs::download(const std::string& name, const std::map<std::string, std::string>& query) {
  if (download_hook_) download_hook_(name);
  const auto found = objects_.find(name);
  if (found == objects_.end()) return HttpResponse{404, "No such object: b/" + name};
  if (query.count("generation") && std::stoll(query.at("generation")) != found->second.generation) {
    return HttpResponse{404, "No such object: b/" + name + " at that generation"};
  }
  if (query.count("alt") && query.at("alt") == "media") return HttpResponse{200, found->second.bytes};
  return HttpResponse{200, object_json(name, found->second)};
}

HttpResponse InMemoryGcs::upload(const HttpRequest& request, const std::map<std::string, std::string>& query) {
  const std::string name = query.count("name") ? query.at("name") : "";
  if (name.empty()) return HttpResponse{400, "no name"};
  if (query.count("ifGenerationMatch") && query.at("ifGenerationMatch") == "0" && objects_.count(name)) {
    return HttpResponse{412, "{\"error\": {\"code\": 412, \"message\": \"conditionNotMet\"}}"};
  }
  put(name, request.body);
  return HttpResponse{200, object_json(name, objects_.at(name))};
}

}  // namespace vgsales::storage::testing
