// Internal: the SMS gateway adapter (messages.hpp's SmsGatewayOptions):
// Kannel's HTTP sendsms interface over libcurl. Another gateway (Africa's
// Talking, an operator's HTTP API) is another class with the same send();
// docs/messages.md says how to add one.
#pragma once

#include <string>
#include <string_view>

#include "switchboard/messages.hpp"

namespace switchboard {

struct SmsSendResult {
    bool accepted = false;   // the gateway took it (2xx)
    bool permanent = false;  // refused for good (4xx): sending again will not help
    int status = 0;          // the HTTP status, 0 when there was no gateway to answer
    std::string reply;       // the gateway's answer ("0: Accepted for delivery"), or the transport's error
};

class SmsGateway {
public:
    explicit SmsGateway(const SmsGatewayOptions& options);
    // One SMS to one number; `dlr_url` ("" for none) is where the gateway
    // reports its delivery (Kannel substitutes %d, %A ... in it).
    SmsSendResult send(std::string_view to, std::string_view text, std::string_view dlr_url);

private:
    const SmsGatewayOptions& options_;
};

}  // namespace switchboard
