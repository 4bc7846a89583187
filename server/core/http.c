/* http.c -- libmicrohttpd set-up and the per-request life cycle.
 *
 * Thread model: MHD's epoll thread pool, config.threads workers; each
 * request runs start to finish on one worker, which owns one database
 * connection (db.c). A request's struct req is made on its first call,
 * filled with the body on the next ones (under config.body_limit), handled
 * on the last, and freed when MHD reports the request complete. */
#include "core/http.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include <sodium.h>

#include "core/app.h"
#include "config.h"
#include "core/reply.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"

struct http_req {
	struct req r;            /* first: what the handlers see */
	struct timespec started;
	bool too_large;
	bool first_done;
	size_t cap;
	size_t limit;            /* body limit of the route */
};

static struct MHD_Daemon *daemon_;

static char *
header_dup(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	return v ? strdup(v) : NULL;
}

static enum MHD_Result
query_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct req *r = cls;

	(void)kind;
	if (r->nquery == REQ_MAX_QUERY) {
		r->query_overflow = true;
		return MHD_NO;
	}
	r->query[r->nquery].key = strdup(key);
	r->query[r->nquery].value = strdup(value ? value : "");
	r->nquery++;
	return MHD_YES;
}

/* Echoes a client's X-Request-Id when it is short and plain, else makes one. */
static void
request_id(struct MHD_Connection *c, struct req *r)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	unsigned char raw[16];

	if (v != NULL && *v && strlen(v) < sizeof(r->request_id) &&
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	    strlen(v)) {
		strcpy(r->request_id, v);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(r->request_id, sizeof(r->request_id), raw, sizeof(raw));
}

static void
client_addr(struct MHD_Connection *c, struct req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	r->client_addr[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    r->client_addr, sizeof(r->client_addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    r->client_addr, sizeof(r->client_addr));
}

static struct http_req *
http_req_new(struct MHD_Connection *c, const char *url, const char *method)
{
	struct http_req *h = calloc(1, sizeof(*h));
	struct req *r;

	if (h == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &h->started);
	r = &h->r;
	r->reply_fd = -1;
	r->method = method;
	r->path = url;
	request_id(c, r);
	client_addr(c, r);
	r->content_type = header_dup(c, MHD_HTTP_HEADER_CONTENT_TYPE);
	r->authorization = header_dup(c, MHD_HTTP_HEADER_AUTHORIZATION);
	r->cookie = header_dup(c, MHD_HTTP_HEADER_COOKIE);
	r->origin = header_dup(c, "Origin");
	r->host = header_dup(c, MHD_HTTP_HEADER_HOST);
	r->accept = header_dup(c, MHD_HTTP_HEADER_ACCEPT);
	r->if_match = header_dup(c, MHD_HTTP_HEADER_IF_MATCH);
	r->idempotency_key = header_dup(c, "Idempotency-Key");
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_collect, r);
	return h;
}

/* Appends a chunk of the body; past the limit, only notes it. */
static void
body_append(struct http_req *h, const char *data, size_t len)
{
	struct req *r = &h->r;
	char *grown;

	if (h->too_large || r->body_len + len > h->limit) {
		h->too_large = true;
		return;
	}
	if (r->body_len + len + 1 > h->cap) {
		size_t cap = h->cap ? h->cap : 4096;

		while (cap < r->body_len + len + 1)
			cap *= 2;
		grown = realloc(r->body, cap);
		if (grown == NULL) {
			h->too_large = true;
			return;
		}
		r->body = grown;
		h->cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
}

static void
add_headers(struct MHD_Response *resp, const struct req *r)
{
	size_t i;
	bool api = strncmp(r->path, "/api/", 5) == 0 || r->reply_fd < 0;

	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", api ? "no-store" : "no-cache");
	if (r->reply_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->reply_type);
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].key, r->headers[i].value);
}

/* Turns the reply in r into an MHD response: the one place that maps a
 * handler's result to MHD_YES / MHD_NO. */
static enum MHD_Result
send_reply(struct MHD_Connection *c, struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->status == 0)
		reply_problem(r, 500, "the request was not answered");
	if (r->reply_fd >= 0) {
		resp = MHD_create_response_from_fd(r->reply_fd_size, r->reply_fd);
		if (resp != NULL)
			r->reply_fd = -1;        /* MHD closes it */
	} else {
		resp = MHD_create_response_from_buffer(r->reply_len, r->reply_body,
		    MHD_RESPMEM_MUST_FREE);
		if (resp != NULL)
			r->reply_body = NULL;    /* MHD frees it */
	}
	if (resp == NULL)
		return MHD_NO;
	add_headers(resp, r);
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_req *h = *con_cls;
	const char *cl;

	(void)cls;
	(void)version;
	if (h == NULL) {
		h = http_req_new(c, url, method);
		if (h == NULL)
			return MHD_NO;
		*con_cls = h;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		h->limit = app_body_limit(method, url);
		/* Refused before the body is sent (Expect: 100-continue). */
		if (cl != NULL && strtoull(cl, NULL, 10) > h->limit) {
			h->too_large = true;
			reply_problem(&h->r, 413, "the body is larger than the limit of %zu bytes",
			    h->limit);
			return send_reply(c, &h->r);
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		body_append(h, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (h->first_done)
		return MHD_YES;
	h->first_done = true;
	if (h->too_large)
		reply_problem(&h->r, 413, "the body is larger than the limit of %zu bytes",
		    h->limit);
	else
		app_handle(&h->r);
	return send_reply(c, &h->r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *h = *con_cls;
	struct timespec now;
	double ms;

	(void)cls;
	(void)c;
	(void)toe;
	if (h == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - h->started.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - h->started.tv_nsec) / 1e6;
	fprintf(stderr, "%s %s %d %.1fms id=%s\n", h->r.method, h->r.path, h->r.status, ms,
	    h->r.request_id);
	req_release(&h->r);
	free(h);
	*con_cls = NULL;
}

int
http_start(void)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	const struct sockaddr *sa;
	const union MHD_DaemonInfo *info;

	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, config.bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)config.port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, config.bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)config.port);
		sa = (const struct sockaddr *)&a6;
	} else {
		fprintf(stderr, "registry: REGISTRY_BIND=%s is not an IP address\n", config.bind);
		return -1;
	}
	daemon_ = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
	    (sa->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)config.port, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE, config.threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30U,
	    MHD_OPTION_CONNECTION_LIMIT, 1000U,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 200U,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_END);
	if (daemon_ == NULL) {
		fprintf(stderr, "registry: cannot listen on %s:%u\n", config.bind, config.port);
		return -1;
	}
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on http://%s%s%s:%u\n", sa->sa_family == AF_INET6 ? "[" : "",
	    config.bind, sa->sa_family == AF_INET6 ? "]" : "",
	    info ? info->port : config.port);
	fflush(stdout);
	return 0;
}

void
http_stop(void)
{
	if (daemon_ != NULL)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
