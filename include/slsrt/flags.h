/*
 * slsrt/flags.h - feature flags: a flags document (Powertools for AWS
 * Lambda's schema, so one document serves functions in any language) read
 * from AWS AppConfig, cached, and evaluated against a context.
 *
 *     {"premium_features": {"default": false,
 *        "rules": {"premium customers": {"when_match": true,
 *          "conditions": [{"action": "EQUALS", "key": "tier", "value": "premium"}]}}},
 *      "new_checkout": {"default": false,
 *        "rules": {"a fifth of users": {"when_match": true,
 *          "conditions": [{"action": "MODULO_RANGE", "key": "user_id",
 *                          "value": {"BASE": 100, "START": 0, "END": 19}}]}}},
 *      "banner": {"boolean_type": false, "default": {"text": "Hello"}}}
 *
 * A flag's value is the when_match of the first rule (in document order)
 * whose conditions all hold for the context, else its default.  Actions:
 * EQUALS, NOT_EQUALS, KEY_GREATER_THAN_VALUE, KEY_GREATER_THAN_OR_EQUAL_VALUE,
 * KEY_LESS_THAN_VALUE, KEY_LESS_THAN_OR_EQUAL_VALUE, STARTSWITH, ENDSWITH,
 * IN, NOT_IN, KEY_IN_VALUE, KEY_NOT_IN_VALUE, VALUE_IN_KEY, VALUE_NOT_IN_KEY,
 * ALL_IN_VALUE, ANY_IN_VALUE, NONE_IN_VALUE, MODULO_RANGE (a context value
 * that is a string is bucketed by its FNV-1a hash: percentage rollouts by
 * user name), and the time windows SCHEDULE_BETWEEN_TIME_RANGE ("09:00" to
 * "17:00", across midnight too), SCHEDULE_BETWEEN_DATETIME_RANGE (ISO
 * times; without an offset, in the zone) and SCHEDULE_BETWEEN_DAYS_OF_WEEK,
 * each in its TIMEZONE (an IANA name read from /usr/share/zoneinfo; UTC when
 * absent; an unknown zone never holds).  A condition on a key the context
 * lacks does not hold.
 *
 * Thread-safe: one slsrt_flags serves every worker.
 */
#ifndef SLSRT_FLAGS_H
#define SLSRT_FLAGS_H

#include <jansson.h>

#include <slsrt/aws.h>
#include <slsrt/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct slsrt_flags slsrt_flags;

typedef struct slsrt_flags_config {
    /* The AppConfig configuration profile: read through the AppConfig
     * Lambda extension when AWS_APPCONFIG_EXTENSION_HTTP_PORT (or another
     * AWS_APPCONFIG_EXTENSION_* variable) is set, else through AppConfig
     * Data (StartConfigurationSession, GetLatestConfiguration; signed;
     * AWS_ENDPOINT_URL_APPCONFIGDATA honoured). */
    const char *application, *environment, *profile;
    int poll_interval;    /* seconds between reads (default 60, at least 15) */
    const char *document; /* or the document itself (JSON text): nothing is fetched */
    void *reserved[4];
} slsrt_flags_config;

/* New (slsrt_flags_free); aws is borrowed (the runtime's client).  NULL for a
 * config naming neither a profile nor a valid document, or out of memory. */
SLSRT_API slsrt_flags *slsrt_flags_new(slsrt_aws *aws, const slsrt_flags_config *config);
SLSRT_API void slsrt_flags_free(slsrt_flags *flags);

/*
 * The value of flag `name` for context (a JSON object, borrowed; NULL is {}):
 * a new reference.  default_value (borrowed) when the flag is not in the
 * document or no document could be read (the reason is logged once).
 * A document read before keeps serving when a refresh fails.
 */
SLSRT_API json_t *slsrt_flags_value(slsrt_flags *flags, const char *name, const json_t *context,
                                    const json_t *default_value);
/* The same for a boolean flag: 1 or 0 (default_value when it cannot say). */
SLSRT_API int slsrt_flags_enabled(slsrt_flags *flags, const char *name, const json_t *context, int default_value);
/* The names of the boolean flags that are on for context: a new array. */
SLSRT_API json_t *slsrt_flags_enabled_list(slsrt_flags *flags, const json_t *context);
/* Evaluate one flag of a document directly (no fetching); NULL when the flag is absent. New reference. */
SLSRT_API json_t *slsrt_flags_evaluate(const json_t *document, const char *name, const json_t *context);

#ifdef __cplusplus
}
#endif

#endif /* SLSRT_FLAGS_H */
