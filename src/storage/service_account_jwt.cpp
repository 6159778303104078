// Building and signing the service-account JWT.
#include "storage/service_account_jwt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <vector>

#include "common/json_fields.h"

namespace vgsales::storage {
namespace {

// Google accepts assertions valid for at most an hour.
constexpr long long kAssertionLifetimeSeconds = 3600;

std::string json_of_claims(const ServiceAccountKey& key, const std::string& scope, long long issued_at) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("iss");
  writer.String(key.client_email.c_str());
  writer.Key("scope");
  writer.String(scope.c_str());
  writer.Key("aud");
  writer.String(key.token_uri.c_str());
  writer.Key("iat");
  writer.Int64(issued_at);
  writer.Key("exp");
  writer.Int64(issued_at + kAssertionLifetimeSeconds);
  writer.EndObject();
  return buffer.GetString();
}

std::string json_of_header(const ServiceAccountKey& key) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("alg");
  writer.String("RS256");
  writer.Key("typ");
  writer.String("JWT");
  if (!key.private_key_id.empty()) {
    writer.Key("kid");
    writer.String(key.private_key_id.c_str());
  }
  writer.EndObject();
  return buffer.GetString();
}

Result<std::string> sign_rs256(const std::string& private_key_pem, const std::string& input) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(private_key_pem.data(),
                                                                static_cast<int>(private_key_pem.size())),
                                                BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!pkey || EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_RSA) {
    return make_error(ErrorKind::invalid_data, "the service-account key's private_key is not an RSA key in PEM form");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  if (!context || EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return make_error(ErrorKind::internal, "OpenSSL could not sign the service-account JWT");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return make_error(ErrorKind::internal, "OpenSSL could not sign the service-account JWT");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

Result<ServiceAccountKey> parse_service_account_key(const std::string& json, const std::string& source) {
  rapidjson::Document doc;
  VGSALES_TRY(parse_json_object(doc, json, source));
  const JsonFieldReader reader(source);
  VGSALES_ASSIGN_OR_RETURN(const std::string type, reader.string(doc, "type", "type"));
  if (type != "service_account") {
    return make_error(ErrorKind::invalid_data,
                      source + ": a key of type '" + type +
                          "' is not a service-account key; vgsales reads service-account keys "
                          "(GOOGLE_APPLICATION_CREDENTIALS) or the metadata server's credentials");
  }
  ServiceAccountKey key;
  VGSALES_ASSIGN_OR_RETURN(key.client_email, reader.string(doc, "client_email", "client_email"));
  VGSALES_ASSIGN_OR_RETURN(key.private_key_pem, reader.string(doc, "private_key", "private_key"));
  VGSALES_ASSIGN_OR_RETURN(key.token_uri, reader.string(doc, "token_uri", "token_uri"));
  if (doc.HasMember("private_key_id") && doc["private_key_id"].IsString()) {
    key.private_key_id = doc["private_key_id"].GetString();
  }
  return key;
}

std::string base64url_encode(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  const int written =
      EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(written));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

Result<std::string> make_service_account_jwt(const ServiceAccountKey& key, const std::string& scope,
                                             long long issued_at) {
  const std::string signing_input = base64url_encode(json_of_header(key)) + "." +
                                    base64url_encode(json_of_claims(key, scope, issued_at));
  VGSALES_ASSIGN_OR_RETURN(const std::string signature, sign_rs256(key.private_key_pem, signing_input));
  return signing_input + "." + base64url_encode(signature);
}

}  // namespace vgsales::storage
