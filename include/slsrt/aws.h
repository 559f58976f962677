/*
 * slsrt/aws.h - calling AWS from a function: the credentials Lambda gives
 * it, SigV4-signed HTTPS requests, the JSON-protocol services, and
 * configuration from SSM Parameter Store and Secrets Manager.
 *
 * libcurl and OpenSSL's libcrypto are loaded on the first call that needs
 * them: a function that never calls AWS never maps them.
 *
 * Where things come from (the names every AWS SDK reads):
 *   region       AWS_REGION (Lambda sets it), else AWS_DEFAULT_REGION
 *   credentials  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
 *                else the container endpoint AWS_CONTAINER_CREDENTIALS_FULL_URI
 *                (or _RELATIVE_URI) with AWS_CONTAINER_AUTHORIZATION_TOKEN
 *                (or _TOKEN_FILE), as after a SnapStart restore.  Those are
 *                refreshed five minutes before their Expiration by one
 *                thread while the others sign with the current ones, and
 *                again when a service says they expired; a failed refresh
 *                backs off (1 s doubling to 60 s); a call waits for a first
 *                fetch no longer than its deadline allows (5 s at most).
 *                Over plain http the endpoint must be loopback or the
 *                ECS/EKS agent (169.254.170.2, 169.254.170.23, fd00:ec2::23).
 *   endpoints    https://<service>.<region>.amazonaws.com, or
 *                AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL (local tests)
 *   attempts     AWS_MAX_ATTEMPTS (default 3, at most 10): throttling, 429,
 *                5xx, expired credentials (refetched first) and broken
 *                connections (a response cut short mid-body too) are
 *                retried with jittered exponential backoff, or after the
 *                Retry-After a 429 or 503 names, never past the
 *                invocation's deadline.  An attempt the deadline cuts short
 *                is Slsrt.DeadlineExceeded.
 *   CA bundle    SSL_CERT_FILE, else /etc/pki/tls/certs/ca-bundle.crt
 *                (Amazon Linux) or /etc/ssl/certs/ca-certificates.crt
 *
 * What is signed is what is sent: libcurl sends the path as computed (no
 * dot segments resolved, no re-encoding), every header with its value (an
 * empty one too), the body with any method (a GET with a body).  Paths:
 *   S3 and its family (s3, s3-object-lambda, s3-outposts, s3express)
 *   decode the key and encode it again strictly, keeping "." and ".."
 *   segments: "/b/year=2024/a b.json" written raw, in lower- or upper-case
 *   escapes, is the same key, sent as "/b/year%3D2024/a%20b.json".
 *   Other services get "." and ".." resolved and any byte a URL path cannot
 *   hold raw percent-encoded; what is already encoded stays as it is.
 *   A path in AWS_ENDPOINT_URL ("http://host/prefix") is kept in front.
 *
 * Responses: a body over the client's cap (64 MiB unless
 * slsrt_aws_set_max_response says otherwise) fails with
 * Slsrt.ResponseTooLarge.
 *
 * Secrets: credentials are kept in memory excluded from core dumps and are
 * wiped after each use; no log line or error message of slsrt holds a
 * credential, a signature or an Authorization header — an error a service
 * sends back is scrubbed of them first, even when it echoes the request.
 *
 * Environment references: before the init hook runs, every environment
 * variable whose value reads "ssm:<parameter name>" or
 * "secretsmanager:<secret id>[#<json key>]" is replaced by what it refers to
 * (SecureString parameters decrypted).  A reference that cannot be resolved
 * fails init with "Runtime.ConfigError" naming the variable.  Set
 * SLSRT_RESOLVE_ENV=0 to leave the environment alone.
 */
#ifndef SLSRT_AWS_H
#define SLSRT_AWS_H

#include <jansson.h>

#include <slsrt/common.h>
#include <slsrt/runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the client --------------------------------------------------------- */

/*
 * A client: credentials, connections kept open for reuse, the configuration
 * cache.  Safe to use from several threads at once.
 */
typedef struct slsrt_aws slsrt_aws;

/*
 * The runtime's client (borrowed; it lives as long as the runtime), shared by
 * every worker.  Use it from the init hook.
 */
SLSRT_API slsrt_aws *slsrt_runtime_aws(slsrt_runtime *rt);
/*
 * The runtime's client bound to one invocation (borrowed, valid until the
 * handler returns): retries stop before the invocation's deadline, and when
 * the invocation is traced each call carries an X-Amzn-Trace-Id header and is
 * recorded as an X-Ray subsegment.  Use this one from handlers.
 */
