/* accounts_demo: switchboard from C.
 *
 * Opens (or creates) a database, signs up an organisation, verifies its
 * email with the key the library put in its outbox, signs the admin in,
 * adds an agent and prints the organisation's users as JSON.
 *
 *   accounts_demo [database-file]     (default: accounts_demo.db)
 *
 * Every sb_* call returns 0 or a negative SB_E* code; sb_last_error() says
 * what went wrong. Strings the library returns are freed with sb_free().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <switchboard.h>

#define OWNER_EMAIL "demo@helpline.example"
#define OWNER_PASSWORD "Demo-Password-2024"

/* Prints the failed call and the library's message, then stops. */
static void fail(const char* what, int rc) {
    const char* field = sb_last_error_field();
    fprintf(stderr, "accounts_demo: %s failed: %s (%s%s%s)\n", what, sb_last_error(), sb_error_name(rc),
            field[0] ? ", field " : "", field);
    exit(1);
}

/* Copies the characters [A-Za-z0-9] that follow `marker` in `text`: enough to
 * pick a key or a token out of the library's JSON without a JSON parser. A
 * real program would use its own JSON library. */
static int copy_after(char* out, size_t size, const char* text, const char* marker) {
    const char* p = strstr(text, marker);
    size_t n = 0;
    if (p == NULL) return 0;
    p += strlen(marker);
    while (n + 1 < size && ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
        out[n++] = *p++;
    out[n] = '\0';
    return n > 0;
}

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "accounts_demo.db";
    sb_db_options options;
    sb_accounts_options accounts;
    sb_db* db = NULL;
    char *signed_up = NULL, *outbox = NULL, *session = NULL, *created = NULL, *users = NULL;
    char key[64], token[64];
    int rc, verified = 0;

    printf("switchboard %s (header %s)\n", sb_version(), SB_VERSION_STRING);

    /* Options: start from the defaults of the version this program knows. */
    if ((rc = sb_db_options_init(&options, SB_DB_OPTIONS_VERSION)) != SB_OK) fail("sb_db_options_init", rc);
    if ((rc = sb_accounts_options_init(&accounts, SB_ACCOUNTS_OPTIONS_VERSION)) != SB_OK)
        fail("sb_accounts_options_init", rc);
    accounts.public_url = "https://crm.example";
    options.accounts = &accounts; /* read during sb_db_open only */
    if ((rc = sb_db_open(&db, path, &options)) != SB_OK) fail("sb_db_open", rc);

    /* Sign up; on a second run the organisation exists already. */
    rc = sb_accounts_sign_up(db, &signed_up,
                    "{\"company_name\":\"Demo Helpline\",\"email\":\"" OWNER_EMAIL "\","
                    "\"phone\":\"+254 700 123 456\",\"password\":\"" OWNER_PASSWORD "\"}");
    if (rc == SB_OK) {
        printf("signed up: %s\n", signed_up);
        /* The verification email waits in the outbox; a mail sender would
         * deliver it. Here the key is taken from it directly. */
        if ((rc = sb_outbox_list(db, &outbox, OWNER_EMAIL)) != SB_OK) fail("sb_outbox_list", rc);
        if (!copy_after(key, sizeof key, outbox, "Verification key: ")) {
            fprintf(stderr, "accounts_demo: no verification key in the outbox: %s\n", outbox);
            return 1;
        }
        if ((rc = sb_accounts_verify_email(db, &verified, key)) != SB_OK) fail("sb_accounts_verify_email", rc);
        printf("email verified: %s\n", verified ? "yes" : "no");
    } else if (rc != SB_EEXISTS) {
        fail("sb_accounts_sign_up", rc);
    }

    /* Sign in: the session JSON carries the 32-character access token. */
    if ((rc = sb_accounts_sign_in(db, &session, OWNER_EMAIL, OWNER_PASSWORD)) != SB_OK) fail("sb_accounts_sign_in", rc);
    if (!copy_after(token, sizeof token, session, "\"token\":\"")) {
        fprintf(stderr, "accounts_demo: no token in %s\n", session);
        return 1;
    }

    /* An agent with a password of their own. */
    rc = sb_user_create(db, &created, token,
                        "{\"username\":\"agent.one\",\"email\":\"agent.one@helpline.example\","
                        "\"first_name\":\"Agent\",\"last_name\":\"One\",\"role\":\"agent\","
                        "\"password\":\"Agent-Password-2024\"}");
    if (rc != SB_OK && rc != SB_EEXISTS) fail("sb_user_create", rc);

    if ((rc = sb_user_list(db, &users, token, NULL)) != SB_OK) fail("sb_user_list", rc);
    printf("users: %s\n", users);

    if ((rc = sb_accounts_sign_out(db, token)) != SB_OK) fail("sb_accounts_sign_out", rc);

    sb_free(users);
    sb_free(created);
    sb_free(session);
    sb_free(outbox);
    sb_free(signed_up);
    if ((rc = sb_db_close(db)) != SB_OK) fail("sb_db_close", rc);
    return 0;
}
