/* The mailer through the C API: the version 4 options and their refusals,
 * and mails delivered to a real SMTP server on loopback
 * (tests/common/smtp_sink.py, Debian's python3-aiosmtpd): the verification
 * key of a delivered mail spent, an organisation's template and server, a
 * test mail, an email and an SMS as records. */
#include "test_util.h" /* first: it sets _POSIX_C_SOURCE */

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

static int free_port(void) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0), port;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr*)&a, sizeof a);
    getsockname(s, (struct sockaddr*)&a, &len);
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

static int accepts(int port) {
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_STREAM, 0), ok;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(s, (struct sockaddr*)&a, sizeof a) == 0;
    close(s);
    return ok;
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static pid_t sink_pid = -1;
static char sink_dir[400];
static char sink_url[64];

static void start_sink(void) {
    int port = free_port(), i;
    char port_text[16];
    snprintf(sink_dir, sizeof sink_dir, "%s/maildir", sb_test_dir);
    snprintf(port_text, sizeof port_text, "%d", port);
    snprintf(sink_url, sizeof sink_url, "smtp://127.0.0.1:%d", port);
    sink_pid = fork();
    if (sink_pid == 0) {
        execl("/usr/bin/python3", "/usr/bin/python3", SB_SOURCE_DIR "/tests/common/smtp_sink.py", "--port", port_text,
              "--maildir", sink_dir, (char*)NULL);
        _exit(127);
    }
    for (i = 0; i < 200 && !accepts(port); ++i) sleep_ms(50);
    REQUIRE_OK(accepts(port) ? SB_OK : SB_EINTERNAL);
}

static void stop_sink(void) {
    kill(sink_pid, SIGTERM);
    waitpid(sink_pid, NULL, 0);
    sb_test_remove_tree(sink_dir);
}

/* The delivered messages, oldest first, concatenated into buf; returns how many. */
static int delivered(char* buf, size_t size) {
    char dir[500], path[800];
    DIR* d;
    struct dirent* e;
    int n = 0;
    size_t used = 0;
    snprintf(dir, sizeof dir, "%s/new", sink_dir);
    buf[0] = '\0';
    d = opendir(dir);
    if (d == NULL) return 0;
    while ((e = readdir(d)) != NULL) {
        FILE* f;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (f == NULL) continue;
        used += fread(buf + used, 1, size - used - 1, f);
        buf[used] = '\0';
        fclose(f);
        ++n;
    }
    closedir(d);
    return n;
}

static int wait_for(int n, char* buf, size_t size) {
    int i, got = 0;
    for (i = 0; i < 500 && (got = delivered(buf, size)) < n; ++i) sleep_ms(20);
    return got;
}

static void test_option_refusals(void) {
    sb_db_options o = sb_test_options();
    sb_db* db = NULL;
    sb_test_temp_db("mailopt");
    o.smtp_url = "smtp://127.0.0.1:25";
    o.smtp_tls = "maybe";
    CHECK_ERROR(SB_EINVALID, "smtp_tls is starttls or none", sb_db_open(&db, sb_test_db_path, &o));
    CHECK_STR(sb_last_error_field(), "smtp_tls");
    o.smtp_tls = NULL;
    o.smtp_url = "http://mail.example.org";
    CHECK_RC(SB_EINVALID, sb_db_open(&db, sb_test_db_path, &o));
    CHECK_STR(sb_last_error_field(), "smtp_url");
    o.smtp_url = "smtp://127.0.0.1:25";
    o.smtp_from = "nobody";
    CHECK_RC(SB_EINVALID, sb_db_open(&db, sb_test_db_path, &o));
    CHECK_STR(sb_last_error_field(), "smtp_from");
    o.smtp_from = NULL;
    o.mail_max_attempts = -1;
    CHECK_RC(SB_EINVALID, sb_db_open(&db, sb_test_db_path, &o));
    CHECK_STR(sb_last_error_field(), "mail_max_attempts");
    o.mail_max_attempts = 5000;
    CHECK_ERROR(SB_EINVALID, "mail_max_attempts must be 1 to 1000", sb_db_open(&db, sb_test_db_path, &o));
    CHECK(db == NULL);
    sb_test_cleanup();
}