SLSRT_API slsrt_aws *slsrt_invocation_aws(slsrt_invocation *inv);
/* A client of its own, outside a runtime (new; slsrt_aws_free). NULL: no memory. */
SLSRT_API slsrt_aws *slsrt_aws_new(void);
/* Frees a client from slsrt_aws_new (the borrowed ones are ignored). */
SLSRT_API void slsrt_aws_free(slsrt_aws *aws);
/* The region calls go to (borrowed), NULL when none is configured. */
SLSRT_API const char *slsrt_aws_region(const slsrt_aws *aws);

/* ---- requests and responses -------------------------------------------- */

typedef struct slsrt_aws_request slsrt_aws_request;
typedef struct slsrt_aws_response slsrt_aws_response;

/*
 * A request to `service` (its SigV4 signing name: "dynamodb", "s3", "sqs",
 * "execute-api", ...).  `target` is a path and query relative to the
 * service's endpoint ("/my-bucket/photo.jpg?versionId=3"), or a whole URL
 * ("https://bucket.s3.eu-west-1.amazonaws.com/photo.jpg").  The path is
 * sent as given (percent-encoded); the query is decoded and sent in its
 * canonical encoding, so what is sent is what was signed.  New
 * (slsrt_aws_request_free); NULL for a bad argument or no memory.
 */
SLSRT_API slsrt_aws_request *slsrt_aws_request_new(const char *method, const char *service, const char *target);
/* Add a header (copied; a name may repeat).  SLSRT_EINVAL for CR or LF. */
SLSRT_API slsrt_status slsrt_aws_request_header(slsrt_aws_request *req, const char *name, const char *value);
/* The body (copied). */
SLSRT_API slsrt_status slsrt_aws_request_body(slsrt_aws_request *req, const void *data, size_t len);
/* Sign "UNSIGNED-PAYLOAD" instead of the body's hash (S3 uploads). */
SLSRT_API void slsrt_aws_request_unsigned_payload(slsrt_aws_request *req);
SLSRT_API void slsrt_aws_request_free(slsrt_aws_request *req);

/*
 * Sign and send, retrying what is worth retrying.  Returns a response (new,
 * slsrt_aws_response_free) whatever happened; NULL only when out of memory.
 * Check slsrt_aws_response_ok() before reading the result.
 */
SLSRT_API slsrt_aws_response *slsrt_aws_send(slsrt_aws *aws, const slsrt_aws_request *req);

/*
 * A JSON-protocol call (DynamoDB, SSM, Secrets Manager, SQS, Kinesis,
 * EventBridge, Step Functions, CloudWatch Logs, ...): POST / with
 * X-Amz-Target `target` (e.g. "DynamoDB_20120810.GetItem") and the JSON 1.0
 * or 1.1 content type the service speaks (1.0 for the 41 signing names the
 * SDKs' models give it: dynamodb, sqs, states, swf, timestream, cassandra,
 * qldb, aoss, cloudcontrolapi, verifiedpermissions, ...; 1.1 otherwise: for
 * a service missing from that list, send with slsrt_aws_send and your own
 * Content-Type).  input is borrowed (NULL is {}).
 * The result is slsrt_aws_response_json(); errors are parsed into
 * slsrt_aws_response_error_type() and _message().
 */
SLSRT_API slsrt_aws_response *slsrt_aws_json(slsrt_aws *aws, const char *service, const char *target,
                                             json_t *input);

/* 2xx. */
SLSRT_API int slsrt_aws_response_ok(const slsrt_aws_response *res);
/* The HTTP status; 0 when no answer came (no credentials, network, deadline). */
SLSRT_API int slsrt_aws_response_status(const slsrt_aws_response *res);
/* A response header (borrowed, case-insensitive name), NULL when absent. */
SLSRT_API const char *slsrt_aws_response_header(const slsrt_aws_response *res, const char *name);
/* The body (borrowed, NUL-terminated; "" when none); its length in *len. */
SLSRT_API const char *slsrt_aws_response_body(const slsrt_aws_response *res, size_t *len);
/* The body parsed as JSON (borrowed; parsed once); NULL when it is not JSON. */
SLSRT_API json_t *slsrt_aws_response_json(slsrt_aws_response *res);
/*
 * Why it failed (borrowed), NULL when ok: the service's error code
 * ("ResourceNotFoundException", "ThrottlingException", "AccessDenied", ...)
 * from a JSON or XML error body or X-Amzn-ErrorType, or slsrt's own:
 * "Slsrt.NoCredentials", "Slsrt.NoRegion", "Slsrt.Network",
 * "Slsrt.DeadlineExceeded", "Slsrt.Unavailable" (libcurl or libcrypto
 * missing), "Slsrt.HttpError" (an error status with no code in the body),
 * "Slsrt.InvalidRequest" (a bad target or endpoint), "Slsrt.ResponseTooLarge"
 * (over slsrt_aws_set_max_response), "Slsrt.NoMemory".
 */
