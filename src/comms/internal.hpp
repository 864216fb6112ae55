// Internal to the mail sources: the check of an organisation's template.
#pragma once

#include "switchboard/mailer.hpp"

namespace switchboard {

// Error(invalid_argument) naming the field: an unknown kind, an empty
// subject or text, a subject of more than one line, a placeholder the kind
// does not have, verify or reset switched off.
void check_mail_template(const MailTemplate& t);

}  // namespace switchboard
