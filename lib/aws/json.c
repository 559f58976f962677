/*
 * json.c - the AWS JSON protocol: POST / with X-Amz-Target and
 * application/x-amz-json-1.0 or 1.1, whichever the service speaks.
 */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * The signing names whose JSON-protocol models are version 1.0 (from the
 * AWS SDKs' service models; "ses" is Mail Manager's); the others speak 1.1.
 */
static const char *content_type(const char *service)
{
    static const char *const v10[] = {
        "aoss", "apprunner", "arc-region-switch", "b2bi", "backup-gateway", "bcm-dashboards",
        "bcm-pricing-calculator", "bcm-recommended-actions", "billing", "cassandra", "cloudcontrolapi",
        "codeconnections", "codestar-connections", "compute-optimizer", "cost-optimization-hub", "dynamodb", "evs",
        "freetier", "healthlake", "invoicing", "iotfleetwise", "kendra-ranking", "lookoutequipment",
        "network-firewall", "odb", "partnercentral-selling", "payment-cryptography", "pcs", "proton", "qldb",
        "route53-recovery-cluster", "ses", "sms-voice", "sqs", "states", "swf", "timestream", "timestream-influxdb",
        "verifiedpermissions", "voiceid", "workspaces-instances",
    };
    for (size_t i = 0; i < sizeof v10 / sizeof *v10; i++)
        if (!strcmp(service, v10[i]))
            return "application/x-amz-json-1.0";
    return "application/x-amz-json-1.1";
}

slsrt_aws_response *slsrt_aws_json(slsrt_aws *aws, const char *service, const char *target, json_t *input)
{
    slsrt_aws_request *req = service && target ? slsrt_aws_request_new("POST", service, "/") : NULL;
    char *body = input ? json_dumps(input, JSON_COMPACT) : strdup("{}");
    slsrt_aws_response *res = NULL;
    if (req && body && !slsrt_aws_request_header(req, "Content-Type", content_type(service)) &&
        !slsrt_aws_request_header(req, "X-Amz-Target", target) &&
        !slsrt_aws_request_body(req, body, strlen(body))) {
        res = slsrt_aws_send(aws, req);
    } else if ((res = slsrt__aws_response_new())) {
        slsrt__aws_response_fail(res, "Slsrt.InvalidRequest",
                                 !service || !target ? "a service and a target are required"
                                 : !body             ? "the input cannot be written as JSON"
                                                     : "the request cannot be built");
    }
    free(body);
    slsrt_aws_request_free(req);
    return res;
}