SLSRT_API const char *slsrt_aws_response_error_type(const slsrt_aws_response *res);
/* The error message (borrowed), NULL when ok. Never holds a credential. */
SLSRT_API const char *slsrt_aws_response_error_message(const slsrt_aws_response *res);
/* The service's request id (borrowed), NULL when none. */
SLSRT_API const char *slsrt_aws_response_request_id(const slsrt_aws_response *res);
/* How many attempts were made (1 when the first answered). */
SLSRT_API int slsrt_aws_response_attempts(const slsrt_aws_response *res);
SLSRT_API void slsrt_aws_response_free(slsrt_aws_response *res);

/*
 * A presigned URL (new, free()): `target` as for slsrt_aws_request_new,
 * valid for expires_s seconds (1 to 604800).  NULL with *error filled (error
 * may be NULL) when there are no credentials or an argument is bad.
 */
typedef struct slsrt_aws_error {
    int status;        /* the HTTP status, 0 when no answer came */
    char type[128];    /* as slsrt_aws_response_error_type() */
    char message[384]; /* as slsrt_aws_response_error_message() */
} slsrt_aws_error;

SLSRT_API char *slsrt_aws_presign(slsrt_aws *aws, const char *method, const char *service, const char *target,
                                  long expires_s, slsrt_aws_error *error);

/*
 * A request signed for an HTTP client of the caller's own (since 1.7): the
 * URL to send it to and the headers to send with it, exactly as signed.
 * Send the URL's path and query byte for byte (no normalizing, no
 * re-encoding), every header (an empty value too: "Name:"), and the
 * request's body.  Signatures are good for 15 minutes.  New
 * (slsrt_aws_signed_free, which wipes it: it holds the Authorization header
 * and the session token); NULL with *error filled (error may be NULL) when
 * there are no credentials or an argument is bad.
 */
typedef struct slsrt_aws_signed slsrt_aws_signed;
SLSRT_API slsrt_aws_signed *slsrt_aws_sign_headers(slsrt_aws *aws, const slsrt_aws_request *req,
                                                   slsrt_aws_error *error);
/* The URL (borrowed). */
SLSRT_API const char *slsrt_aws_signed_url(const slsrt_aws_signed *s);
/* The headers to send, in order (borrowed): Host, X-Amz-Date, Authorization, ... */
SLSRT_API size_t slsrt_aws_signed_header_count(const slsrt_aws_signed *s);
SLSRT_API const char *slsrt_aws_signed_header_name(const slsrt_aws_signed *s, size_t i);
SLSRT_API const char *slsrt_aws_signed_header_value(const slsrt_aws_signed *s, size_t i);
SLSRT_API void slsrt_aws_signed_free(slsrt_aws_signed *s);

/* The largest response body the client accepts, in bytes (since 1.7);
 * 0 restores the default, 64 MiB.  Over it: Slsrt.ResponseTooLarge. */
SLSRT_API void slsrt_aws_set_max_response(slsrt_aws *aws, size_t bytes);

/* ---- configuration ------------------------------------------------------ */

/*
 * An SSM parameter's value (SecureString decrypted), or a Secrets Manager
 * secret's SecretString ("<id>#<key>" takes one key of a JSON secret).
 * Cached in the client for the cache TTL (default 300 s).  New: release
 * with slsrt_aws_value_free (it wipes the copy).  NULL with *error filled
 * (error may be NULL): the service's code, e.g. "ParameterNotFound",
 * "ResourceNotFoundException", or "Slsrt.NoSuchKey" for a missing #key.
 */
SLSRT_API char *slsrt_aws_parameter(slsrt_aws *aws, const char *name, slsrt_aws_error *error);
SLSRT_API char *slsrt_aws_secret(slsrt_aws *aws, const char *secret_id, slsrt_aws_error *error);
/*
 * A reference as in the environment ("ssm:/app/db-url",
 * "secretsmanager:prod/db#password") resolved; any other text is copied as
 * it is.  New (slsrt_aws_value_free); NULL as above.
 */
SLSRT_API char *slsrt_aws_config(slsrt_aws *aws, const char *reference, slsrt_aws_error *error);
/* Wipe and free a value from the calls above. NULL is ignored. */
SLSRT_API void slsrt_aws_value_free(char *value);
/* How long fetched values are reused, in seconds; 0 fetches every time. */
SLSRT_API void slsrt_aws_set_cache_ttl(slsrt_aws *aws, int seconds);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_AWS_H */
