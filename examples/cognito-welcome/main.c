/*
 * cognito-welcome - a Cognito user pool's post-confirmation trigger: once
 * a user confirms their sign-up, send them a welcome email with Amazon SES
 * (the v2 API's SendEmail), and hand the event back unchanged.
 *
 * The sender address is configuration, kept in SSM Parameter Store: the
 * init hook reads the parameter named by SENDER_PARAMETER (default
 * /slsrt/examples/cognito-welcome/sender) once.
 *
 *   PostConfirmation_ConfirmSignUp          -> email to request.userAttributes.email
 *   PostConfirmation_ConfirmForgotPassword  -> no email (not a new user)
 *   any event                               -> the event itself, as Cognito expects
 *
 * A failed send is logged and does not fail the trigger: the user is
 * confirmed either way, and failing would only show them an error.
 * The role needs ssm:GetParameter on the parameter and ses:SendEmail on
 * the sender's identity.  Locally, `make run` points it at
 * tests/node/fake-aws.js, which checks each request's signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slsrt/slsrt.h>

static int init(slsrt_runtime *rt)
{
    const char *param = getenv("SENDER_PARAMETER");
    slsrt_aws_error err;
    char *sender = slsrt_aws_parameter(slsrt_runtime_aws(rt), param ? param : "/slsrt/examples/cognito-welcome/sender",
                                       &err);
    if (!sender)
        return slsrt_runtime_fail(rt, "Function.ConfigMissing", "the sender address: %s (%s)", err.message, err.type);
    slsrt_runtime_set_user_data(rt, sender); /* kept for the life of the process */
    return 0;
}

/* SES v2 SendEmail: a REST-JSON call, signed for "ses". */
static void send_welcome(slsrt_invocation *inv, const char *sender, const char *to, const char *name)
{
    char subject[256], text[1024];
    snprintf(subject, sizeof subject, "Welcome, %s!", name);
    snprintf(text, sizeof text, "Hello %s,\n\nyour account is ready. Thanks for signing up!\n", name);
    json_t *body = json_pack("{s:s, s:{s:[s]}, s:{s:{s:{s:s, s:s}, s:{s:{s:s, s:s}}}}}", "FromEmailAddress", sender,
                             "Destination", "ToAddresses", to, "Content", "Simple", "Subject", "Data", subject,
                             "Charset", "UTF-8", "Body", "Text", "Data", text, "Charset", "UTF-8");
    char *json = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    slsrt_aws_request *req = slsrt_aws_request_new("POST", "ses", "/v2/email/outbound-emails");
    slsrt_aws_request_header(req, "Content-Type", "application/json");
    slsrt_aws_request_body(req, json, json ? strlen(json) : 0);
    slsrt_aws_response *res = slsrt_aws_send(slsrt_invocation_aws(inv), req);
    if (slsrt_aws_response_ok(res)) {
        const char *id = json_string_value(json_object_get(slsrt_aws_response_json(res), "MessageId"));
        slsrt_log_info("welcome email sent to %s (MessageId %s)", to, id ? id : "?");
    } else {
        slsrt_log_error("the welcome email to %s was not sent: %s (%s)", to, slsrt_aws_response_error_message(res),
                        slsrt_aws_response_error_type(res));
    }
    slsrt_aws_response_free(res);
    slsrt_aws_request_free(req);
    free(json);
}

static int handler(slsrt_invocation *inv, slsrt_response *res)
{
    json_t *event = slsrt_invocation_event_json(inv);
    const char *source = slsrt_cognito_trigger_source(event);
    if (!source)
        return slsrt_response_fail(res, "Function.BadRequest", "not a Cognito user-pool trigger");
    if (!strcmp(source, "PostConfirmation_ConfirmSignUp")) {
        const json_t *attrs = json_object_get(slsrt_cognito_request(event), "userAttributes");
        const char *email = json_string_value(json_object_get(attrs, "email"));
        const char *name = json_string_value(json_object_get(attrs, "name"));
        if (email)
            send_welcome(inv, slsrt_invocation_user_data(inv), email, name ? name : slsrt_cognito_user_name(event));
        else
            slsrt_log_warn("user %s has no email attribute: no welcome email", slsrt_cognito_user_name(event));
    }
    return slsrt_response_set_json(res, slsrt_cognito_reply(event, NULL));
}

SLSRT_MAIN_WITH_INIT(init, handler)
