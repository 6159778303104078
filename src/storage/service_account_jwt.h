// The service-account JWT of Google's OAuth 2.0 server-to-server flow
// (https://developers.google.com/identity/protocols/oauth2/service-account): a header {"alg":"RS256","typ":"JWT"},
// a claim set {iss, scope, aud, iat, exp}, each base64url-encoded, signed with RSASSA-PKCS1-v1_5 over SHA-256
// (RFC 7518 section 3.3) by the key file's private key (OpenSSL's libcrypto).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace vgsales::storage {

// A service-account key file (GOOGLE_APPLICATION_CREDENTIALS) as the console or `gcloud iam service-accounts keys
// create` writes it; only the fields the JWT grant needs.
struct ServiceAccountKey {
  std::string client_email;
  std::string private_key_id;
  std::string private_key_pem;
  std::string token_uri;
};

// Reads a key file; errors name the file and the field (a key of another type, such as an authorized_user file, is
// refused with what to do).
Result<ServiceAccountKey> parse_service_account_key(const std::string& json, const std::string& source);

// RFC 4648 section 5, without padding.
std::string base64url_encode(std::string_view bytes);

// header.claims.signature, valid from `issued_at` (seconds since the epoch) for one hour, for `scope`.
Result<std::string> make_service_account_jwt(const ServiceAccountKey& key, const std::string& scope,
                                             long long issued_at);

}  // namespace vgsales::storage