static void test_delivery(void) {
    static char mails[1 << 18];
    sb_db_options o = sb_test_options();
    sb_db* db = NULL;
    char* json = NULL;
    char key[64], token[64], settings[256];
    const char* at;
    int ok = 0, i, count = -1;
    long long id;

    sb_test_temp_db("mail");
    start_sink();
    o.smtp_url = sink_url;
    o.smtp_tls = "none";
    o.smtp_from = "Amani Helpline <no-reply@amani.example>";
    o.mail_fetch_ms = -1; /* the mailbox is read when the test asks */
    REQUIRE_OK(sb_db_open(&db, sb_test_db_path, &o));

    REQUIRE_OK(sb_accounts_sign_up(db, &json, "{\"company_name\":\"Amani\",\"email\":\"owner@amani.example\","
                                              "\"phone\":\"+254 700 000004\",\"password\":\"Correct-Horse-42\"}"));
    sb_free(json);
    CHECK_INT(wait_for(1, mails, sizeof mails), 1);
    CHECK(strstr(mails, "Subject: Verify your email address\r\n") != NULL);
    CHECK(strstr(mails, "X-RcptTo: owner@amani.example\r\n") != NULL);
    at = strstr(mails, "Verification key: ");
    REQUIRE_OK(at != NULL ? SB_OK : SB_EINTERNAL);
    snprintf(key, sizeof key, "%s", sb_test_after(at, "Verification key: "));
    for (i = 0; key[i] != '\0'; ++i)
        if (key[i] == '\r') key[i] = '\0';
    REQUIRE_OK(sb_accounts_verify_email(db, &ok, key));
    CHECK_INT(ok, 1);
    for (i = 0; i < 500; ++i) {
        REQUIRE_OK(sb_outbox_list(db, &json, "owner@amani.example"));
        ok = strcmp(sbj_str(json, "0.status"), "sent") == 0;
        if (ok) break;
        sb_free(json);
        json = NULL;
        sleep_ms(20);
    }
    CHECK(ok);
    CHECK_STR(sbj_str(json, "0.body"), "");
    CHECK_INT(sbj_int(json, "0.attempts"), 1);
    CHECK(strncmp(sbj_str(json, "0.reply"), "250 ", 4) == 0);
    id = sbj_int(json, "0.id");
    sb_free(json);
    sb_test_sign_in(db, "owner@amani.example", SB_TEST_PASSWORD, token);

    /* templates */
    REQUIRE_OK(sb_mail_templates(db, &json, token));
    CHECK_INT(sbj_len(json, ""), 6);
    CHECK_STR(sbj_str(json, "1.kind"), "reset");
    CHECK_INT(sbj_len(json, "1.placeholders"), 3);
    sb_free(json);
    json = (char*)1;
    CHECK_ERROR(SB_EINVALID, "the reset mail has no placeholder {{key}} (it has organisation, code, minutes)",
                sb_mail_set_template(db, &json, token, "{\"kind\":\"reset\",\"subject\":\"s\",\"text\":\"{{key}}\"}"));
    CHECK_STR(sb_last_error_field(), "text");
    CHECK(json == NULL);
    REQUIRE_OK(sb_mail_set_template(db, &json, token,
                                    "{\"kind\":\"reset\",\"subject\":\"{{organisation}} code\",\"text\":\"Code {{code}}\"}"));
    CHECK_INT(sbj_bool(json, "is_default"), 0);
    sb_free(json);
    REQUIRE_OK(sb_accounts_request_password_reset(db, "owner@amani.example"));
    CHECK_INT(wait_for(2, mails, sizeof mails), 2);
    CHECK(strstr(mails, "Subject: Amani code\r\n") != NULL);
    REQUIRE_OK(sb_mail_reset_template(db, &json, token, "reset"));
    CHECK_INT(sbj_bool(json, "is_default"), 1);
    sb_free(json);

    /* the organisation's own settings, and a test mail */
    snprintf(settings, sizeof settings, "{\"smtp_url\":\"%s\",\"tls\":\"none\",\"from\":\"Desk <desk@org.example>\"}",
             sink_url);
    REQUIRE_OK(sb_mail_set_settings(db, &json, token, settings));
    CHECK_INT(sbj_bool(json, "own"), 1);
    CHECK_INT(sbj_bool(json, "has_password"), 0);
    sb_free(json);
    CHECK_RC(SB_EINVALID, sb_mail_set_settings(db, &json, token, "{\"smtp_url\":\"smtp://x\",\"tls\":\"often\"}"));
    CHECK_STR(sb_last_error_field(), "tls");
    REQUIRE_OK(sb_mail_settings(db, &json, token));
    CHECK_STR(sbj_str(json, "smtp_url"), sink_url);
    sb_free(json);
    REQUIRE_OK(sb_mail_send_test(db, &json, token, "check@example.org"));
    CHECK_INT(sbj_bool(json, "accepted"), 1);
    CHECK_STR(sbj_str(json, "server"), sink_url);
    sb_free(json);
    CHECK_INT(wait_for(3, mails, sizeof mails), 3);
    CHECK(strstr(mails, "X-MailFrom: desk@org.example\r\n") != NULL);
    CHECK_RC(SB_EINVALID, sb_mail_send_test(db, &json, token, "nobody"));
    CHECK_STR(sb_last_error_field(), "to");

    /* retry: only a failed mail; dispatch: nothing is left without its job */
    CHECK_RC(SB_ECONFLICT, sb_mail_retry(db, &json, token, id));
    CHECK_RC(SB_ENOTFOUND, sb_mail_retry(db, &json, token, 99999));
    REQUIRE_OK(sb_mail_dispatch(db, &count));
    CHECK_INT(count, 0);
    CHECK_RC(SB_EINVALID, sb_mail_dispatch(db, NULL));

    /* an email record: stored, its recipient a contact, sent by the mailer */
    REQUIRE_OK(sb_email_send(db, &json, token,
                             "{\"subject\":\"Your case\",\"text\":\"Hello\",\"to\":[\"wanjiru@example.org\"]}"));
    CHECK_STR(sbj_str(json, "status"), "queued");
    CHECK_STR(sbj_str(json, "recipients.0.address"), "wanjiru@example.org");
    CHECK(sbj_int(json, "recipients.0.contact_id") > 0);
    id = sbj_int(json, "id");
    sb_free(json);
    CHECK_INT(wait_for(4, mails, sizeof mails), 4);
    CHECK(strstr(mails, "Subject: Your case\r\n") != NULL);
    for (i = 0, ok = 0; i < 500 && !ok; ++i) {
        REQUIRE_OK(sb_email_get(db, &json, token, id));
        ok = strcmp(sbj_str(json, "status"), "sent") == 0;
        sb_free(json);
        if (!ok) sleep_ms(20);
    }
    CHECK(ok);
    REQUIRE_OK(sb_email_list(db, &json, token, "{\"filters\":{\"folder\":\"sent\"}}"));
    CHECK_INT(sbj_int(json, "total"), 1);
    sb_free(json);
    REQUIRE_OK(sb_email_report(db, &json, token, NULL, "status", NULL));
    CHECK_STR(sbj_str(json, "rows.0.keys.0"), "sent");
    sb_free(json);
    REQUIRE_OK(sb_email_export_csv_string(db, &json, token, NULL));
    CHECK(strncmp(json, "id,direction,folder,status", 26) == 0);
    sb_free(json);
    CHECK_RC(SB_EINVALID, sb_email_send(db, &json, token, "{\"subject\":\"s\",\"text\":\"t\",\"to\":[\"x\"]}"));
    CHECK_STR(sb_last_error_field(), "recipients");
    CHECK_RC(SB_ENOTFOUND,
             sb_email_send(db, &json, token, "{\"subject\":\"s\",\"text\":\"t\",\"to\":[\"a@b.org\"],\"attachments\":[77]}"));
    CHECK_STR(sb_last_error_field(), "attachments");

    /* an SMS record: with no gateway it waits, queued */
    REQUIRE_OK(sb_sms_send(db, &json, token, "{\"text\":\"Habari\",\"to\":[\"+254 700 112 233\"]}"));
    CHECK_STR(sbj_str(json, "status"), "queued");
    CHECK_STR(sbj_str(json, "recipients.0.address"), "+254700112233");
    id = sbj_int(json, "id");
    sb_free(json);
    REQUIRE_OK(sb_sms_get(db, &json, token, id));
    CHECK_STR(sbj_str(json, "text"), "Habari");
    sb_free(json);
    REQUIRE_OK(sb_sms_list(db, &json, token, NULL));
    CHECK_INT(sbj_int(json, "total"), 1);
    sb_free(json);
    REQUIRE_OK(sb_sms_report(db, &json, token, NULL, "folder", NULL));
    CHECK_STR(sbj_str(json, "rows.0.keys.0"), "outbox");
    sb_free(json);
    REQUIRE_OK(sb_sms_export_csv_string(db, &json, token, NULL));
    CHECK(strstr(json, "+254700112233:queued") != NULL);
    sb_free(json);
    CHECK_RC(SB_EINVALID, sb_sms_send(db, &json, token, "{\"text\":\"\",\"to\":[\"0700112233\"]}"));
    CHECK_STR(sb_last_error_field(), "msg");

    /* mail in: the mailbox's settings; one that cannot be read says why */
    CHECK_RC(SB_EINVALID, sb_mailbox_set(db, &json, token, "{\"imap_url\":\"pop3://x\",\"username\":\"u\",\"password\":\"p\"}"));
    CHECK_STR(sb_last_error_field(), "imap_url");
    snprintf(settings, sizeof settings,
             "{\"imap_url\":\"imap://127.0.0.1:%d/INBOX\",\"tls\":\"none\",\"username\":\"desk\",\"password\":\"pw\"}",
             free_port());
    REQUIRE_OK(sb_mailbox_set(db, &json, token, settings));
    CHECK_INT(sbj_bool(json, "configured"), 1);
    CHECK_INT(sbj_bool(json, "has_password"), 1);
    sb_free(json);
    REQUIRE_OK(sb_mailbox_fetch(db, &json, token));
    CHECK_INT(sbj_int(json, "mails"), 0);
    CHECK(strncmp(sbj_str(json, "error"), "IMAP imap://127.0.0.1:", 22) == 0);
    sb_free(json);
    REQUIRE_OK(sb_mailbox_get(db, &json, token));
    CHECK(strlen(sbj_str(json, "last_error")) > 0);
    sb_free(json);

    CHECK_OK(sb_db_close(db));
    stop_sink();
    sb_test_cleanup();
}

int main(void) {
    test_option_refusals();
    test_delivery();
    return sb_test_finish("test_mail");
}
